"""Small helpers the lives share."""

from __future__ import annotations

import re

from django.urls import reverse

from supporters import tokens


def link(message, fragment: str) -> str:
    """The path of the first absolute link in an email containing fragment."""
    match = re.search(
        r"http://testserver([^\s\"<]*" + re.escape(fragment) + r"[^\s\"<]*)",
        message.body,
    )
    assert match, f"no link with {fragment!r} in:\n{message.body}"
    return match.group(1)


def preferences_path(supporter) -> str:
    return reverse(
        "supporters:preferences",
        args=[tokens.token_make(tokens.PREFERENCES, {"s": supporter.pk})],
    )


def subjects(mailoutbox) -> list[str]:
    return [m.subject for m in mailoutbox]
