"""Donor-facing pages and the Stripe webhook (HTTP only)."""

from __future__ import annotations

import logging

from django.apps import apps
from django.db import DatabaseError, transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from fundraising import gateway
from fundraising.forms import MAILING_WORDING_VERSION, DonateForm
from fundraising.models import Appeal, Donation
from fundraising.services import events, receipts
from fundraising.services.checkout import (
    CheckoutUnavailable,
    donation_checkout_start,
    gift_aid_declaration_create,
)
from supporters import tokens
from supporters.antispam import rate_limited
from supporters.services import supporter_from_public_form
from supporters.subscriptions import public_topics, signup_request

logger = logging.getLogger(__name__)


def organisation(request) -> tuple[str, bool]:
    """The organisation's name and whether it is a registered charity.

    The one place fundraising reads the site shell's settings: through the
    app registry, because fundraising sits below home and never imports it.
    """
    site_settings = apps.get_model("home", "SiteSettings").for_request(request)
    return site_settings.organisation_name, site_settings.is_registered_charity


def _see_other(url: str) -> HttpResponseRedirect:
    """303: the browser follows with a GET (after our POST)."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _appeal(slug: str | None) -> Appeal | None:
    if slug is None:
        return None
    return get_object_or_404(Appeal, slug=slug)


def _session_key(appeal: Appeal | None) -> str:
    return f"donate:{appeal.slug if appeal else '_general'}"


def _render_donate(request, appeal, form, *, status=200, notice=""):
    return render(
        request,
        "fundraising/donate.html",
        {
            "appeal": appeal,
            "form": form,
            "notice": notice,
            "cards_enabled": gateway.is_configured(),
            "open": appeal is None or appeal.is_open,
            "minimum": form.minimum,
            "maximum": form.maximum,
        },
        status=status,
    )


def _start(request, appeal, form, charity: bool) -> Donation:
    """Record the donor then open Checkout.

    A known address keeps its stored details (the form proves nothing about
    who typed it). "Email me updates" sends the sign-up's confirmation email
    (nothing is recorded until it is clicked); in charity mode the soft
    opt-in waits for the payment (see services.totals)."""
    data = form.cleaned_data
    with transaction.atomic():
        supporter, _created = supporter_from_public_form(
            email=data["email"],
            source="donate form",
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
        )
        if not charity and data.get("mailing_list"):
            signup_request(
                email=supporter.email,
                topics=public_topics(),
                source=f"donate form {request.path}",
                wording_version=MAILING_WORDING_VERSION,
                first_name=data.get("first_name", ""),
            )
        declaration = None
        if charity and data.get("gift_aid"):
            declaration = gift_aid_declaration_create(
                supporter=supporter,
                first_name=data["first_name"],
                last_name=data["last_name"],
                house=data["house"],
                address=data.get("address", ""),
                postcode=data["postcode"],
                scope="all",
            )
    cancel = reverse(
        "fundraising:donate_cancelled",
        kwargs={"slug": appeal.slug} if appeal else {},
    )
    return donation_checkout_start(
        appeal=appeal,
        supporter=supporter,
        amount_pence=data["amount_pence"] + form.fee_cover_pence,
        fee_cover_pence=form.fee_cover_pence,
        frequency=data["frequency"],
        checkout_key=data["checkout_key"],
        cancel_url=request.build_absolute_uri(cancel),
        gift_aid_declaration=declaration,
        updates_soft_opt_in=charity and not data.get("no_updates"),
    )


@never_cache
@rate_limited("donate", limit=20, window=600)
def donate(request, slug: str | None = None):
    appeal = _appeal(slug)
    name, charity = organisation(request)
    if request.method != "POST":
        form = DonateForm(appeal=appeal, charity=charity, org=name)
        return _render_donate(request, appeal, form)
    form = DonateForm(request.POST, appeal=appeal, charity=charity, org=name)
    if not gateway.is_configured() or not (appeal is None or appeal.is_open):
        return _render_donate(request, appeal, form)  # the page explains why
    if not form.is_valid():
        return _render_donate(request, appeal, form, status=400)
    request.session[_session_key(appeal)] = form.choices_for_session()
    try:
        donation = _start(request, appeal, form, charity)
    except CheckoutUnavailable:
        logger.warning("Checkout could not start", exc_info=True)
        notice = (
            "We could not reach our card payment provider just now. Nothing was "
            "charged. Please try again in a few minutes"
            + (
                ", or give on our CrowdJustice page."
                if appeal and appeal.crowdjustice_url
                else "."
            )
        )
        return _render_donate(request, appeal, form, status=503, notice=notice)
    return _see_other(donation.checkout_url)


@never_cache
def donate_cancelled(request, slug: str | None = None):
    appeal = _appeal(slug)
    name, charity = organisation(request)
    kept = request.session.get(_session_key(appeal)) or {}
    form = DonateForm(initial=kept, appeal=appeal, charity=charity, org=name)
    notice = (
        "You left the payment page, so nothing was charged. Your choices are below."
    )
    return _render_donate(request, appeal, form, notice=notice)


@never_cache
def thanks(request):
    """Read the session from Stripe by its id; never trust the query string."""
    session_id = request.GET.get("session_id", "")
    session, donation = None, None
    if gateway.is_configured() and session_id:
        try:
            session = gateway.checkout_session_retrieve(session_id)
        except gateway.GatewayError:
            session = None
    if session:
        donation = (
            Donation.objects.select_related("appeal")
            .filter(checkout_session_id=session["id"])
            .first()
        )
    state = "unknown"
    if donation and session.get("status") == "complete":
        paid = session.get("payment_status") in {"paid", "no_payment_required"}
        state = "paid" if paid else "processing"
    return render(
        request,
        "fundraising/thanks.html",
        {"state": state, "donation": donation if state != "unknown" else None},
    )


@never_cache
def manage(request, token: str):
    """A monthly donor's emailed link: open a fresh Stripe billing portal."""
    try:
        payload = tokens.token_read(token, receipts.MANAGE)
        donation = Donation.objects.filter(pk=payload.get("donation")).first()
        if donation is None or not donation.customer_id:
            raise tokens.TokenInvalid
        url = gateway.billing_portal_url(
            customer_id=donation.customer_id,
            return_url=request.build_absolute_uri("/"),
        )
    except tokens.TokenError as error:
        return render(
            request, "fundraising/message.html", {"message": error.message}, status=400
        )
    except gateway.GatewayError:
        message = "We could not open the page to manage your gift. Please try later."
        return render(
            request, "fundraising/message.html", {"message": message}, status=503
        )
    return _see_other(url)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Verify, store under the unique event id, answer 200; apply after commit."""
    if not gateway.is_configured():
        return HttpResponse("Card payments are not set up.", status=404)
    payload = request.body
    try:
        gateway.webhook_verify(
            payload=payload, signature=request.headers.get("Stripe-Signature")
        )
        event = events.event_parse(payload)
        _row, created = events.stripe_event_record(event=event)
    except gateway.WebhookSignatureInvalid:
        return HttpResponse("Invalid signature.", status=400)
    except events.EventPayloadInvalid as error:
        return HttpResponse(f"Invalid payload: {error}.", status=400)
    except DatabaseError:
        # Nothing was stored: a 503 makes Stripe deliver the event again.
        logger.exception("Could not store a Stripe event")
        return HttpResponse("Temporarily unavailable.", status=503)
    return JsonResponse({"received": True, "duplicate": not created})
