"""Public URLs of the fundraising app."""

from django.urls import path

from . import views

app_name = "fundraising"
# Fixed paths first: an appeal's slug may not be one of these words
# (see RESERVED_SLUGS in models.appeals).
urlpatterns = [
    path("donate/", views.donate, name="donate"),
    path("donate/thank-you/", views.thanks, name="thanks"),
    path("donate/cancelled/", views.donate_cancelled, name="donate_cancelled"),
    path("donate/manage/<str:token>/", views.manage, name="manage"),
    path("donate/<slug:slug>/", views.donate, name="donate"),
    path(
        "donate/<slug:slug>/cancelled/",
        views.donate_cancelled,
        name="donate_cancelled",
    ),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
