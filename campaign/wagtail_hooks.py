"""Admin wiring of the campaign app."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from . import admin_views
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


@hooks.register("register_admin_urls")
def register_campaign_admin_urls():
    return [
        path(
            "campaign/milestones/",
            admin_views.milestone_call_ins,
            name="campaign_milestone_call_ins",
        )
    ]


class PledgeStaffMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("pledges.change_pledge")


@hooks.register("register_admin_menu_item")
def register_milestones_menu_item():
    return PledgeStaffMenuItem(
        "Milestones and pledges",
        reverse("campaign_milestone_call_ins"),
        icon_name="calendar-alt",
        order=420,
    )
