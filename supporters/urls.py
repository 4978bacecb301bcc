"""Public URLs of the supporters app."""

from django.urls import include, path

from .views import data, preferences, signup, unsubscribe

app_name = "supporters"
urlpatterns = [
    path("signup/", signup.signup, name="signup"),
    path("signup/thanks/", signup.signup_thanks, name="signup_thanks"),
    path("signup/confirm/<str:token>/", signup.confirm, name="confirm"),
    path("email/unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
    path(
        "email/preferences/",
        preferences.preferences_request,
        name="preferences_request",
    ),
    path("email/preferences/<str:token>/", preferences.preferences, name="preferences"),
    path("my-data/download/<str:token>/", data.data_download, name="data_download"),
    path("my-data/delete/<str:token>/", data.data_erase, name="data_erase"),
    # Provider delivery events (bounces, complaints, unsubscribes), protected by
    # ANYMAIL_WEBHOOK_SECRET; handled in supporters/webhooks.py.
    path("webhooks/anymail/", include("supporters.anymail_urls")),
]
