"""Admin wiring of the campaign app."""

from __future__ import annotations

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.widgets import Button

from .models import UpdatePage


@hooks.register("register_page_header_buttons")
def send_update_by_email_button(page, user, view_name=None, next_url=None):
    """ "Send this update by email": a draft supporters Mailing from the page
    (supporters.mailings makes it; campaign only offers the button)."""
    if (
        page.specific_class is UpdatePage
        and page.live
        and user.has_perm("mailings.add_mailing")
    ):
        yield Button(
            "Send this update by email",
            reverse("mailings:from_page", args=[page.pk]),
            icon_name="mail",
            priority=55,
        )
