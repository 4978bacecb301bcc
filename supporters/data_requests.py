"""Rights requests: a copy of my data (access) and erasure. Writes.

Interface:
    data_access_send(*, supporter, created_by=None) -> DataRequest
        Opens an access request and emails a signed download link (7 days).
    data_download_record(*, request_id) -> None   marks the access request done
    data_erasure_request(*, supporter, created_by=None) -> DataRequest
        Opens an erasure request and emails a single-use confirmation link.
    data_erasure_confirm(*, token) -> list[str]
        Uses the link once, erases across every app (supporters.privacy), and
        closes the request; returns what to tell the person (e.g. a monthly
        gift cancelled). Raises tokens.TokenError subclasses.
    data_request_erase_now(*, request, user) -> list[str]   staff action
    supporter_erase_by_staff(*, supporter, user, detail) -> list[str]
        Access-log entry, then the erasure service; erase now and the admin
        delete view (supporters.wagtail_hooks) both use it.
    preferences_link_send(*, email) -> None
        Emails a fresh preference-centre link if the address is known; does
        nothing otherwise (the caller answers the same either way).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import tokens
from .addresses import email_hash
from .emails import email_enqueue
from .models import DataRequest, Supporter, SupporterAccessLog
from .privacy import supporter_erase
from .services import supporter_get_by_email


def _url(name: str, purpose: str, payload: dict) -> str:
    return settings.BASE_URL + reverse(name, args=[tokens.token_make(purpose, payload)])


def _open(*, supporter, kind, created_by=None) -> DataRequest:
    return DataRequest.objects.create(
        kind=kind,
        supporter=supporter,
        email_hash=email_hash(supporter.email),
        created_by=created_by,
    )


@transaction.atomic
def data_access_send(*, supporter: Supporter, created_by=None) -> DataRequest:
    request = _open(
        supporter=supporter, kind=DataRequest.Kind.ACCESS, created_by=created_by
    )
    link = _url(
        "supporters:data_download",
        tokens.EXPORT_DOWNLOAD,
        {"s": supporter.pk, "r": request.pk},
    )
    email_enqueue(
        template="data_copy",
        to=supporter,
        kind="transactional",
        context={"download_url": link},
        tags=["privacy"],
    )
    return request


def data_download_record(*, request_id: int | None) -> None:
    if request_id:
        DataRequest.objects.filter(
            pk=request_id, kind=DataRequest.Kind.ACCESS, status=DataRequest.Status.OPEN
        ).update(status=DataRequest.Status.DONE, completed_at=timezone.now())


@transaction.atomic
def data_erasure_request(*, supporter: Supporter, created_by=None) -> DataRequest:
    request = _open(
        supporter=supporter, kind=DataRequest.Kind.ERASURE, created_by=created_by
    )
    link = _url(
        "supporters:data_erase", tokens.ERASE, {"s": supporter.pk, "r": request.pk}
    )
    email_enqueue(
        template="erase_confirm",
        to=supporter,
        kind="transactional",
        context={"erase_url": link},
        tags=["privacy"],
    )
    return request


def _close(request_id) -> None:
    DataRequest.objects.filter(pk=request_id).update(
        status=DataRequest.Status.DONE,
        completed_at=timezone.now(),
        supporter=None,
        notes="",
    )


@transaction.atomic
def data_erasure_confirm(*, token: str) -> list[str]:
    payload = tokens.token_use(token, tokens.ERASE)
    supporter = (
        Supporter.objects.select_for_update().filter(pk=payload.get("s")).first()
    )
    if supporter is None:
        raise tokens.TokenUsed  # erased already (by staff, or another link)
    request_id = payload.get("r")
    notes = supporter_erase(supporter=supporter, source="erasure link")
    _close(request_id)
    return notes


@transaction.atomic
@transaction.atomic
def supporter_erase_by_staff(*, supporter: Supporter, user, detail: str) -> list[str]:
    """Every way staff remove a person (erase now on a data request, the admin
    delete view) ends here: the access log records who and why, then the one
    erasure service runs (supporters.privacy). Returns what to tell the
    person (a cancelled monthly gift)."""
    SupporterAccessLog.objects.create(
        user=user, action=SupporterAccessLog.Action.ERASE, detail=detail
    )
    return supporter_erase(supporter=supporter, source=f"staff: {detail}")


def data_request_erase_now(*, request: DataRequest, user) -> list[str]:
    """Staff carry out an erasure request (e.g. one made by letter). Returns
    what to tell the person (a cancelled monthly gift)."""
    supporter = request.supporter
    notes: list[str] = []
    if supporter is not None:
        notes = supporter_erase_by_staff(
            supporter=supporter, user=user, detail=f"request {request.pk}"
        )
    _close(request.pk)
    return notes


def preferences_link_send(*, email: str) -> None:
    supporter = supporter_get_by_email(email)
    if supporter is None:
        return
    email_enqueue(
        template="preferences_link",
        to=supporter,
        kind="transactional",
        context={},
        tags=["preferences"],
    )
