"""What fundraising holds about a person, for the supporters privacy registry.

Erasure keeps the money (amounts, dates, Stripe payment references: the
accounts need them) but removes who gave it. Gift Aid declarations that
cover a paid gift are kept, with the name and home address HMRC requires,
for GIFT_AID_RETENTION_YEARS; a declaration that covers nothing is deleted.
"""

from __future__ import annotations

from django.db import transaction

from fundraising.models import Donation, GiftAidDeclaration, StripeEvent


def donations_export(supporter) -> dict:
    donations = [
        {
            "reference": f"D{d.pk:06d}",
            "appeal": d.appeal.name if d.appeal_id else "General fund",
            "amount_pence": d.amount_pence,
            "currency": d.currency,
            "frequency": d.frequency,
            "status": d.status,
            "created_at": d.created_at,
            "paid_at": d.paid_at,
        }
        for d in Donation.objects.filter(supporter=supporter)
        .select_related("appeal")
        .order_by("created_at")
    ]
    declarations = [
        {
            "declared_at": g.declared_at,
            "name": f"{g.first_name} {g.last_name}",
            "house": g.house,
            "address": g.address,
            "postcode": g.postcode,
            "scope": g.scope,
            "wording_version": g.wording_version,
            "cancelled_at": g.cancelled_at,
        }
        for g in GiftAidDeclaration.objects.filter(supporter=supporter)
    ]
    return {"donations": donations, "gift_aid_declarations": declarations}


# Keys of Stripe objects that carry a person: names, addresses, emails, phones.
STRIPE_PERSONAL_KEYS = {
    "address",
    "billing_details",
    "customer_details",
    "customer_email",
    "customer_name",
    "customer_phone",
    "customer_address",
    "customer_shipping",
    "email",
    "name",
    "phone",
    "receipt_email",
    "shipping",
    "shipping_details",
}


def stripe_payload_scrub(value):
    """A copy of a Stripe object with every personal field emptied; amounts,
    ids, statuses and times (what the accounts and a replay need) stay."""
    if isinstance(value, dict):
        return {
            key: None if key in STRIPE_PERSONAL_KEYS else stripe_payload_scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [stripe_payload_scrub(item) for item in value]
    return value


def stripe_events_erase(supporter) -> int:
    """Scrub the stored webhook events that concern this person's gifts."""
    donations = Donation.objects.filter(supporter=supporter)
    intents = {pi for pi in donations.values_list("payment_intent_id", flat=True) if pi}
    sessions = {s for s in donations.values_list("checkout_session_id", flat=True) if s}
    events = StripeEvent.objects.filter(payment_intent_id__in=intents)
    if sessions:
        # Checkout events that carry no payment intent (subscriptions, async).
        events = events | StripeEvent.objects.filter(
            payload__data__object__id__in=list(sessions)
        )
    scrubbed = 0
    for event in events.distinct().iterator(chunk_size=200):
        event.payload = stripe_payload_scrub(event.payload)
        event.save(update_fields=["payload"])
        scrubbed += 1
    return scrubbed


@transaction.atomic
def donations_erase(supporter) -> list[str]:
    """Remove the person from their gifts; returns what to tell them.

    Never fails on rows we created ourselves: a Gift Aid declaration written
    for a gift that was never paid (the form writes it before Checkout) is
    detached from that unpaid donation and deleted; a checkout still pending
    ends (and its Stripe session is closed after commit); a monthly gift
    still running is cancelled at Stripe after commit (retried by the beat
    until Stripe confirms), so nothing is charged after goodbye.
    """
    from django.utils import timezone

    from fundraising.money import format_pence
    from fundraising.services.checkout import checkout_sessions_close
    from fundraising.services.monthly import monthly_cancels_enqueue
    from fundraising.services.totals import donation_facts_merge

    now = timezone.now()
    stripe_events_erase(supporter)
    mine = Donation.objects.filter(supporter=supporter)
    running = list(
        mine.filter(
            parent__isnull=True,
            frequency=Donation.Frequency.MONTHLY,
            paid_at__isnull=False,
            subscription_ended_at__isnull=True,
        )
        .exclude(subscription_id="")
        .values_list("pk", "amount_pence", "currency")
    )
    running_ids = [pk for pk, _amount, _currency in running]
    mine.filter(pk__in=running_ids).update(subscription_cancel_requested_at=now)
    pending = list(
        mine.filter(
            paid_at__isnull=True,
            failed_at__isnull=True,
            expired_at__isnull=True,
            payment_intent_id__isnull=True,
            subscription_id="",
        ).values_list("pk", flat=True)
    )
    for donation_id in pending:
        donation_facts_merge(donation_id=donation_id, expired_at=now)
    # Kept (HMRC): declarations covering a paid gift. Unused ones go, after
    # letting go of the unpaid donations that point at them (PROTECT).
    unused = list(
        GiftAidDeclaration.objects.filter(supporter=supporter)
        .exclude(donations__paid_at__isnull=False)
        .values_list("pk", flat=True)
    )
    Donation.objects.filter(gift_aid_declaration_id__in=unused).update(
        gift_aid_declaration=None
    )
    GiftAidDeclaration.objects.filter(pk__in=unused).delete()
    mine.update(supporter=None, customer_id="", metadata={})
    GiftAidDeclaration.objects.filter(supporter=supporter).update(supporter=None)

    def after_commit():
        monthly_cancels_enqueue(running_ids)
        checkout_sessions_close(donation_ids=pending)

    transaction.on_commit(after_commit)
    return [
        f"Your monthly gift of {format_pence(amount, currency)} has been cancelled: "
        "no further payments will be taken."
        for _pk, amount, currency in running
    ]


def gift_aid_retention_sweep(*, now=None) -> int:
    """Delete erased donors' Gift Aid declarations once HMRC's retention ends.

    HMRC wants a declaration kept for six years after the end of the
    accounting period of the last gift it covers; counting six years (plus
    one for the period) from that gift keeps it at least that long. Declarations
    of donors who were not erased stay: they are the donor's own record.
    """
    import datetime

    from django.db.models import Max
    from django.utils import timezone

    from supporters.privacy import GIFT_AID_RETENTION_YEARS

    now = now or timezone.now()
    years = GIFT_AID_RETENTION_YEARS + 1
    cutoff = now - datetime.timedelta(days=366 * years)
    expired = (
        GiftAidDeclaration.objects.filter(supporter__isnull=True)
        .annotate(last_gift=Max("donations__paid_at"))
        .filter(last_gift__lt=cutoff)
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        ids = list(expired)
        Donation.objects.filter(gift_aid_declaration_id__in=ids).update(
            gift_aid_declaration=None
        )
        GiftAidDeclaration.objects.filter(pk__in=ids).delete()
    return len(ids)
