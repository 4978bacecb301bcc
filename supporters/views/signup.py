"""Sign-up and double opt-in confirmation.

The sign-up POST is CSRF-exempt on purpose: the form sits in the footer of
every (cached) public page, and a CSRF token would need a cookie on each of
them. Forging a sign-up gains nothing: it only sends a confirmation email to
the address's owner, and the rate limit caps that per address and per IP.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from supporters import tokens
from supporters.antispam import rate_limited
from supporters.forms import SignupForm
from supporters.subscriptions import signup_confirm, signup_request

from .common import LinkProblem, link_problem, supporter_from_token


def _source(request, form) -> str:
    return f"signup form: {form.cleaned_data['page'] or request.path}"


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited(
    "signup",
    limit=lambda: settings.SIGNUP_RATE_LIMIT,
    window=lambda: settings.SIGNUP_RATE_WINDOW_SECONDS,
)
def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signup_request(
            email=form.cleaned_data["email"],
            first_name=form.cleaned_data["first_name"],
            topics=form.cleaned_data["topics"],
            source=_source(request, form),
            wording_version=form.cleaned_data["wording_version"],
        )
        # The same answer for new and known addresses: the form reveals nobody.
        return redirect("supporters:signup_thanks")
    return render(
        request,
        "supporters/signup.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def signup_thanks(request):
    return render(request, "supporters/signup_thanks.html")


@csrf_exempt  # authorised by the signed link; no cookie needed
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET shows a button (mail scanners that open links confirm nobody);
    POST confirms."""
    try:
        supporter, payload = supporter_from_token(token, tokens.CONFIRM)
    except LinkProblem as problem:
        return link_problem(request, problem, retry_url=reverse("supporters:signup"))
    if request.method == "GET":
        return render(request, "supporters/confirm.html", {"token": token})
    try:
        changed = signup_confirm(
            supporter=supporter,
            topic_ids=[int(t) for t in payload.get("t", [])],
            wording_version=str(payload.get("w", "")),
            source=str(payload.get("src", "signup form"))[:200],
            first_name=payload.get("n"),
        )
    except (TypeError, ValueError, ValidationError):
        return link_problem(request, LinkProblem(tokens.TokenInvalid.message))
    return render(
        request, "supporters/confirmed.html", {"already_confirmed": not changed}
    )
