"""Sign-up (double opt-in), confirmation and the preference centre: writes.

Interface:
    signup_request(*, email, first_name="", topics, source, wording_version)
        -> Supporter. Creates/updates the supporter and unconfirmed
        subscriptions, and emails a confirmation link (7 days). Does the same
        for known and new addresses, so the caller can answer neutrally.
    signup_confirm(*, supporter, topic_ids, wording_version, source)
        -> bool (False if nothing was left to confirm). Confirms the
        subscriptions, records consent with the exact wording and the
        confirmation time, lifts a suppression (a fresh opt-in), and sends the
        welcome email (text editable in Wagtail: Settings > Supporter emails).
    preferences_update(*, supporter, first_name, last_name, topics, wording_version)
    soft_opt_in_record(*, supporter, source, is_registered_charity, opted_out)
        -> ConsentRecord | None. For donation/pledge forms: the charity "soft
        opt-in" basis, recorded only when the organisation is a registered
        charity (pass consent.soft_opt_in_available(request) from the view)
        and the person did not tick "no thanks".
    public_topics() -> QuerySet[Topic]
    confirm_url(*, supporter, topic_ids, wording_version, source) -> str
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import tokens
from .addresses import text_clean
from .consent import wording_for
from .emails import email_enqueue
from .models import (
    ConsentRecord,
    Subscription,
    Supporter,
    SupporterEmailSettings,
    Topic,
)
from .services import (
    PURPOSE_EMAIL_UPDATES,
    consent_current,
    consent_grant,
    consent_withdraw,
    supporter_touch,
    supporter_upsert,
    suppression_remove,
)

Status = Subscription.Status


def public_topics():
    return Topic.objects.filter(is_public=True)


def confirm_url(*, supporter, topic_ids, wording_version, source) -> str:
    token = tokens.token_make(
        tokens.CONFIRM,
        {
            "s": supporter.pk,
            "t": sorted(topic_ids),
            "w": wording_version,
            "src": source,
        },
    )
    return settings.BASE_URL + reverse("supporters:confirm", args=[token])


@transaction.atomic
def signup_request(
    *,
    email: str,
    topics,
    source: str,
    wording_version: str,
    first_name: str = "",
) -> Supporter:
    supporter = supporter_upsert(email=email, source=source, first_name=first_name)
    topic_ids = []
    for topic in topics:
        topic_ids.append(topic.pk)
        subscription, created = Subscription.objects.get_or_create(
            supporter=supporter, topic=topic
        )
        if not created and subscription.status == Status.UNSUBSCRIBED:
            # Coming back after leaving needs a fresh confirmation.
            subscription.status = Status.UNCONFIRMED
            subscription.save(update_fields=["status"])
    email_enqueue(
        template="confirm_signup",
        to=supporter,
        kind="transactional",
        context={
            "confirm_url": confirm_url(
                supporter=supporter,
                topic_ids=topic_ids,
                wording_version=wording_version,
                source=source,
            )
        },
        tags=["signup"],
    )
    return supporter


def _welcome(supporter: Supporter) -> None:
    texts = SupporterEmailSettings.load()
    email_enqueue(
        template="welcome",
        to=supporter,
        kind="bulk",
        context={
            "welcome_subject": texts.welcome_subject,
            "welcome_body": texts.welcome_body,
        },
        tags=["welcome"],
    )


@transaction.atomic
def signup_confirm(*, supporter, topic_ids, wording_version, source) -> bool:
    wording = wording_for(PURPOSE_EMAIL_UPDATES, wording_version)
    if wording is None:
        raise ValueError(f"Unknown consent wording version {wording_version!r}")
    now = timezone.now()
    pending = Subscription.objects.select_for_update().filter(
        supporter=supporter, topic_id__in=topic_ids
    )
    confirmed_any = pending.exclude(status=Status.CONFIRMED).update(
        status=Status.CONFIRMED, confirmed_at=now, unsubscribed_at=None
    )
    current = consent_current(supporter=supporter, purpose=PURPOSE_EMAIL_UPDATES)
    consent_in_force = (
        current is not None and current.action == ConsentRecord.Action.GRANTED
    )
    if not confirmed_any and consent_in_force:
        return False  # the same link clicked twice: nothing new to record
    consent_grant(
        supporter=supporter,
        purpose=PURPOSE_EMAIL_UPDATES,
        wording=wording.text,
        wording_version=wording.version,
        source=source,
        confirmed_at=now,
    )
    # A confirmed, fresh opt-in from the address's owner overrides an earlier
    # unsubscribe or erasure.
    suppression_remove(email=supporter.email)
    supporter_touch(supporter=supporter)
    _welcome(supporter)
    return True


@transaction.atomic
def preferences_update(
    *, supporter, first_name, last_name, topics, wording_version
) -> None:
    """Save the preference centre. The signed link proves the address, so
    ticked topics are confirmed at once (and consent recorded if needed)."""
    supporter.first_name = text_clean(first_name, field="first name", max_length=100)
    supporter.last_name = text_clean(last_name, field="last name", max_length=100)
    supporter.save(update_fields=["first_name", "last_name", "updated_at"])
    supporter_touch(supporter=supporter)
    now = timezone.now()
    wanted = {topic.pk for topic in topics}
    for topic in public_topics():
        subscription, _ = Subscription.objects.get_or_create(
            supporter=supporter, topic=topic
        )
        if topic.pk in wanted and subscription.status != Status.CONFIRMED:
            subscription.status, subscription.confirmed_at = Status.CONFIRMED, now
            subscription.unsubscribed_at = None
        elif topic.pk not in wanted and subscription.status != Status.UNSUBSCRIBED:
            subscription.status, subscription.unsubscribed_at = Status.UNSUBSCRIBED, now
        else:
            continue
        subscription.save()
    current = consent_current(supporter=supporter, purpose=PURPOSE_EMAIL_UPDATES)
    granted = current is not None and current.action == ConsentRecord.Action.GRANTED
    if wanted and not granted:
        wording = wording_for(PURPOSE_EMAIL_UPDATES, wording_version)
        consent_grant(
            supporter=supporter,
            purpose=PURPOSE_EMAIL_UPDATES,
            wording=wording.text,
            wording_version=wording.version,
            source="preference centre",
            confirmed_at=now,
        )
        suppression_remove(email=supporter.email)
    elif not wanted and granted:
        consent_withdraw(
            supporter=supporter,
            purpose=PURPOSE_EMAIL_UPDATES,
            source="preference centre",
        )


def soft_opt_in_record(
    *, supporter, source: str, is_registered_charity: bool, opted_out: bool
) -> ConsentRecord | None:
    from .consent import current_wording

    if not is_registered_charity or opted_out:
        return None
    wording = current_wording("soft_opt_in")
    return consent_grant(
        supporter=supporter,
        purpose=PURPOSE_EMAIL_UPDATES,
        wording=wording.text,
        wording_version=f"soft_opt_in/{wording.version}",
        source=source,
        lawful_basis=ConsentRecord.LawfulBasis.SOFT_OPT_IN,
    )
