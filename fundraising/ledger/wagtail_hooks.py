"""Admin wiring of the ledger: a "Finance" menu with the case budget, cost
entries (approve, reverse, private invoice) and surplus policies.

Who sees what: the Finance group (made by migration 0002) keeps the budget,
enters costs and approves other people's; Editors write surplus policies and
nothing else here. Every change is in Wagtail's audit log.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import admin_views
from .models import CaseStage, CostEntry, SurplusPolicy

ENTRY_KINDS = [
    choice for choice in CostEntry.Kind.choices if choice[0] != CostEntry.Kind.REVERSAL
]


class CaseStagePermissionPolicy(ModelPermissionPolicy):
    """A stage with entries cannot be deleted (its costs would lose their place)."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and instance.entries.exists():
            return False
        return super().user_has_permission_for_instance(user, action, instance)


class CostEntryPermissionPolicy(ModelPermissionPolicy):
    """Approved entries are immutable: no edit, no delete, only a reversal."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action in {"change", "delete"} and instance.is_approved:
            return False
        return super().user_has_permission_for_instance(user, action, instance)


class CaseStageIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("appeal")

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if not self.request.user.has_perm("ledger.manage_finance"):
            return buttons
        if instance.status != CaseStage.Status.DONE:
            url, label, icon = "ledger_stage_done", "Mark done", "tick"
        else:
            url, label, icon = "ledger_stage_update", "Tell donors", "mail"
        buttons.append(
            ListingButton(label, reverse(url, args=[instance.pk]), icon_name=icon)
        )
        return buttons


class CaseStageEditView(generic.EditView):
    def get_success_url(self):
        # Marked done in the form: offer the donor update straight away.
        if (
            self.object.status == CaseStage.Status.DONE
            and "status" in self.form.changed_data
        ):
            return reverse("ledger_stage_update", args=[self.object.pk])
        return super().get_success_url()


class CaseStageViewSet(ModelViewSet):
    model = CaseStage
    icon = "list-ol"
    menu_label = "Case budget"
    url_prefix = "ledger/stages"
    menu_order = 100
    index_view_class = CaseStageIndexView
    edit_view_class = CaseStageEditView
    list_display = [
        "__str__",
        "status",
        Column("estimate_display", label="Estimate"),
        "updated_at",
    ]
    list_filter = ["appeal", "status"]
    copy_view_enabled = False
    inspect_view_enabled = True


class CostEntryIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("stage__appeal", "entered_by", "approved_by", "reverses")
        )

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        user = self.request.user
        finance = user.has_perm("ledger.manage_finance")
        offered = [
            # (shown?, label, URL name, icon, priority)
            (
                not instance.is_approved
                and user.has_perm("ledger.approve_costentry")
                and instance.entered_by_id != user.pk,
                "Approve", "ledger_entry_approve", "tick", 5,
            ),
            (
                finance
                and instance.is_approved
                and instance.kind != CostEntry.Kind.REVERSAL,
                "Reverse", "ledger_entry_reverse", "undo", 60,
            ),
            (
                finance and bool(instance.invoice),
                "Invoice (private)", "ledger_entry_invoice", "doc-full", 70,
            ),
        ]  # fmt: skip
        for shown, label, url_name, icon, priority in offered:
            if shown:
                buttons.append(
                    ListingButton(
                        label,
                        reverse(url_name, args=[instance.pk]),
                        icon_name=icon,
                        priority=priority,
                    )
                )
        return buttons


class CostEntryCreateView(generic.CreateView):
    def save_instance(self):
        # The person who types the entry is recorded; someone else approves.
        instance = self.form.instance
        instance.entered_by = self.request.user
        instance.currency = instance.stage.appeal.currency
        return super().save_instance()


class ApprovedEntryLockMixin:
    """Edit and delete refuse an approved entry (whatever the URL typed):
    back to the listing with a message, never a half-done save."""

    def dispatch(self, request, *args, **kwargs):
        entry = CostEntry.objects.filter(pk=kwargs.get("pk")).first()
        if entry is not None and entry.is_approved:
            messages.warning(
                request,
                "This entry is approved, so it cannot be changed or deleted. "
                "Reverse it and enter the right figure as a new entry.",
            )
            return redirect("ledger_entries:index")
        return super().dispatch(request, *args, **kwargs)


class CostEntryEditView(ApprovedEntryLockMixin, generic.EditView):
    pass


class CostEntryDeleteView(ApprovedEntryLockMixin, generic.DeleteView):
    pass


class CostEntryViewSet(ModelViewSet):
    model = CostEntry
    icon = "table"
    menu_label = "Cost entries"
    url_prefix = "ledger/entries"
    menu_order = 200
    index_view_class = CostEntryIndexView
    add_view_class = CostEntryCreateView
    edit_view_class = CostEntryEditView
    delete_view_class = CostEntryDeleteView
    list_display = [
        "description",
        "date",
        "stage",
        "kind",
        Column("total_display", label="Total (with VAT)"),
        Column("status_display", label="Status"),
        "entered_by",
        "approved_by",
    ]
    list_filter = ["stage__appeal", "kind", "category"]
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "stage",
        "kind",
        "category",
        "date",
        "amount_pence",
        "vat_pence",
        "currency",
        "description",
        "reverses",
        "entered_by",
        "entered_at",
        "approved_by",
        "approved_at",
    ]
    edit_handler = ObjectList(
        [
            HelpPanel(
                content=(
                    "<p>A second person with the finance permission approves the "
                    "entry before it counts or is shown. Once approved it cannot "
                    "be changed: correct it by reversing it.</p>"
                )
            ),
            FieldPanel("stage"),
            FieldRowPanel(
                [
                    FieldPanel("kind", widget=forms.Select(choices=ENTRY_KINDS)),
                    FieldPanel("category"),
                ]
            ),
            FieldPanel("date"),
            FieldRowPanel([FieldPanel("amount_pence"), FieldPanel("vat_pence")]),
            FieldPanel("description"),
            FieldPanel("invoice"),
        ]
    )


class SurplusPolicyViewSet(ModelViewSet):
    model = SurplusPolicy
    icon = "doc-full"
    menu_label = "Surplus policies"
    url_prefix = "ledger/policies"
    menu_order = 300
    list_display = ["__str__", "updated_at"]
    copy_view_enabled = False


class FinanceGroup(ViewSetGroup):
    menu_label = "Finance"
    menu_icon = "table"
    menu_order = 260
    items = (
        CaseStageViewSet("ledger_stages"),
        CostEntryViewSet("ledger_entries"),
        SurplusPolicyViewSet("ledger_policies"),
    )


register_permission_policy(CaseStage, CaseStagePermissionPolicy(CaseStage))
register_permission_policy(CostEntry, CostEntryPermissionPolicy(CostEntry))


@hooks.register("register_admin_viewset")
def register_finance_viewsets():
    return FinanceGroup()


@hooks.register("register_admin_urls")
def register_ledger_admin_urls():
    return [
        path(
            "ledger/entries/<int:pk>/approve/",
            admin_views.entry_approve,
            name="ledger_entry_approve",
        ),
        path(
            "ledger/entries/<int:pk>/reverse/",
            admin_views.entry_reverse,
            name="ledger_entry_reverse",
        ),
        path(
            "ledger/entries/<int:pk>/invoice/",
            admin_views.entry_invoice,
            name="ledger_entry_invoice",
        ),
        path(
            "ledger/stages/<int:pk>/done/",
            admin_views.stage_done,
            name="ledger_stage_done",
        ),
        path(
            "ledger/stages/<int:pk>/update/",
            admin_views.stage_update,
            name="ledger_stage_update",
        ),
    ]


@hooks.register("register_log_actions")
def register_ledger_log_actions(actions):
    labels = {
        "ledger.approve": ("Ledger: approve", "Approved (two-person rule)"),
        "ledger.reverse": ("Ledger: reverse", "Reversal entered"),
        "ledger.stage_status": ("Ledger: stage status", "Stage status changed"),
        "ledger.update_prepared": (
            "Ledger: donor update prepared",
            "Draft donor update prepared",
        ),
        "ledger.invoice_download": (
            "Ledger: invoice downloaded",
            "Private invoice downloaded",
        ),
    }
    for action, (label, message) in labels.items():
        formatter = type(
            "LedgerLogFormatter",
            (LogFormatter,),
            {"label": label, "message": message},
        )
        actions.register_action(action)(formatter)
