"""RFC 8058 one-click unsubscribe.

POST (from the mail client's "Unsubscribe" button): no cookie, no CSRF token,
the signed token in the URL; records the withdrawal, suppresses, answers 200.
GET (a person, or a link scanner): shows a page with a button, and changes
nothing, so scanners that follow links unsubscribe nobody.
"""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from supporters import tokens
from supporters.services import supporter_unsubscribe_all

from .common import LinkProblem, link_problem, supporter_from_token


@csrf_exempt  # RFC 8058: mail clients POST without cookies; the token authorises
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        supporter, _ = supporter_from_token(token, tokens.UNSUBSCRIBE)
    except LinkProblem as problem:
        return link_problem(request, problem)
    if request.method == "POST":
        supporter_unsubscribe_all(supporter=supporter, source="unsubscribe link")
        return render(request, "supporters/unsubscribed.html", {"token": token})
    return render(request, "supporters/unsubscribe.html", {"token": token})
