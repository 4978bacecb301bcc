"""Turn a Mailing into subject, HTML and text, once; personalise per recipient.

Interface:
    merge_field_errors(text, *, where) -> list[str]   clear messages for editors
    mailing_problems(*, mailing) -> list[str]          what stops a send
    mailing_compile(*, mailing) -> Compiled            render + inline CSS once
    Compiled.personalise(values) -> (subject, html, text)
    recipient_values(*, supporter_id, first_name, last_name) -> dict

Editors write merge fields as ``{{ first_name }}`` in the subject, preheader
and body. The mailing is rendered through the normal email layout ONCE, with
the fields left in; each recipient then costs one join over pre-split parts,
not a template render and CSS inlining (that is what makes 100,000 recipients
cheap). Values are HTML-escaped for the HTML part, raw for the text part.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from supporters import tokens

from .models import Mailing

# Fields editors may use, and what an empty value becomes.
MERGE_FIELDS = {
    "first_name": "friend",
    "last_name": "",
    "full_name": "friend",
}
# Filled in by the platform for every recipient (footer and headers).
LINK_FIELDS = ("unsubscribe_url", "preferences_url")
ALL_FIELDS = (*MERGE_FIELDS, *LINK_FIELDS)

_FIELD = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}")
_RELATIVE = re.compile(r'(\s(?:href|src))="/(?!/)')
_inliner = css_inline.CSSInliner(load_remote_stylesheets=False)


def merge_field_errors(text: str, *, where: str) -> list[str]:
    errors = []
    unknown = sorted({m for m in _FIELD.findall(text) if m not in MERGE_FIELDS})
    known = ", ".join(f"{{{{ {name} }}}}" for name in MERGE_FIELDS)
    for name in unknown:
        errors.append(
            f"The {where} uses an unknown merge field {{{{ {name} }}}}. "
            f"You can use: {known}."
        )
    if _LEFTOVER.search(_FIELD.sub("", text)):
        errors.append(
            f"The {where} has an incomplete merge field: write it as "
            "{{ first_name }}, with two braces on each side."
        )
    return errors


def _body_source(mailing: Mailing) -> str:
    """All the text an editor typed in the body, for merge-field checks."""
    parts = []
    for child in mailing.body:
        value = child.value
        if hasattr(value, "source"):
            parts.append(value.source)
        elif isinstance(value, str):
            parts.append(value)
        elif hasattr(value, "items"):
            parts += [v for _k, v in value.items() if isinstance(v, str)]
    return "\n".join(parts)


def mailing_problems(*, mailing: Mailing) -> list[str]:
    """Everything that must be fixed before this mailing can be sent."""
    problems = []
    if not mailing.subject.strip():
        problems.append("Add a subject.")
    if not len(mailing.body):
        problems.append("Add some content to the body.")
    problems += merge_field_errors(mailing.subject, where="subject")
    problems += merge_field_errors(mailing.preheader, where="preheader")
    problems += merge_field_errors(_body_source(mailing), where="body")
    return problems


@dataclass
class Compiled:
    subject: str
    html: str
    text: str
    from_email: str
    _parts: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        # re.split with one group alternates literal, field name, literal...
        self._parts = {
            "subject": _FIELD.split(self.subject),
            "html": _FIELD.split(self.html),
            "text": _FIELD.split(self.text),
        }

    @staticmethod
    def _join(parts: list[str], values: dict, escape: bool) -> str:
        out = []
        for index, part in enumerate(parts):
            if index % 2:
                value = values.get(part, "")
                out.append(html.escape(value) if escape else value)
            else:
                out.append(part)
        return "".join(out)

    def personalise(self, values: dict) -> tuple[str, str, str]:
        return (
            self._join(self._parts["subject"], values, False),
            self._join(self._parts["html"], values, True),
            self._join(self._parts["text"], values, False),
        )


def _placeholders() -> dict:
    return {name: f"{{{{ {name} }}}}" for name in LINK_FIELDS}


def mailing_from_email(mailing: Mailing) -> str:
    """DEFAULT_FROM_EMAIL's address with the mailing's display name, if any."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = " ".join(mailing.from_name.split()) or name
    return str(Address(display_name=name, addr_spec=address))


def mailing_compile(*, mailing: Mailing) -> Compiled:
    body_html = "".join(str(child.render()) for child in mailing.body)
    body_text = "\n\n".join(
        child.block.email_text(child.value) for child in mailing.body
    )
    context = {
        "subject": mailing.subject,
        "preheader": mailing.preheader,
        "body_html": mark_safe(body_html),  # noqa: S308 - rendered block templates
        "body_text": body_text,
        "kind": "bulk",
        "site_name": settings.WAGTAIL_SITE_NAME,
        "base_url": settings.BASE_URL,
        **_placeholders(),
    }
    page = render_to_string("emails/mailing/body.html", context)
    page = _RELATIVE.sub(rf'\1="{settings.BASE_URL}/', page)
    text = render_to_string("emails/mailing/body.txt", context).strip() + "\n"
    return Compiled(
        subject=" ".join(mailing.subject.split()),
        html=_inliner.inline(page),
        text=text,
        from_email=mailing_from_email(mailing),
    )


def mailing_compiled(*, mailing: Mailing) -> Compiled:
    """The frozen version while sending (edits cannot change it)."""
    if mailing.frozen_html:
        return Compiled(
            subject=mailing.frozen_subject,
            html=mailing.frozen_html,
            text=mailing.frozen_text,
            from_email=mailing.frozen_from,
        )
    return mailing_compile(mailing=mailing)


_PLACEHOLDER = "TOKEN-PLACEHOLDER"


@functools.cache
def _link_template(name: str) -> tuple[str, str]:
    # reverse() costs more than signing the token: resolve each URL once.
    url = reverse(name, args=[_PLACEHOLDER])
    before, _, after = url.partition(_PLACEHOLDER)
    return before, after


def _link(name: str, token: str) -> str:
    before, after = _link_template(name)
    return f"{settings.BASE_URL}{before}{token}{after}"


def links_for(supporter_id: int) -> dict:
    payload = {"s": supporter_id}
    unsubscribe = tokens.token_make(tokens.UNSUBSCRIBE, payload)
    preferences = tokens.token_make(tokens.PREFERENCES, payload)
    return {
        "unsubscribe_url": _link("supporters:unsubscribe", unsubscribe),
        "preferences_url": _link("supporters:preferences", preferences),
    }


def recipient_values(*, supporter_id: int, first_name: str, last_name: str) -> dict:
    full = " ".join(p for p in (first_name, last_name) if p)
    return {
        "first_name": first_name or MERGE_FIELDS["first_name"],
        "last_name": last_name,
        "full_name": full or MERGE_FIELDS["full_name"],
        **links_for(supporter_id),
    }
