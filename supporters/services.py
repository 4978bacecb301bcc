"""Writes about people: supporters, consent, suppression.

Interface (keyword-only arguments):
    supporter_upsert(*, email, source, first_name="", last_name="", postcode="")
        -> Supporter. Normalises the address; a known address keeps its row and
        a non-empty name is never overwritten with an empty one. Raises
        django.core.exceptions.ValidationError on a bad address or name.
        For trusted input only (staff import, seeding).
    supporter_from_public_form(*, email, source, first_name="", last_name="")
        -> (Supporter, created). What public forms (sign-up, donate, pledge)
        use: a new address becomes a supporter with the typed details; a
        known one is returned untouched (no proof the typist owns it: its
        stored name stays, and its activity is not bumped). Changes go
        through the signed preference link, or are applied when the address
        confirms (sign-up carries the typed name in its confirmation link).
    consent_grant(*, supporter, purpose, wording, wording_version, source,
        lawful_basis="consent", confirmed_at=None, ip="") -> ConsentRecord
    consent_withdraw(*, supporter, purpose, source) -> ConsentRecord | None
        (None when consent for that purpose was not in force)
    consent_current(*, supporter, purpose) -> ConsentRecord | None  (the latest)
    suppression_add(*, email, reason) -> Suppression   (idempotent)
    suppression_remove(*, email) -> bool   (only on a fresh confirmed sign-up)
    is_suppressed(email) -> bool
    suppression_reason(email) -> str | None   (Suppression.Reason value)
    supporter_touch(*, supporter)   records activity (for retention)
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from .addresses import email_hash, email_normalise, text_clean
from .models import ConsentRecord, Supporter, Suppression

# Purposes consent is recorded for. Other apps may use their own strings.
PURPOSE_EMAIL_UPDATES = "email_updates"


def supporter_get_by_email(email: str) -> Supporter | None:
    try:
        normalised = email_normalise(email)
    except Exception:  # noqa: BLE001 - an invalid address is simply not found
        return None
    return (
        Supporter.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower=normalised)
        .first()
    )


def supporter_upsert(
    *,
    email: str,
    source: str,
    first_name: str = "",
    last_name: str = "",
    postcode: str = "",
    fill_blanks_only: bool = False,
) -> Supporter:
    """Find or create by address. Details given replace stored ones, except
    with ``fill_blanks_only`` (imports): a months-old spreadsheet must not
    undo a correction staff or the person made since; it only fills gaps."""
    email = email_normalise(email)
    first_name = text_clean(first_name, field="first name", max_length=100)
    last_name = text_clean(last_name, field="last name", max_length=100)
    postcode = text_clean(postcode, field="postcode", max_length=10).upper()
    source = text_clean(source, field="source", max_length=200)
    given = {"first_name": first_name, "last_name": last_name, "postcode": postcode}
    for _attempt in range(2):
        supporter = supporter_get_by_email(email)
        if supporter is None:
            try:
                with transaction.atomic():
                    return Supporter.objects.create(email=email, source=source, **given)
            except IntegrityError:
                continue  # created concurrently by another request: update it
        changed = [
            f
            for f, v in given.items()
            if v
            and getattr(supporter, f) != v
            and not (fill_blanks_only and getattr(supporter, f))
        ]
        for field in changed:
            setattr(supporter, field, given[field])
        supporter.last_active_at = timezone.now()
        supporter.save(update_fields=[*changed, "last_active_at", "updated_at"])
        return supporter
    raise RuntimeError("supporter_upsert: could not create or find the supporter")


def supporter_from_public_form(
    *, email: str, source: str, first_name: str = "", last_name: str = ""
) -> tuple[Supporter, bool]:
    # Bad input is refused the same way for known and new addresses.
    email = email_normalise(email)
    first_name = text_clean(first_name, field="first name", max_length=100)
    last_name = text_clean(last_name, field="last name", max_length=100)
    source = text_clean(source, field="source", max_length=200)
    existing = supporter_get_by_email(email)
    if existing is not None:
        return existing, False
    try:  # a concurrent twin of this request is found and left as it is
        with transaction.atomic():
            created = Supporter.objects.create(
                email=email, source=source, first_name=first_name, last_name=last_name
            )
            return created, True
    except IntegrityError:
        return supporter_get_by_email(email), False


def supporter_touch(*, supporter: Supporter) -> None:
    now = timezone.now()
    Supporter.objects.filter(pk=supporter.pk).update(
        last_active_at=now, review_flagged_at=None
    )
    supporter.last_active_at = now
    supporter.review_flagged_at = None


def _ip_truncate(ip: str) -> str:
    """Keep only the network part (IPv4 /24, IPv6 /48), and only if a setting
    asks for it: by default no IP address is stored at all."""
    if not ip or not getattr(settings, "CONSENT_KEEP_TRUNCATED_IP", False):
        return ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def consent_current(*, supporter: Supporter, purpose: str) -> ConsentRecord | None:
    return (
        ConsentRecord.objects.filter(supporter=supporter, purpose=purpose)
        .order_by("-created_at", "-id")
        .first()
    )


def consent_grant(
    *,
    supporter: Supporter,
    purpose: str,
    wording: str,
    wording_version: str,
    source: str,
    lawful_basis: str = ConsentRecord.LawfulBasis.CONSENT,
    confirmed_at=None,
    ip: str = "",
) -> ConsentRecord:
    if lawful_basis not in ConsentRecord.LawfulBasis.values:
        raise ValueError(f"Unknown lawful basis {lawful_basis!r}")
    return ConsentRecord.objects.create(
        supporter=supporter,
        purpose=purpose,
        action=ConsentRecord.Action.GRANTED,
        lawful_basis=lawful_basis,
        wording=wording,
        wording_version=wording_version,
        source=source[:200],
        confirmed_at=confirmed_at,
        ip_truncated=_ip_truncate(ip),
    )


def consent_withdraw(
    *, supporter: Supporter, purpose: str, source: str
) -> ConsentRecord | None:
    current = consent_current(supporter=supporter, purpose=purpose)
    if current is None or current.action == ConsentRecord.Action.WITHDRAWN:
        return None
    return ConsentRecord.objects.create(
        supporter=supporter,
        purpose=purpose,
        action=ConsentRecord.Action.WITHDRAWN,
        lawful_basis=current.lawful_basis,
        source=source[:200],
    )


def suppression_add(*, email: str, reason: str) -> Suppression:
    if reason not in Suppression.Reason.values:
        raise ValueError(f"Unknown suppression reason {reason!r}")
    suppression, _ = Suppression.objects.get_or_create(
        email_hash=email_hash(email), defaults={"reason": reason}
    )
    return suppression


def suppression_remove(*, email: str) -> bool:
    deleted, _ = Suppression.objects.filter(email_hash=email_hash(email)).delete()
    return bool(deleted)


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(email_hash=email_hash(email)).exists()


def suppression_reason(email: str) -> str | None:
    return (
        Suppression.objects.filter(email_hash=email_hash(email))
        .values_list("reason", flat=True)
        .first()
    )


def supporter_unsubscribe_all(
    *, supporter: Supporter, source: str, reason: str = "unsubscribed"
) -> None:
    """Leave every list, withdraw email consent and suppress the address.

    Idempotent: a second call changes nothing."""
    from .models import Subscription

    now = timezone.now()
    with transaction.atomic():
        Subscription.objects.filter(supporter=supporter).exclude(
            status=Subscription.Status.UNSUBSCRIBED
        ).update(status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at=now)
        consent_withdraw(
            supporter=supporter, purpose=PURPOSE_EMAIL_UPDATES, source=source
        )
        suppression_add(email=supporter.email, reason=reason)
