"""Helpers shared by the public views: reading a signed link."""

from __future__ import annotations

from django.shortcuts import render

from supporters import tokens
from supporters.models import Supporter


class LinkProblem(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def supporter_from_token(token: str, purpose: str, *, use: bool = False) -> tuple:
    """(supporter, payload) for a signed link, or LinkProblem with a message."""
    try:
        reader = tokens.token_use if use else tokens.token_read
        payload = reader(token, purpose)
    except tokens.TokenError as error:
        raise LinkProblem(error.message) from error
    supporter = Supporter.objects.filter(pk=payload.get("s")).first()
    if supporter is None:
        raise LinkProblem(
            "We no longer hold any details for this link. If you want to hear "
            "from us again, please sign up afresh."
        )
    return supporter, payload


def link_problem(request, problem: LinkProblem, *, retry_url: str = ""):
    return render(
        request,
        "supporters/link_problem.html",
        {"message": problem.message, "retry_url": retry_url},
        status=400,
    )
