"""Donor emails: the receipt, and "please update your card" for monthly gifts.

They go through the supporters email service (``email_enqueue``), which
writes the outgoing message row in our transaction and sends it after
commit, so each is queued exactly once.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fundraising.models import Donation
from fundraising.money import format_pence
from supporters import tokens
from supporters.emails import email_enqueue

# The link in a monthly donor's emails opens a fresh billing portal session
# (Stripe's own portal links expire within minutes, so emails carry ours).
MANAGE = tokens.register_purpose(
    "donation-manage", max_age=datetime.timedelta(days=400)
)


def donation_manage_url(donation: Donation) -> str:
    first = donation.parent or donation
    token = tokens.token_make(MANAGE, {"donation": first.pk})
    path = reverse("fundraising:manage", kwargs={"token": token})
    return settings.BASE_URL.rstrip("/") + path


def _context(donation: Donation) -> dict:
    paid_at = timezone.localtime(donation.paid_at or donation.created_at)
    return {
        "donation_id": donation.pk,
        "amount": format_pence(donation.amount_pence, donation.currency),
        "fee_cover": format_pence(donation.fee_cover_pence, donation.currency)
        if donation.fee_cover_pence
        else "",
        "date": f"{paid_at:%-d %B %Y}",
        "appeal": donation.appeal.name if donation.appeal_id else "",
        "monthly": donation.is_monthly,
        "gift_aid": donation.gift_aid_declaration_id is not None,
        "manage_url": donation_manage_url(donation) if donation.is_monthly else "",
        "reference": f"D{donation.pk:06d}",
    }


def _email_donor(donation: Donation, template: str) -> None:
    email_enqueue(
        template=template,
        to=donation.supporter,
        context=_context(donation),
        kind="transactional",
        tags=[template.replace("_", "-")],
        metadata={"donation_id": str(donation.pk)},
    )


@transaction.atomic
def donation_receipt_send(*, donation_id: int) -> bool:
    """Queue the receipt once per paid donation row."""
    donation = (
        Donation.objects.select_for_update(of=("self",), no_key=True)
        .select_related("appeal", "supporter", "parent")
        .get(pk=donation_id)
    )
    if donation.receipt_sent_at or not donation.paid_at or not donation.supporter_id:
        return False
    _email_donor(donation, "donation_receipt")
    donation.receipt_sent_at = timezone.now()
    donation.save(update_fields=["receipt_sent_at", "updated_at"])
    return True


def donation_payment_failed_notify(*, donation_id: int) -> bool:
    """Ask a monthly donor to update their card (once per failed invoice event)."""
    donation = Donation.objects.select_related("appeal", "supporter").get(
        pk=donation_id
    )
    if not donation.supporter_id:
        return False
    _email_donor(donation, "donation_payment_failed")
    return True
