"""Catch up with Stripe: store and apply any event the webhook missed."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field

from fundraising import gateway
from fundraising.models import Donation, StripeEvent

from .events import HANDLERS, stripe_event_apply, stripe_event_record


@dataclass
class Reconciliation:
    events_seen: int = 0
    events_missed: list[str] = field(default_factory=list)
    sessions_seen: int = 0
    sessions_unmatched: list[str] = field(default_factory=list)


def stripe_reconcile(*, days: int = 3) -> Reconciliation:
    """List recent events and sessions from Stripe; apply what we lack.

    Events come back newest first; they are applied oldest first (any order
    would end the same, but receipts then go out in payment order).
    """
    since = int(time.time() - datetime.timedelta(days=days).total_seconds())
    result = Reconciliation()
    missed = []
    for event in gateway.events_list(created_gte=since):
        result.events_seen += 1
        if (
            event.get("type") in HANDLERS
            and not StripeEvent.objects.filter(event_id=event["id"]).exists()
        ):
            missed.append(event)
    for event in reversed(missed):
        row, created = stripe_event_record(event=event)
        if created:
            result.events_missed.append(event["id"])
        if row.processed_at is None:
            stripe_event_apply(event_pk=row.pk)
    for session in gateway.checkout_sessions_list(created_gte=since):
        result.sessions_seen += 1
        known = Donation.objects.filter(checkout_session_id=session["id"]).exists()
        if not known and (session.get("metadata") or {}).get("donation_id"):
            result.sessions_unmatched.append(session["id"])
    return result
