"""What fundraising holds about a person, for the supporters privacy registry.

Erasure keeps the money (amounts, dates, Stripe payment references: the
accounts need them) but removes who gave it. Gift Aid declarations that
cover a paid gift are kept, with the name and home address HMRC requires,
for GIFT_AID_RETENTION_YEARS; a declaration that covers nothing is deleted.
"""

from __future__ import annotations

from django.db import transaction

from fundraising.models import Donation, GiftAidDeclaration


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


@transaction.atomic
def donations_erase(supporter) -> None:
    Donation.objects.filter(supporter=supporter).update(
        supporter=None, customer_id="", metadata={}
    )
    declarations = GiftAidDeclaration.objects.filter(supporter=supporter)
    # Kept (HMRC): declarations covering a paid gift. Unused ones go.
    declarations.filter(donations__paid_at__isnull=True).exclude(
        donations__paid_at__isnull=False
    ).delete()
    declarations.filter(donations__isnull=True).delete()
    GiftAidDeclaration.objects.filter(supporter=supporter).update(supporter=None)


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
