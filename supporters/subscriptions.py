"""Sign-up (double opt-in), confirmation and the preference centre: writes.

Interface:
    signup_request(*, email, first_name="", topics, source, wording_version)
        -> Supporter. Creates the supporter if new (a known one's stored
        details are never changed by the form: a typed name travels in the
        link and is applied when the address confirms), adds unconfirmed
        subscriptions, and emails a confirmation link (7 days) unless that
        would be a repeat: every topic already confirmed, a confirmation
        already sent in the last RESEND_AFTER, or the address suppressed
        (see emails.SUPPRESSION_STOPS). The caller answers the same in every
        case, so nobody learns whether an address is known.
    signup_confirm(*, supporter, topic_ids, wording_version, source,
        first_name=None) -> bool (False if nothing was left to confirm). Confirms the
        subscriptions, records consent with the exact wording and the
        confirmation time, lifts a suppression (a fresh opt-in), and sends the
        welcome email (text editable in Wagtail: Settings > Supporter emails).
    preferences_update(*, supporter, first_name, last_name, topics, wording_version)
    soft_opt_in_record(*, supporter, source, is_registered_charity, opted_out)
        -> ConsentRecord | None. For donation/pledge forms: the charity "soft
        opt-in" basis, recorded only when the organisation is a registered
        charity (pass consent.soft_opt_in_available(request) from the view)
        and the person did not tick "no thanks".
    updates_confirm(*, supporter, wording_version, source) -> bool
        Another flow proved the address (a pledge's confirmation link) and
        the person ticked "email me updates" beside ``wording_version``:
        subscribe them to the public lists as signup_confirm does.
    soft_opt_in_subscribe(*, supporter, source) -> bool
        Charity mode, after a paid gift (or a confirmed pledge) whose giver
        did not opt out: records the soft opt-in and confirms the public
        lists, never overriding a "no" (a suppressed address, withdrawn
        consent, or a list the person left stays as it is).
    public_topics() -> QuerySet[Topic]
    confirm_url(*, supporter, topic_ids, wording_version, source) -> str
"""

from __future__ import annotations

import datetime

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
    EmailMessageLog,
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
    is_suppressed,
    supporter_from_public_form,
    supporter_touch,
    suppression_remove,
)

Status = Subscription.Status
# A second sign-up for the same address within this long sends no second
# confirmation (the first link is still in their inbox, and a form cannot
# be used to flood someone's mailbox).
RESEND_AFTER = datetime.timedelta(minutes=10)


def public_topics():
    return Topic.objects.filter(is_public=True)


def confirm_url(
    *, supporter, topic_ids, wording_version, source, first_name: str = ""
) -> str:
    payload = {
        "s": supporter.pk,
        "t": sorted(topic_ids),
        "w": wording_version,
        "src": source,
    }
    if first_name:
        payload["n"] = first_name  # applied only when the address confirms
    token = tokens.token_make(tokens.CONFIRM, payload)
    return settings.BASE_URL + reverse("supporters:confirm", args=[token])


def _consent_in_force(supporter) -> bool:
    current = consent_current(supporter=supporter, purpose=PURPOSE_EMAIL_UPDATES)
    return current is not None and current.action == ConsentRecord.Action.GRANTED


def _confirmation_is_repeat(supporter, topic_ids) -> bool:
    unconfirmed = Subscription.objects.filter(
        supporter=supporter, topic_id__in=topic_ids
    ).exclude(status=Status.CONFIRMED)
    if not unconfirmed.exists() and _consent_in_force(supporter):
        return True  # already confirmed: nothing to ask
    return EmailMessageLog.objects.filter(
        supporter=supporter,
        template="confirm_signup",
        created_at__gte=timezone.now() - RESEND_AFTER,
    ).exists()


@transaction.atomic
def signup_request(
    *,
    email: str,
    topics,
    source: str,
    wording_version: str,
    first_name: str = "",
) -> Supporter:
    supporter, created = supporter_from_public_form(
        email=email, source=source, first_name=first_name
    )
    topic_ids = []
    for topic in topics:
        topic_ids.append(topic.pk)
        subscription, new = Subscription.objects.get_or_create(
            supporter=supporter, topic=topic
        )
        if not new and subscription.status == Status.UNSUBSCRIBED:
            # Coming back after leaving needs a fresh confirmation.
            subscription.status = Status.UNCONFIRMED
            subscription.save(update_fields=["status"])
    if not created and _confirmation_is_repeat(supporter, topic_ids):
        return supporter
    name = first_name.strip()
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
                first_name="" if created or name == supporter.first_name else name,
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
def signup_confirm(
    *, supporter, topic_ids, wording_version, source, first_name=None
) -> bool:
    """``first_name``: what the person typed on the form, from the signed
    link; the confirmed address proves it is theirs to change."""
    wording = wording_for(PURPOSE_EMAIL_UPDATES, wording_version)
    if wording is None:
        raise ValueError(f"Unknown consent wording version {wording_version!r}")
    now = timezone.now()
    if first_name:
        name = text_clean(str(first_name), field="first name", max_length=100)
        if name and name != supporter.first_name:
            supporter.first_name = name
            supporter.save(update_fields=["first_name", "updated_at"])
    pending = Subscription.objects.select_for_update().filter(
        supporter=supporter, topic_id__in=topic_ids
    )
    confirmed_any = pending.exclude(status=Status.CONFIRMED).update(
        status=Status.CONFIRMED, confirmed_at=now, unsubscribed_at=None
    )
    if not confirmed_any and _consent_in_force(supporter):
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


@transaction.atomic
def soft_opt_in_subscribe(*, supporter, source: str) -> bool:
    if is_suppressed(supporter.email):
        return False
    current = consent_current(supporter=supporter, purpose=PURPOSE_EMAIL_UPDATES)
    if current is not None and current.action == ConsentRecord.Action.WITHDRAWN:
        return False
    if current is None:
        soft_opt_in_record(
            supporter=supporter,
            source=source,
            is_registered_charity=True,
            opted_out=False,
        )
    now = timezone.now()
    for topic in public_topics():
        subscription, created = Subscription.objects.get_or_create(
            supporter=supporter,
            topic=topic,
            defaults={"status": Status.CONFIRMED, "confirmed_at": now},
        )
        if not created and subscription.status == Status.UNCONFIRMED:
            subscription.status, subscription.confirmed_at = Status.CONFIRMED, now
            subscription.save(update_fields=["status", "confirmed_at"])
    return True


@transaction.atomic
def updates_confirm(*, supporter, wording_version: str, source: str) -> bool:
    topic_ids = []
    for topic in public_topics():
        topic_ids.append(topic.pk)
        Subscription.objects.get_or_create(supporter=supporter, topic=topic)
    return signup_confirm(
        supporter=supporter,
        topic_ids=topic_ids,
        wording_version=wording_version,
        source=source,
    )
