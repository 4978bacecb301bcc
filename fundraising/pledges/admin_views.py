"""Staff pages in the Wagtail admin: pledges CSV (audit-logged), expected
income by month, "remind now", and the milestone call-in confirmation.

The call-in page is what campaign links to from a timeline milestone:
    reverse("pledges_call_in", args=[milestone.key])
        + "?" + urlencode({"appeal": appeal.pk, "title": milestone.title,
                           "next": back_url})
It shows how many confirmed pledges and how much money the milestone calls
in; on confirm it calls them in (they fall due today and get reminders).
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from fundraising.models import Appeal
from fundraising.money import format_pence
from supporters.models import SupporterAccessLog
from supporters.spreadsheets import csv_cell, csv_response

from . import reminders, selectors, services
from .filters import PledgeFilterSet
from .models import Pledge

logger = logging.getLogger(__name__)

CSV_COLUMNS = [
    "Reference",
    "Appeal",
    "Amount",
    "Currency",
    "Status",
    "When",
    "Due date",
    "Milestone",
    "First name",
    "Email",
    "Made (Europe/London)",
    "Confirmed",
    "Paid",
    "Reminders sent",
]


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def pledges_csv(request):
    """The pledges the list's filters select, streamed; recorded in the staff
    access log because it carries names and addresses."""
    _require(request, "pledges.export_pledge")
    filters = PledgeFilterSet(request.GET, queryset=Pledge.objects.all())
    if not filters.is_valid():
        messages.error(request, "Those filters are not valid.")
        return redirect("pledges_admin:index")
    count = filters.qs.count()
    rows = (
        filters.qs.select_related("appeal", "supporter")
        .annotate(reminders_sent=Count("reminders", filter=Q(reminders__status="sent")))
        .order_by("pk")
    )
    query = request.GET.urlencode()[:150]
    SupporterAccessLog.objects.create(
        user=request.user,
        action=SupporterAccessLog.Action.EXPORT,
        detail=f"Pledges CSV: {count} row(s) {query}"[:255],
    )

    def lines():
        yield CSV_COLUMNS
        for pledge in rows.iterator(chunk_size=1000):
            person = pledge.supporter
            yield (
                [
                    f"P{pledge.pk:06d}",
                    csv_cell(pledge.appeal.name),
                    f"{pledge.amount_pence / 100:.2f}",
                    pledge.currency,
                    pledge.get_status_display(),
                    pledge.get_when_display(),
                    pledge.due_date.isoformat() if pledge.due_date else "",
                    csv_cell(pledge.milestone_title),
                    csv_cell(person.first_name) if person else "",
                    csv_cell(person.email) if person else "",
                    _local(pledge.created_at),
                    _local(pledge.confirmed_at),
                    _local(pledge.fulfilled_at),
                    str(pledge.reminders_sent),
                ]
            )

    return csv_response(f"pledges-{timezone.localdate():%Y-%m-%d}.csv", lines())


def income_summary(request):
    """Expected income from outstanding pledges, by the month they fall due."""
    _require(request, "pledges.view_pledge")
    appeal = None
    if request.GET.get("appeal", "").isdigit():
        appeal = Appeal.objects.filter(pk=int(request.GET["appeal"])).first()
    months = selectors.expected_income_by_month(appeal=appeal)
    total = sum(row["amount_pence"] for row in months)
    return render(
        request,
        "pledges/admin/summary.html",
        {
            "months": [
                {**row, "amount": format_pence(row["amount_pence"])} for row in months
            ],
            "total": format_pence(total),
            "count": sum(row["count"] for row in months),
            "appeals": Appeal.objects.order_by("name"),
            "appeal": appeal,
        },
    )


@require_http_methods(["GET", "POST"])
def remind_now(request, pk: int):
    _require(request, "pledges.change_pledge")
    pledge = get_object_or_404(Pledge.objects.select_related("appeal"), pk=pk)
    if request.method == "POST":
        try:
            reminder = reminders.reminder_bring_forward(pledge_id=pledge.pk)
        except services.PledgeStateError as error:
            messages.error(request, error.message)
        else:
            transaction.on_commit(_sweep_soon)
            messages.success(
                request, f"Reminder {reminder.number} of 2 will go out within a minute."
            )
        return redirect("pledges_admin:index")
    sent = pledge.reminders.filter(status="sent").count()
    return render(
        request,
        "pledges/admin/remind_confirm.html",
        {"pledge": pledge, "sent": sent},
    )


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_http_methods(["GET", "POST"])
def call_in(request, milestone_key):
    """Confirm "milestone reached": shows the count and money first."""
    _require(request, "pledges.change_pledge")
    appeal_id = request.POST.get("appeal") or request.GET.get("appeal") or ""
    title = (request.POST.get("title") or request.GET.get("title") or "").strip()
    if not appeal_id.isdigit() or not title:
        messages.error(request, "This link needs the milestone's appeal and title.")
        return redirect("pledges_admin:index")
    appeal = get_object_or_404(Appeal, pk=int(appeal_id))
    back = _next_url(request, reverse("pledges_admin:index"))
    if request.method == "POST":
        done = services.pledges_call_in(
            appeal=appeal,
            milestone_key=milestone_key,
            milestone_title=title[:200],
            user=request.user,
        )
        transaction.on_commit(_sweep_soon)
        messages.success(
            request,
            f'"{title}" reached: {done.pledges_count} pledge(s) worth '
            f"{format_pence(done.amount_pence)} are now due; reminders go out "
            "within a minute.",
        )
        return redirect(back)
    figures = selectors.pledges_called_in_by(milestone_key=milestone_key, appeal=appeal)
    return render(
        request,
        "pledges/admin/call_in_confirm.html",
        {
            "appeal": appeal,
            "title": title,
            "milestone_key": milestone_key,
            "count": figures["count"],
            "amount": format_pence(figures["amount_pence"]),
            "next": back,
        },
    )


@require_http_methods(["GET", "POST"])
def close_appeal(request):
    """Close an appeal and decide what happens to its open pledges: moved to
    another open appeal (pledgers told) or released with a thank-you."""
    _require(request, "pledges.change_pledge")
    _require(request, "fundraising.change_appeal")
    data = request.POST if request.method == "POST" else request.GET
    appeal_id, move_id = str(data.get("appeal", "")), str(data.get("move_to", ""))
    appeal = (
        Appeal.objects.filter(pk=int(appeal_id)).first()
        if appeal_id.isdigit()
        else None
    )
    errors = {}
    if request.method == "POST" and appeal is not None:
        move_to = (
            Appeal.objects.filter(pk=int(move_id)).first()
            if (move_id.isdigit())
            else None
        )
        try:
            count = services.appeal_close(
                appeal=appeal, action=str(data.get("action", "")), move_to=move_to
            )
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(
                request,
                f'"{appeal.name}" is closed; {count} open pledge(s) were '
                + (
                    "moved."
                    if data.get("action") == services.CLOSE_MOVE
                    else "released."
                ),
            )
            return redirect("pledges_admin:index")
    figures = selectors.pledges_open_on(appeal=appeal) if appeal is not None else None
    return render(
        request,
        "pledges/admin/close_appeal.html",
        {
            "appeal": appeal,
            "appeals": Appeal.objects.order_by("name"),
            "targets": Appeal.objects.filter(is_open=True).exclude(
                pk=getattr(appeal, "pk", None)
            ),
            "figures": figures,
            "errors": errors,
            "action": data.get("action", ""),
        },
        status=400 if errors else 200,
    )


def _sweep_soon() -> None:
    """Run the sweep now rather than at the next beat tick; if the broker is
    unreachable the beat's own sweep sends the reminders a minute later."""
    from kombu.exceptions import OperationalError as BrokerError

    from .tasks import pledge_reminders_sweep

    try:
        pledge_reminders_sweep.apply_async(retry=False)
    except (BrokerError, OSError):
        logger.warning("Broker unreachable; the beat sweep will send reminders")
