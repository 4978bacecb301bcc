"""Stripe webhook events: store first, then apply idempotently in any order.

``stripe_event_record`` stores the raw event under its unique Stripe id (a
duplicate is a no-op) and enqueues ``stripe_event_apply`` after commit. The
apply step locks the event row, runs the handler for its type once, and marks
it processed; handlers only merge facts into donations (see
``totals.donation_facts_merge``), so the final state does not depend on the
order events arrive in. An event about a payment we cannot place yet (a
refund that overtakes its ``invoice.paid``) waits, and is applied again as
soon as that payment is linked to a donation.
"""

from __future__ import annotations

import datetime
import json
import logging

from django.db import DataError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fundraising.models import Donation, StripeEvent

from .totals import donation_facts_merge

logger = logging.getLogger(__name__)
WAITING = "waiting for its payment to be known"


class EventPayloadInvalid(ValueError):
    """The body is not a Stripe event."""


def _timestamp(value) -> datetime.datetime | None:
    if isinstance(value, int) and value > 0:
        return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)
    return None


def _payment_intent_of(obj: dict) -> str:
    value = obj.get("payment_intent") or ""
    if isinstance(value, dict):  # expanded
        value = value.get("id") or ""
    return value if isinstance(value, str) else ""


def event_parse(payload: bytes) -> dict:
    # PostgreSQL cannot store NUL in text or jsonb; Stripe never sends one.
    if b"\\u0000" in payload:
        raise EventPayloadInvalid("contains a NUL character")
    try:
        event = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EventPayloadInvalid("not JSON") from error
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and event["id"].startswith("evt_")
        and len(event["id"]) <= 255
        and isinstance(event.get("type"), str)
        and len(event["type"]) <= 100
        and isinstance(event.get("data"), dict)
        and isinstance(event["data"].get("object"), dict)
    ):
        raise EventPayloadInvalid("not a Stripe event")
    return event


def _refs_of(obj: dict) -> set[str]:
    """The Stripe ids in an object that can name one of our donations."""
    parent = obj.get("parent")
    details = parent.get("subscription_details") if isinstance(parent, dict) else None
    subscription = details.get("subscription") if isinstance(details, dict) else ""
    found = {
        obj.get("id"),
        obj.get("subscription"),
        obj.get("invoice"),
        obj.get("charge"),
        subscription,
        _payment_intent_of(obj),
    }
    return {ref for ref in found if isinstance(ref, str) and ref}


def _concerns_erased_donor(obj: dict) -> bool:
    """A later event about a gift whose donor was erased (a last invoice, a
    subscription's end, a refund): it is stored without the personal fields
    Stripe puts in it (name, email, address), like the events scrubbed at
    erasure."""
    from django.db.models import Q

    refs = list(_refs_of(obj))
    if not refs:
        return False
    return Donation.objects.filter(
        Q(subscription_id__in=refs)
        | Q(payment_intent_id__in=refs)
        | Q(checkout_session_id__in=refs)
        | Q(invoice_id__in=refs)
        | Q(charge_id__in=refs),
        supporter__isnull=True,
    ).exists()


def stripe_event_record(*, event: dict) -> tuple[StripeEvent, bool]:
    """Store the event; returns (row, created). A duplicate id changes nothing."""
    from fundraising.privacy import stripe_payload_scrub

    obj = event["data"]["object"]
    if _concerns_erased_donor(obj):
        event = stripe_payload_scrub(event)
    try:
        with transaction.atomic():
            row = StripeEvent.objects.create(
                event_id=event["id"],
                type=event["type"],
                payload=event,
                livemode=bool(event.get("livemode")),
                created=_timestamp(event.get("created")),
                payment_intent_id=_payment_intent_of(obj)[:255],
            )
            transaction.on_commit(lambda: _enqueue(row.pk))
            return row, True
    except IntegrityError:
        return StripeEvent.objects.get(event_id=event["id"]), False
    except DataError as error:
        # Text PostgreSQL cannot store in JSON (a NUL, a lone surrogate):
        # never sent by Stripe, refused rather than half-stored.
        raise EventPayloadInvalid("unstorable characters") from error


def _enqueue(event_pk: int) -> None:
    """Hand the stored event to a worker. With the broker unreachable the
    event simply waits: it is stored, and the beat's sweep enqueues it again."""
    from kombu.exceptions import OperationalError as BrokerError

    from fundraising.tasks import stripe_event_apply

    try:
        stripe_event_apply.delay(event_pk)
    except (BrokerError, OSError) as error:
        logger.warning("Broker unreachable; Stripe event %s waits: %s", event_pk, error)


def stripe_event_apply(*, event_pk: int) -> str:
    """Apply one stored event, at most once. Returns its outcome."""
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update(no_key=True).get(pk=event_pk)
        if event.processed_at:
            return event.outcome
        handler = HANDLERS.get(event.type)
        outcome = handler(event) if handler else "ignored: type not handled"
        event.attempts += 1
        event.outcome = outcome[:255]
        event.error = ""
        if outcome != WAITING:
            event.processed_at = timezone.now()
        event.save(update_fields=["attempts", "outcome", "error", "processed_at"])
        return outcome


