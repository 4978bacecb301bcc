"""Every email the platform sends goes through here.

Interface:
    email_enqueue(*, template, to, context, kind, tags=(), metadata=None)
        -> EmailMessageLog
        ``template`` names templates/emails/<template>/{subject.txt,body.txt,
        body.html}; ``to`` is a Supporter or an address; ``context`` must be
        JSON-able (ids and strings: the task renders it later); ``kind`` is
        "transactional" (receipts, confirmations) or "bulk" (updates,
        appeals: carries RFC 8058 List-Unsubscribe headers, needs a
        Supporter). What a suppressed address still gets is decided per
        template by SUPPRESSION_STOPS below (checked when queued and again
        when sent); a stopped email is logged as "suppressed", never sent.
        Writes the log row, then enqueues the send task after the
        transaction commits. ``tags`` go to
        the provider as tags (Postmark takes one), ``metadata`` as metadata,
        plus email_type/email_kind/email_log_id. Never raises
        because the broker is down: the outbox sweep sends the row later.
    email_send(*, log_id)      the task's work: claim, render, send, mark
    email_render(*, template, context, supporter=None, kind) -> (subject, text, html)
    email_outbox_sweep(*, older_than=...) -> int   re-enqueue stuck rows

Templates get, besides ``context``: ``supporter``, ``site_name``, ``base_url``,
``preferences_url`` and ``unsubscribe_url`` (when sent to a supporter).
``body.html`` extends ``emails/layout.html``; its <style> is inlined by
css-inline, because many mail clients drop <style> blocks.
"""

from __future__ import annotations

import datetime
import json
import logging
import smtplib

import css_inline
from anymail.exceptions import AnymailAPIError, AnymailError
from anymail.message import AnymailMessage
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from . import tokens
from .addresses import email_mask, email_normalise
from .models import EmailMessageLog, Supporter, Suppression
from .services import suppression_reason

logger = logging.getLogger(__name__)

Kind = EmailMessageLog.Kind
Status = EmailMessageLog.Status
# A row claimed by a worker that then died is sent again after this long
# (longer than the task hard time limit, so a live send is never doubled).
CLAIM_STALE_AFTER = datetime.timedelta(minutes=10)
_inliner = css_inline.CSSInliner(load_remote_stylesheets=False)

# What a suppressed address may still receive: for each email type (its
# template), the suppression reasons that STOP it. The one place this is
# decided; the README's "Suppression" table mirrors it, and a test walks it.
# Bounced addresses do not work: mailing them hurts the reputation of all
# our mail. People who complained, or whom staff suppressed, get nothing
# they did not just ask for. Unsubscribing or erasure ends marketing, not
# the answer to something the person is doing now (signing up afresh,
# paying, asking for their data).
_R = Suppression.Reason
UNDELIVERABLE = frozenset({_R.HARD_BOUNCE, _R.SOFT_BOUNCES})
EVERY_REASON = frozenset(_R.values)
SUPPRESSION_STOPS: dict[str, frozenset] = {
    # Bulk: never to a suppressed address.
    "welcome": EVERY_REASON,
    "mailing": EVERY_REASON,
    # Confirmations someone asked for by typing the address: the way back
    # in after unsubscribing or erasure, but never to a broken address, a
    # complainer or a staff block (anyone can type an address into a form).
    "confirm_signup": UNDELIVERABLE | {_R.COMPLAINT, _R.MANUAL},
    "pledge_confirm": UNDELIVERABLE | {_R.COMPLAINT, _R.MANUAL},
    # Reminders the person confirmed (their own consent, not the mailing
    # list's), unless the address is broken or they complained.
    "pledge_reminder": UNDELIVERABLE | {_R.COMPLAINT, _R.MANUAL},
    # An appeal closed: where their pledge went (moved, or released with
    # thanks). Same rule as the reminders they signed up for.
    "pledge_moved": UNDELIVERABLE | {_R.COMPLAINT, _R.MANUAL},
    "pledge_released": UNDELIVERABLE | {_R.COMPLAINT, _R.MANUAL},
    # About money they gave: a receipt for a payment just made always goes
    # (the donor typed the address at Checkout minutes ago; Gift Aid and
    # the accounts need it); "update your card" only to a working address.
    "donation_receipt": frozenset(),
    "donation_payment_failed": UNDELIVERABLE,
    # Rights and access: answered whatever the suppression.
    "preferences_link": UNDELIVERABLE,
    "data_copy": frozenset(),
    "erase_confirm": frozenset(),
    # To staff: about their own work and their own account's security (the
    # two-factor enrolment link they just asked for).
    "mailing_paused": frozenset(),
    "two_factor_enrol": frozenset(),
}


