"""Public URLs of the supporters app."""

app_name = "supporters"
urlpatterns: list = []
