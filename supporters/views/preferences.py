"""The preference centre (from a signed link in every email; no login)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from supporters import tokens

from .common import LinkProblem, link_problem, supporter_from_token


@never_cache
def preferences(request, token: str):
    try:
        supporter, _ = supporter_from_token(token, tokens.PREFERENCES)
    except LinkProblem as problem:
        return link_problem(request, problem)
    return render(request, "supporters/preferences.html", {"supporter": supporter})
