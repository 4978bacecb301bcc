"""Wagtail admin wiring for pledges: a read-only list with filters and CSV
export, the expected-income summary, "remind now" and the call-in page."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import admin_views
from .filters import PledgeFilterSet
from .models import Pledge


class PledgePermissionPolicy(ModelPermissionPolicy):
    """Pledges are made by supporters: staff look and remind, never add, edit
    or delete one (that would break the totals)."""

    def user_has_permission(self, user, action):
        if action in {"add", "delete"}:
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


class PledgeIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("appeal", "supporter")

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if instance.status == Pledge.Status.CONFIRMED:
            buttons.append(
                ListingButton(
                    "Remind now",
                    reverse("pledges_remind_now", args=[instance.pk]),
                    icon_name="mail",
                    priority=50,
                )
            )
        return buttons

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["csv_url"] = reverse("pledges_csv") + "?" + self.request.GET.urlencode()
        return context


class PledgeViewSet(ModelViewSet):
    model = Pledge
    icon = "calendar-alt"
    menu_label = "Pledges"
    menu_order = 255
    add_to_admin_menu = True
    index_view_class = PledgeIndexView
    index_results_template_name = "pledges/admin/index_results.html"
    filterset_class = PledgeFilterSet
    list_display = [
        "__str__",
        "appeal",
        Column("when_display", label="When"),
        "status",
        "supporter",
        "created_at",
    ]
    list_per_page = 50
    inspect_view_enabled = True
    inspect_view_fields = [
        "appeal",
        "supporter",
        "amount_pence",
        "currency",
        "status",
        "when",
        "due_date",
        "payday",
        "milestone_title",
        "source",
        "created_at",
        "confirmed_at",
        "called_in_at",
        "fulfilled_at",
        "ended_at",
        "donation",
    ]
    copy_view_enabled = False
    form_fields = []  # never edited in the admin


register_permission_policy(Pledge, PledgePermissionPolicy(Pledge))


@hooks.register("register_admin_viewset")
def register_pledge_viewset():
    return PledgeViewSet("pledges_admin")


@hooks.register("register_admin_urls")
def register_pledge_admin_urls():
    return [
        path("pledges-admin/export.csv", admin_views.pledges_csv, name="pledges_csv"),
        path(
            "pledges-admin/expected-income/",
            admin_views.income_summary,
            name="pledges_income",
        ),
        path(
            "pledges-admin/<int:pk>/remind/",
            admin_views.remind_now,
            name="pledges_remind_now",
        ),
        path(
            "pledges-admin/close-appeal/",
            admin_views.close_appeal,
            name="pledges_close_appeal",
        ),
        path(
            "pledges-admin/call-in/<uuid:milestone_key>/",
            admin_views.call_in,
            name="pledges_call_in",
        ),
    ]