def stripe_events_sweep(*, older_than=datetime.timedelta(minutes=2)) -> int:
    """Enqueue unprocessed events again (failed, or waiting for a payment)."""
    cutoff = timezone.now() - older_than
    pending = StripeEvent.objects.filter(
        processed_at__isnull=True, received_at__lt=cutoff, attempts__lt=50
    ).values_list("pk", flat=True)
    count = 0
    for pk in pending.iterator():
        _enqueue(pk)
        count += 1
    return count


def stripe_event_failed(*, event_pk: int, error: str) -> None:
    StripeEvent.objects.filter(pk=event_pk).update(
        error=error[:2000], attempts=F("attempts") + 1
    )


def _linked(donation: Donation, payment_intent_id: str) -> None:
    """A payment is now placed: re-apply events that were waiting for it.

    The lookup runs after this transaction commits, so an event stored at
    any moment is either seen here or, arriving later, finds the payment.
    """
    if payment_intent_id:
        transaction.on_commit(lambda: _reapply_waiting(payment_intent_id))


def _reapply_waiting(payment_intent_id: str) -> None:
    waiting = StripeEvent.objects.filter(
        payment_intent_id=payment_intent_id, processed_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(waiting):
        _enqueue(pk)


def _donation_from_metadata(metadata: dict | None) -> Donation | None:
    if not isinstance(metadata, dict):
        return None
    value = metadata.get("donation_id", "")
    if isinstance(value, str) and value.isdigit():
        return Donation.objects.filter(pk=int(value)).first()
    return None


# --- Checkout -------------------------------------------------------------------


def _session_donation(session: dict) -> Donation | None:
    donation = _donation_from_metadata(session.get("metadata"))
    if donation is None and session.get("id"):
        donation = Donation.objects.filter(checkout_session_id=session["id"]).first()
    if donation and donation.checkout_session_id not in (None, session.get("id")):
        return None  # another session's metadata: not this donation's payment
    return donation


def _checkout_session(event: StripeEvent) -> str:
    session = event.data_object
    donation = _session_donation(session)
    if donation is None:
        return "ignored: no matching donation"
    paid = session.get("payment_status") in {"paid", "no_payment_required"}
    failed = event.type == "checkout.session.async_payment_failed"
    payment_intent = _payment_intent_of(session)
    merged = donation_facts_merge(
        donation_id=donation.pk,
        paid_at=event.created if paid else None,
        failed_at=event.created if failed else None,
        refs={
            "checkout_session_id": session.get("id"),
            "payment_intent_id": payment_intent,
            "customer_id": session.get("customer") or "",
            "subscription_id": session.get("subscription") or "",
            "invoice_id": session.get("invoice"),
        },
    )
    _linked(merged, payment_intent)
    return f"donation {donation.pk}: {merged.status}"


def _checkout_expired(event: StripeEvent) -> str:
    """The donor never paid and Stripe closed the session (24 hours): the
    donation is no longer pending. A payment, if one ever arrived, still wins
    (status is derived from the facts)."""
    session = event.data_object
    donation = _session_donation(session)
    if donation is None:
        return "ignored: no matching donation"
    merged = donation_facts_merge(donation_id=donation.pk, expired_at=event.created)
    return f"donation {donation.pk}: {merged.status}"


# --- Monthly gifts --------------------------------------------------------------


def _subscription_meta(invoice: dict) -> tuple[str, dict]:
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    subscription = invoice.get("subscription") or details.get("subscription") or ""
    metadata = (
        details.get("metadata")
        or (invoice.get("subscription_details") or {}).get("metadata")
        or {}
    )
    return subscription, metadata


def _first_gift(subscription_id: str, metadata: dict) -> Donation | None:
    donation = _donation_from_metadata(metadata)
    if donation is None and subscription_id:
        donation = Donation.objects.filter(
            subscription_id=subscription_id, parent__isnull=True
        ).first()
    return donation


def _instalment(first: Donation, invoice: dict, subscription_id: str) -> Donation:
    """The row for a later month's payment (unique per invoice)."""
    declaration = first.gift_aid_declaration
    if declaration and declaration.scope != declaration.Scope.ALL:
        declaration = None
    try:
        with transaction.atomic():
            return Donation.objects.create(
                parent=first,
                appeal_id=first.appeal_id,
                supporter_id=first.supporter_id,
                amount_pence=invoice.get("amount_paid") or first.amount_pence,
                fee_cover_pence=first.fee_cover_pence,
                currency=(invoice.get("currency") or first.currency).upper(),
                frequency=Donation.Frequency.MONTHLY,
                gift_aid_declaration=declaration,
                metadata=first.metadata,
                invoice_id=invoice["id"],
                subscription_id=subscription_id,
                customer_id=invoice.get("customer") or first.customer_id,
            )
    except IntegrityError:
        return Donation.objects.get(invoice_id=invoice["id"])


def _invoice_paid(event: StripeEvent) -> str:
    invoice = event.data_object
    if not invoice.get("id"):
        return "ignored: invoice without id"
    subscription_id, metadata = _subscription_meta(invoice)
    donation = Donation.objects.filter(invoice_id=invoice["id"]).first()
    if donation is None:
        first = _first_gift(subscription_id, metadata)
        if first is None:
            return "ignored: no matching monthly gift"
        if invoice.get("billing_reason") == "subscription_create":
            donation = first  # the first month is the gift's own row
        else:
            donation = _instalment(first, invoice, subscription_id)
    paid_at = (
        _timestamp((invoice.get("status_transitions") or {}).get("paid_at"))
        or event.created
    )
    payment_intent = _payment_intent_of(invoice)
    merged = donation_facts_merge(
        donation_id=donation.pk,
        paid_at=paid_at,
        refs={
            "invoice_id": invoice["id"],
            "subscription_id": subscription_id,
            "customer_id": invoice.get("customer") or "",
            "payment_intent_id": payment_intent,
            "charge_id": invoice.get("charge") or "",
        },
    )
    _linked(merged, payment_intent)
    # A paid invoice ends a card-failure episode: the next failure asks again.
    Donation.objects.filter(
        pk=merged.parent_id or merged.pk, card_update_requested_at__isnull=False
    ).update(card_update_requested_at=None)
    return f"donation {merged.pk}: {merged.status}"


def _invoice_payment_failed(event: StripeEvent) -> str:
    """Ask the donor to update their card once per failure episode: Stripe
    retries a failed invoice several times, each with this event; the next
    paid invoice ends the episode (see ``_invoice_paid``)."""
    invoice = event.data_object
    subscription_id, metadata = _subscription_meta(invoice)
    first = _first_gift(subscription_id, metadata)
    if first is None:
        return "ignored: no matching monthly gift"
    first = Donation.objects.select_for_update(no_key=True).get(pk=first.pk)
    ended = first.subscription_ended_at
    if first.subscription_cancel_requested_at or (
        ended and event.created and ended < event.created
    ):
        # We are stopping it (erasure), or it had ended when this failed:
        # there is no card to update. (Compared by time, not by arrival, so
        # the outcome does not depend on the order events arrive in.)
        return f"donation {first.pk}: monthly gift ended, donor not asked"
    if first.card_update_requested_at:
        return f"donation {first.pk}: card update already requested"
    first.card_update_requested_at = timezone.now()
    first.save(update_fields=["card_update_requested_at", "updated_at"])
    from fundraising.services.receipts import donation_payment_failed_notify

    # Written to the email outbox in this transaction (see totals.py).
    donation_payment_failed_notify(donation_id=first.pk)
    return f"donation {first.pk}: card update requested"


def _subscription_deleted(event: StripeEvent) -> str:
    subscription = event.data_object
    first = _first_gift(subscription.get("id", ""), subscription.get("metadata") or {})
    if first is None:
        return "ignored: no matching monthly gift"
    ended = _timestamp(subscription.get("ended_at")) or event.created
    donation_facts_merge(donation_id=first.pk, subscription_ended_at=ended)
    return f"donation {first.pk}: monthly gift ended"


# --- Refunds and disputes -------------------------------------------------------


def _payment_donation(obj: dict) -> Donation | None:
    payment_intent = _payment_intent_of(obj)
    donation = None
    if payment_intent:
        donation = Donation.objects.filter(payment_intent_id=payment_intent).first()
    return donation or _donation_from_metadata(obj.get("metadata"))


def _charge_refunded(event: StripeEvent) -> str:
    charge = event.data_object
    donation = _payment_donation(charge)
    if donation is None:
        return WAITING if _payment_intent_of(charge) else "ignored: unknown payment"
    refunded = charge.get("amount_refunded")
    if not isinstance(refunded, int) or refunded < 0:
        return "ignored: no refund amount"
    merged = donation_facts_merge(
        donation_id=donation.pk,
        refunded_pence=refunded,
        refs={"charge_id": charge.get("id") or ""},
    )
    return f"donation {donation.pk}: {merged.status}"


def _dispute(event: StripeEvent) -> str:
    dispute = event.data_object
    donation = _payment_donation(dispute)
    if donation is None and dispute.get("charge"):
        donation = Donation.objects.filter(charge_id=dispute["charge"]).first()
    if donation is None:
        return WAITING if _payment_intent_of(dispute) else "ignored: unknown payment"
    status = "open"
    if event.type == "charge.dispute.closed":
        status = "lost" if dispute.get("status") == "lost" else "won"
    merged = donation_facts_merge(donation_id=donation.pk, dispute_status=status)
    return f"donation {donation.pk}: {merged.status}"


HANDLERS = {
    "checkout.session.completed": _checkout_session,
    "checkout.session.async_payment_succeeded": _checkout_session,
    "checkout.session.async_payment_failed": _checkout_session,
    "checkout.session.expired": _checkout_expired,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_payment_failed,
    "customer.subscription.deleted": _subscription_deleted,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute,
    "charge.dispute.closed": _dispute,
}