def suppression_stops(*, template: str, kind: str, email: str) -> bool:
    """Whether a suppression of ``email`` stops this email type. A template
    missing from the table is treated by its kind (bulk: stopped by any
    suppression; transactional: by an undeliverable address)."""
    reason = suppression_reason(email)
    if reason is None:
        return False
    default = EVERY_REASON if kind == Kind.BULK else UNDELIVERABLE
    return reason in SUPPRESSION_STOPS.get(template, default)


class TemporaryEmailFailure(Exception):
    """The provider or network failed in a way worth retrying later."""


def email_enqueue(
    *,
    template: str,
    to: Supporter | str,
    context: dict,
    kind: str,
    tags=(),
    metadata: dict | None = None,
) -> EmailMessageLog:
    if kind not in Kind.values:
        raise ValueError(f"kind must be one of {Kind.values}, not {kind!r}")
    for part in ("subject.txt", "body.txt", "body.html"):
        try:
            get_template(f"emails/{template}/{part}")
        except TemplateDoesNotExist as error:
            raise ValueError(f"No email template emails/{template}/{part}") from error
    supporter = to if isinstance(to, Supporter) else None
    if kind == Kind.BULK and supporter is None:
        raise ValueError("Bulk email goes to a Supporter (it needs unsubscribe links)")
    to_email = supporter.email if supporter else email_normalise(to)
    json.dumps([context, list(tags), metadata or {}])  # fail now, not in the worker
    stopped = suppression_stops(template=template, kind=kind, email=to_email)
    log = EmailMessageLog.objects.create(
        template=template,
        kind=kind,
        supporter=supporter,
        to_email=to_email,
        context={} if stopped else context,
        tags=list(tags),
        metadata=metadata or {},
        status=Status.SUPPRESSED if stopped else Status.QUEUED,
    )
    if stopped:
        logger.info("Email %s not sent: %s suppressed", log.pk, email_mask(to_email))
        return log
    transaction.on_commit(lambda: email_publish(log_id=log.pk))
    logger.info("Email %s queued: %s to %s", log.pk, template, email_mask(to_email))
    return log


def email_publish(*, log_id: int) -> bool:
    """Hand the row to Celery; on a broker failure leave it for the sweep."""
    from .tasks import email_send as email_send_task

    try:
        email_send_task.apply_async((log_id,), retry=False)
    except (BrokerError, OSError) as error:
        logger.warning(
            "Broker unreachable, email %s left for the sweep: %s", log_id, error
        )
        return False
    return True


def _links(supporter: Supporter | None) -> dict:
    if supporter is None:
        return {}
    payload = {"s": supporter.pk}
    return {
        "preferences_url": settings.BASE_URL
        + reverse(
            "supporters:preferences",
            args=[tokens.token_make(tokens.PREFERENCES, payload)],
        ),
        "unsubscribe_url": settings.BASE_URL
        + reverse(
            "supporters:unsubscribe",
            args=[tokens.token_make(tokens.UNSUBSCRIBE, payload)],
        ),
    }


def _render_text(name: str, context: dict) -> str:
    # Plain-text parts are not HTML-escaped ("O'Brien", not "O&#x27;Brien").
    template = get_template(name).template
    return template.render(Context(context, autoescape=False))


def email_render(
    *, template: str, context: dict, supporter: Supporter | None = None, kind: str
) -> tuple[str, str, str]:
    full = {
        **context,
        "supporter": supporter,
        "kind": kind,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "base_url": settings.BASE_URL,
        **_links(supporter),
    }
    subject = " ".join(_render_text(f"emails/{template}/subject.txt", full).split())
    text = _render_text(f"emails/{template}/body.txt", full).strip() + "\n"
    html = _inliner.inline(render_to_string(f"emails/{template}/body.html", full))
    return subject, text, html


def _claim(log_id: int) -> EmailMessageLog | None:
    now = timezone.now()
    with transaction.atomic():
        log = (
            EmailMessageLog.objects.select_for_update(of=("self",))
            .select_related("supporter")
            .filter(pk=log_id)
            .first()
        )
        if log is None or log.status in (Status.SENT, Status.FAILED, Status.SUPPRESSED):
            return None
        if log.status == Status.SENDING and log.claimed_at > now - CLAIM_STALE_AFTER:
            return None  # another worker is sending it right now
        log.status = Status.SENDING
        log.claimed_at = now
        log.attempts += 1
        log.save(update_fields=["status", "claimed_at", "attempts"])
    return log


