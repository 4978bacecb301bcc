"""The exact consent wording shown on forms, versioned.

Interface:
    current_wording(purpose) -> Wording            what forms show now
    wording_for(purpose, version) -> Wording | None  a past version (evidence)
    soft_opt_in_available(request) -> bool         charity mode on?

Never edit a published text in place: add a new version and point CURRENT at
it. The consent ledger stores the text and the version, and sign-up links carry
the version the person saw, so the evidence always matches the form.
"""

from __future__ import annotations

from dataclasses import dataclass

from .services import PURPOSE_EMAIL_UPDATES


@dataclass(frozen=True)
class Wording:
    purpose: str
    version: str
    text: str


_WORDINGS: dict[tuple[str, str], Wording] = {}
_CURRENT: dict[str, str] = {}


def _add(purpose: str, version: str, text: str, *, current: bool = False) -> None:
    _WORDINGS[(purpose, version)] = Wording(purpose, version, text)
    if current:
        _CURRENT[purpose] = version


_add(
    PURPOSE_EMAIL_UPDATES,
    "2026-11-v1",
    "Yes, please email me campaign updates and ways to help. I can unsubscribe "
    "at any time from a link in every email.",
    current=True,
)
# The donate and pledge forms' "email me updates" box (double opt-in like
# sign-up: the confirmation email records this wording when clicked).
_add(
    PURPOSE_EMAIL_UPDATES,
    "donate-2026-1",
    "Yes, send me email updates about the campaign. I can unsubscribe at any time.",
)
# Charity soft opt-in (PECR as extended to charities): donors and pledgers may
# be emailed about the charity's work unless they say no when giving their
# details. Only offered when home's SiteSettings.is_registered_charity is on.
_add(
    "soft_opt_in",
    "2026-11-v1",
    "We'll email you about our work and how to support it. Tick this box if "
    "you would rather not hear from us.",
    current=True,
)


def current_wording(purpose: str) -> Wording:
    return _WORDINGS[(purpose, _CURRENT[purpose])]


def wording_for(purpose: str, version: str) -> Wording | None:
    return _WORDINGS.get((purpose, version))


def soft_opt_in_available(request) -> bool:
    """Whether the organisation is a registered charity (home SiteSettings).

    The one place supporters reads a setting of the layer above it: looked up
    through the app registry at call time, never imported, so the import
    arrow still points down (home -> supporters).
    """
    from django.apps import apps

    site_settings = apps.get_model("home", "SiteSettings")
    return bool(site_settings.for_request(request).is_registered_charity)
