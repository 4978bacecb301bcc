"""Public URLs of the supporters app."""

from django.urls import include, path

from .views import preferences, unsubscribe

app_name = "supporters"
urlpatterns = [
    path("email/unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
    # Provider delivery events (bounces, complaints, unsubscribes), protected by
    # ANYMAIL_WEBHOOK_SECRET; handled in supporters/webhooks.py.
    path("webhooks/anymail/", include("anymail.urls")),
    path("email/preferences/<str:token>/", preferences.preferences, name="preferences"),
]
