"""Public URLs of the fundraising app."""

app_name = "fundraising"
urlpatterns: list = []
