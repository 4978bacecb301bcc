"""The prepared update to donors when a stage of the case is done.

It is a draft supporters Mailing (the existing mailing system: preview, test,
send, unsubscribe, suppression), addressed to the appeal's donors who hold a
confirmed subscription (the "donors:<appeal id>" audience group; nobody is
bulk-mailed without one). Staff read and edit it before anyone gets it.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.html import escape
from wagtail.log_actions import log
from wagtail.rich_text import RichText

from fundraising.money import format_pence
from supporters.mailings.models import Mailing

from .models import CaseStage
from .selectors import ledger_summary
from .services import LedgerError

MAILING_PERMISSION = "mailings.add_mailing"


def _paragraph(text: str) -> tuple[str, RichText]:
    return ("paragraph", RichText(f"<p>{escape(text)}</p>"))


@transaction.atomic
def stage_update_mailing_prepare(*, stage_id: int, user) -> Mailing:
    if user is None or not user.has_perm(MAILING_PERMISSION):
        raise LedgerError("You need permission to write mailings to prepare this.")
    stage = CaseStage.objects.select_related("appeal").filter(pk=stage_id).first()
    if stage is None:
        raise LedgerError("That stage no longer exists.")
    if stage.status != CaseStage.Status.DONE:
        raise LedgerError("Mark the stage done before telling donors about it.")
    appeal = stage.appeal
    summary = ledger_summary(appeal=appeal)
    line = next(line for line in summary.stages if line.stage.pk == stage.pk)
    money = summary.money
    body = [
        ("heading", f"{stage.name}: done"),
        _paragraph(
            f"Thank you for giving to {appeal.name}. This stage of the case is "
            f"now complete. We estimated it would cost "
            f"{money(stage.estimate_pence)}; approved costs so far come to "
            f"{money(line.spent_pence)}, VAT included."
        ),
        _paragraph(
            f"Across the case: {money(summary.raised_pence)} raised, "
            f"{money(summary.spent_pence)} spent, "
            f"{money(summary.reserved_pence)} held back for adverse costs and "
            f"{money(summary.available_pence)} still available."
        ),
    ]
    if stage.public_note:
        body.append(_paragraph(stage.public_note))
    if summary.surplus_policy:
        body.append(_paragraph(f"If money is left over: {summary.surplus_policy}"))
    body.append(
        (
            "call_to_action",
            {
                "label": "See where the money goes",
                "url": reverse("ledger:page", args=[appeal.slug]),
            },
        )
    )
    mailing = Mailing.objects.create(
        subject=f"{appeal.name}: {stage.name} is done"[:200],
        preheader=(
            f"{format_pence(line.spent_pence, appeal.currency)} spent on this stage; "
            "every approved cost is public."
        )[:200],
        body=body,
        segments=[f"donors:{appeal.pk}"],
        created_by=user,
    )
    log(stage, "ledger.update_prepared", user=user, data={"mailing": mailing.pk})
    return mailing
