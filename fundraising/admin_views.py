"""Staff exports and the dashboard panel (Wagtail admin)."""

from __future__ import annotations

import itertools

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from wagtail.admin.ui.components import Component

from fundraising import charts, selectors
from fundraising.models import Appeal
from fundraising.money import format_pence
from fundraising.views import organisation
from supporters.models import SupporterAccessLog
from supporters.spreadsheets import csv_cell, csv_response

ACCOUNTS_COLUMNS = [
    "Reference",
    "Paid (Europe/London)",
    "Appeal",
    "Frequency",
    "Status",
    "Currency",
    "Amount",
    "Of which fee cover",
    "Refunded",
    "Net",
    "Gift Aid",
    "Donor",
    "Stripe payment",
    "Stripe invoice",
    "Stripe subscription",
]
# HMRC Charities Online Gift Aid schedule, column for column.
GIFT_AID_COLUMNS = [
    "Title",
    "First name or initial",
    "Last name",
    "House name or number",
    "Postcode",
    "Aggregated donations",
    "Sponsored event",
    "Donation date",
    "Amount",
]


class ExportForm(forms.Form):
    start = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    appeal = forms.ModelChoiceField(Appeal.objects.all(), required=False)


def _pounds(pence: int) -> str:
    return f"{pence / 100:.2f}" if isinstance(pence, int) else ""


def _stream(filename: str, header: list, rows) -> StreamingHttpResponse:
    return csv_response(filename, itertools.chain([header], rows))


def _audit(request, detail: str) -> None:
    SupporterAccessLog.objects.create(
        user=request.user, action=SupporterAccessLog.Action.EXPORT, detail=detail[:255]
    )


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def exports(request):
    """The exports page: accounts CSV, and the Gift Aid schedule when a charity."""
    _require(request, "fundraising.view_donation")
    _name, charity = organisation(request)
    return render(
        request,
        "fundraising/admin/exports.html",
        {"form": ExportForm(), "charity": charity},
    )


def accounts_csv(request):
    _require(request, "fundraising.view_donation")
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(
            request, "fundraising/admin/exports.html", {"form": form}, status=400
        )
    data = form.cleaned_data
    rows = selectors.donations_for_accounts(
        start=data["start"],
        end=data["end"],
        appeal_id=data["appeal"] and data["appeal"].pk,
    )
    _audit(request, f"Donations CSV for the accounts {data['start']}..{data['end']}")

    def lines():
        for d in rows.iterator(chunk_size=1000):
            yield [
                f"D{d.pk:06d}",
                f"{timezone.localtime(d.paid_at):%Y-%m-%d %H:%M}",
                csv_cell(d.appeal.name) if d.appeal_id else "General fund",
                d.get_frequency_display(),
                d.get_status_display(),
                d.currency,
                _pounds(d.amount_pence),
                _pounds(d.fee_cover_pence),
                _pounds(d.refunded_pence),
                _pounds(d.counted_pence),
                "Yes" if d.gift_aid_declaration_id else "No",
                csv_cell(d.supporter.full_name) if d.supporter_id else "",
                d.payment_intent_id or "",
                d.invoice_id or "",
                d.subscription_id,
            ]

    stamp = f"{timezone.localdate():%Y-%m-%d}"
    return _stream(f"donations-{stamp}.csv", ACCOUNTS_COLUMNS, lines())


def gift_aid_csv(request):
    _require(request, "fundraising.view_donation")
    _name, charity = organisation(request)
    form = ExportForm(request.GET)
    if not charity or not form.is_valid():
        raise PermissionDenied("Gift Aid is only for registered charities.")
    data = form.cleaned_data
    rows = selectors.donations_for_gift_aid(start=data["start"], end=data["end"])
    _audit(request, f"Gift Aid schedule {data['start']}..{data['end']}")

    def lines():
        for d in rows.iterator(chunk_size=1000):
            g = d.gift_aid_declaration
            yield [
                csv_cell(g.title),
                csv_cell(g.first_name),
                csv_cell(g.last_name),
                csv_cell(g.house),
                g.postcode,
                "",
                "",
                f"{timezone.localtime(d.paid_at):%d/%m/%y}",
                _pounds(d.amount_pence - d.refunded_pence),
            ]

    return _stream("gift-aid-schedule.csv", GIFT_AID_COLUMNS, lines())


class IncomePanel(Component):
    """Dashboard: this week's and this month's card income, and a chart."""

    name = "fundraising_income"
    order = 150
    template_name = "fundraising/admin/income_panel.html"

    def get_context_data(self, parent_context=None):
        summary = selectors.income_summary()
        appeal = (
            Appeal.objects.filter(is_open=True).order_by("-created_at", "-id").first()
        )
        chart = None
        if appeal is not None:
            chart = charts.income_chart(
                series=selectors.appeal_income_series(appeal=appeal, weeks=12),
                target_pence=appeal.target_pence,
                stretch_target_pence=appeal.stretch_target_pence,
                pledged_pence=appeal.pledged_pence,
            )
        return {
            "week": format_pence(summary["week"]["pence"]),
            "week_gifts": summary["week"]["gifts"],
            "month": format_pence(summary["month"]["pence"]),
            "month_gifts": summary["month"]["gifts"],
            "appeal": appeal,
            "chart": chart,
        }
