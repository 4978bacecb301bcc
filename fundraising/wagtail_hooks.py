"""Wagtail admin wiring: appeals, donations, external contributions, Stripe
events, exports and the dashboard panel."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.urls import path, reverse
from django_filters import DateFromToRangeFilter
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from fundraising import admin_views
from fundraising.models import Appeal, Donation, ExternalContribution, StripeEvent
from fundraising.money import format_pence


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Records Stripe wrote: staff may look, never add, edit or delete."""

    def user_has_permission(self, user, action):
        return action not in {
            "add",
            "change",
            "delete",
        } and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


class AppealViewSet(SnippetViewSet):
    model = Appeal
    icon = "pick"
    menu_label = "Appeals"
    list_display = [
        "name",
        Column("raised_display", label="Raised"),
        Column("target_display", label="Target"),
        "donor_count",
        "deadline",
        "is_open",
    ]
    search_fields = ["name"]


class ExternalContributionViewSet(SnippetViewSet):
    model = ExternalContribution
    icon = "form"
    menu_label = "External contributions"
    list_display = [
        "appeal",
        "source",
        Column("amount_display", label="Amount"),
        "received_on",
        "note",
        "entered_by",
    ]
    list_filter = ["appeal", "source"]


class DonationFilterSet(WagtailFilterSet):
    created_at = DateFromToRangeFilter(label="Created", widget=DateRangePickerWidget)
    paid_at = DateFromToRangeFilter(label="Paid", widget=DateRangePickerWidget)

    class Meta:
        model = Donation
        fields = ["appeal", "status", "frequency", "created_at", "paid_at"]


class DonationIndexView(IndexView):
    """The list, with the totals of whatever the filters select."""

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        queryset = self.filters.qs if self.filters else self.get_base_queryset()
        totals = queryset.aggregate(
            gifts=Count("id"),
            amount=Sum("amount_pence", default=0),
            net=Sum("counted_pence", default=0),
        )
        context["totals"] = {
            "gifts": totals["gifts"],
            "amount": format_pence(totals["amount"]),
            "net": format_pence(totals["net"]),
        }
        return context


class DonationViewSet(ModelViewSet):
    model = Donation
    icon = "doc-full"
    menu_label = "Donations"
    index_view_class = DonationIndexView
    index_results_template_name = "fundraising/admin/donation_index_results.html"
    filterset_class = DonationFilterSet
    list_display = [
        "__str__",
        "appeal",
        "frequency",
        "status",
        "paid_at",
        "created_at",
    ]
    inspect_view_enabled = True
    inspect_view_fields = [
        "appeal",
        "supporter",
        "parent",
        "amount_pence",
        "fee_cover_pence",
        "currency",
        "frequency",
        "status",
        "paid_at",
        "failed_at",
        "refunded_pence",
        "dispute_status",
        "subscription_ended_at",
        "counted_pence",
        "gift_aid_declaration",
        "checkout_session_id",
        "payment_intent_id",
        "charge_id",
        "subscription_id",
        "invoice_id",
        "customer_id",
        "metadata",
        "receipt_sent_at",
        "created_at",
    ]
    form_fields = []  # never edited in the admin


class StripeEventViewSet(ModelViewSet):
    model = StripeEvent
    icon = "history"
    menu_label = "Stripe events"
    list_display = ["type", "event_id", "received_at", "processed_at", "outcome"]
    list_filter = ["type"]
    search_fields = ["event_id", "type"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "event_id",
        "type",
        "received_at",
        "processed_at",
        "attempts",
        "outcome",
        "error",
        "payload",
    ]
    form_fields = []


class FundraisingGroup(ModelViewSetGroup):
    menu_label = "Fundraising"
    menu_icon = "pick"
    menu_order = 250
    items = (DonationViewSet("donations"), StripeEventViewSet("stripe_events"))


register_permission_policy(Donation, ReadOnlyPolicy(Donation))
register_permission_policy(StripeEvent, ReadOnlyPolicy(StripeEvent))
register_snippet(AppealViewSet)
register_snippet(ExternalContributionViewSet)


@hooks.register("register_admin_viewset")
def register_fundraising_viewsets():
    return FundraisingGroup()


@hooks.register("register_admin_urls")
def register_export_urls():
    return [
        path("fundraising/exports/", admin_views.exports, name="fundraising_exports"),
        path(
            "fundraising/exports/accounts.csv",
            admin_views.accounts_csv,
            name="fundraising_accounts_csv",
        ),
        path(
            "fundraising/exports/gift-aid.csv",
            admin_views.gift_aid_csv,
            name="fundraising_gift_aid_csv",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_exports_menu_item():
    return MenuItem(
        "Fundraising exports",
        reverse("fundraising_exports"),
        icon_name="download",
        order=260,
    )


@hooks.register("construct_homepage_panels")
def add_income_panel(request, panels):
    if request.user.has_perm("fundraising.view_donation"):
        panels.append(admin_views.IncomePanel())


@hooks.register("after_create_snippet")
def record_who_entered(request, instance):
    if isinstance(instance, ExternalContribution):
        ExternalContribution.objects.filter(pk=instance.pk).update(
            entered_by=request.user
        )