def _is_temporary(error: Exception) -> bool:
    if isinstance(error, AnymailAPIError):
        code = error.status_code
        return code is None or code == 429 or code >= 500
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return False
    return isinstance(error, smtplib.SMTPException | OSError)


def _describe(error: Exception) -> str:
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - a broken __str__ must not hide the failure
        text = repr(error.args)
    # One line, no address: the provider's message may quote the recipient.
    return f"{type(error).__name__}: {' '.join(text.split())}"[:255]


def _finish(log: EmailMessageLog, status: str, *, error: str = "", message_id=None):
    log.status = status
    log.error = error[:255]
    update = ["status", "error"]
    if status in (Status.SENT, Status.FAILED, Status.SUPPRESSED):
        log.context = {}  # the log never keeps what was said
        update.append("context")
    if status == Status.SENT:
        log.sent_at = timezone.now()
        log.provider_message_id = "" if message_id is None else str(message_id)[:255]
        update += ["sent_at", "provider_message_id"]
    log.save(update_fields=update)


def email_send(*, log_id: int) -> str | None:
    """Send one logged email. Safe to run twice: a sent row is left alone.

    Raises TemporaryEmailFailure (row back to "queued") for the task to retry.
    """
    log = _claim(log_id)
    if log is None:
        return None
    if suppression_stops(template=log.template, kind=log.kind, email=log.to_email):
        _finish(log, Status.SUPPRESSED)
        return log.status
    try:
        subject, text, html = email_render(
            template=log.template,
            context=log.context,
            supporter=log.supporter,
            kind=log.kind,
        )
        headers = {}
        if log.kind != Kind.TRANSACTIONAL:
            unsubscribe = _links(log.supporter)["unsubscribe_url"]
            headers = {
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        message = AnymailMessage(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[log.to_email],
            reply_to=list(settings.EMAIL_REPLY_TO),
            headers=headers,
            # Some providers (Postmark) take a single tag: the caller's tags, or
            # else the template name. Type and log id travel as metadata.
            tags=list(log.tags) or [log.template],
            metadata={
                **log.metadata,
                "email_type": log.template,
                "email_kind": log.kind,
                "email_log_id": str(log.pk),
            },
        )
        message.attach_alternative(html, "text/html")
        message.send(using="default")
    except Exception as error:
        description = _describe(error)
        if _is_temporary(error):
            _finish(log, Status.QUEUED, error=description)
            logger.warning(
                "Email %s temporary failure: %s", log.pk, type(error).__name__
            )
            raise TemporaryEmailFailure(str(error)) from error
        _finish(log, Status.FAILED, error=description)
        logger.error(
            "Email %s to %s failed: %s", log.pk, email_mask(log.to_email), description
        )
        if not isinstance(error, AnymailError | smtplib.SMTPException | ValueError):
            raise
        return log.status
    status = getattr(message, "anymail_status", None)
    if (
        status is not None
        and status.status
        and status.status <= {"rejected", "invalid"}
    ):
        _finish(log, Status.FAILED, error="Provider refused the recipient")
        return log.status
    _finish(log, Status.SENT, message_id=status.message_id if status else None)
    logger.info("Email %s sent to %s", log.pk, email_mask(log.to_email))
    return log.status


def email_mark_failed(*, log_id: int, error: str) -> None:
    EmailMessageLog.objects.filter(pk=log_id).exclude(status=Status.SENT).update(
        status=Status.FAILED, error=error[:255], context={}
    )


def email_outbox_sweep(*, older_than: datetime.timedelta | None = None) -> int:
    """Re-enqueue rows nobody sent: queued for a while (the broker was down,
    or a retry was lost), or claimed by a worker that died."""
    if older_than is None:
        older_than = datetime.timedelta(minutes=settings.EMAIL_OUTBOX_SWEEP_MINUTES)
    now = timezone.now()
    stuck = (
        EmailMessageLog.objects.filter(
            Q(status=Status.QUEUED, created_at__lt=now - older_than)
            | Q(status=Status.SENDING, claimed_at__lt=now - CLAIM_STALE_AFTER)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )
    count = 0
    for log_id in list(stuck):
        if not email_publish(log_id=log_id):
            break  # broker still down: try again at the next tick
        count += 1
    if count:
        logger.info("Outbox sweep re-enqueued %d email(s)", count)
    return count
