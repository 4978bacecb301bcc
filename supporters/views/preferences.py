"""The preference centre, from a signed link in every email; no login.

Change name and topics, unsubscribe from everything, ask for a copy of my
data, delete my data. POSTs are CSRF-exempt: the signed link in the URL is the
credential (a forged request would need it), and no cookie is set.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from supporters import tokens
from supporters.antispam import rate_limited
from supporters.data_requests import (
    data_access_send,
    data_erasure_request,
    preferences_link_send,
)
from supporters.forms import EmailOnlyForm, PreferencesForm
from supporters.models import Subscription
from supporters.services import supporter_unsubscribe_all
from supporters.subscriptions import preferences_update

from .common import LinkProblem, link_problem, supporter_from_token


def _initial(supporter) -> dict:
    confirmed = Subscription.objects.filter(
        supporter=supporter, status=Subscription.Status.CONFIRMED
    ).values_list("topic_id", flat=True)
    return {
        "first_name": supporter.first_name,
        "last_name": supporter.last_name,
        "topics": list(confirmed),
    }


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request, token: str):
    try:
        supporter, _ = supporter_from_token(token, tokens.PREFERENCES)
    except LinkProblem as problem:
        return link_problem(
            request, problem, retry_url=reverse("supporters:preferences_request")
        )
    action = request.POST.get("action", "save")
    form = PreferencesForm(initial=_initial(supporter))
    context = {"supporter": supporter, "token": token}
    if request.method == "POST":
        if action == "unsubscribe":
            supporter_unsubscribe_all(supporter=supporter, source="preference centre")
            return render(request, "supporters/unsubscribed.html", context)
        if action == "copy":
            data_access_send(supporter=supporter)
            return render(request, "supporters/data_copy_sent.html", context)
        if action == "erase":
            data_erasure_request(supporter=supporter)
            return render(request, "supporters/erase_requested.html", context)
        form = PreferencesForm(request.POST, initial=_initial(supporter))
        if form.is_valid():
            try:
                preferences_update(
                    supporter=supporter,
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    topics=form.cleaned_data["topics"],
                    wording_version=form.wording.version,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                context["saved"] = True
                form = PreferencesForm(initial=_initial(supporter))
    context["form"] = form
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "supporters/preferences.html", context, status=status)


@csrf_exempt  # see supporters/views/signup.py: no cookies on public pages
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited(
    "preferences-link",
    limit=lambda: settings.SIGNUP_RATE_LIMIT,
    window=lambda: settings.SIGNUP_RATE_WINDOW_SECONDS,
)
def preferences_request(request):
    """Ask for a fresh preference-centre link by email (neutral answer)."""
    form = EmailOnlyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        preferences_link_send(email=form.cleaned_data["email"])
        return render(request, "supporters/preferences_link_sent.html")
    status = 400 if form.is_bound else 200
    return render(
        request, "supporters/preferences_request.html", {"form": form}, status=status
    )
