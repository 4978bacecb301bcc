"""Public URLs of the campaign app."""

app_name = "campaign"
urlpatterns: list = []
