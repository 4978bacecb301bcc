"""Every route in the URL configuration, walked as an anonymous visitor with
hostile input, answers below 500.

The routes come from Django's resolver (``get_resolver``), so a route added
later is walked too. Each parametrised route is tried with hostile values its
converter accepts (huge integers, control characters, injection strings);
regex routes with sample paths that resolve back to them. Each URL gets a GET
with hostile query parameters and POSTs with hostile values in every form
field the GET showed (hidden fields included), the anti-spam fields made
genuine so validation itself is attacked.
"""

from __future__ import annotations

import re
import time
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

from campaign import factories
from supporters.antispam import antispam_timestamp

pytestmark = pytest.mark.django_db

CONVERTER_VALUES = {
    "IntConverter": ["1", "99999999999999999999999"],
    "StringConverter": [
        "x",
        quote("Ann\r\nBcc: victim@example.org", safe=""),
        quote("' OR '1'='1' --", safe=""),
        "A" * 3000,
    ],
    "SlugConverter": ["legal-fund", "no-such-thing", "a" * 500],
    "UUIDConverter": ["00000000-0000-0000-0000-000000000000"],
    "PathConverter": ["x", "..%2F..%2Fetc%2Fpasswd"],
}
REGEX_SAMPLES = [
    "",
    "x/",
    "a/b/c/",
    "no-such-page/",
    "images/../documents/x.pdf",
    "..%2F..%2Fetc%2Fpasswd",
    "%00/",
    "campaign/" + "a" * 300 + "/",
]
HOSTILE_VALUES = [
    "Ann\r\nBcc: victim@example.org",
    "' OR '1'='1' --",
    "A" * 5000,
    "99999999999999999999999",
    "\x00\u202e{{ settings.SECRET_KEY }}",
]
ALWAYS_POSTED = ["token", "email", "next", "amount", "first_name", "q", "password"]
PLAUSIBLE = {
    "email": "ann@example.org",
    "first_name": "Ann",
    "last_name": "Example",
    "postcode": "SW1A 1AA",
    "house": "1",
    "address": "1 High Street, Leeds",
    "other_amount": "25",
    "amount": "25",
}


def walk(patterns, prefix=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, (*prefix, entry.pattern))
        elif isinstance(entry, URLPattern):
            yield (*prefix, entry.pattern), entry


_ROUTE_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _route_variants(pattern: RoutePattern) -> list[str]:
    route = str(pattern)
    names = [m.group("name") for m in _ROUTE_PARAM.finditer(route)]
    if not names:
        return [route]
    variants = []
    width = max(
        len(CONVERTER_VALUES[type(pattern.converters[n]).__name__]) for n in names
    )
    for index in range(width):

        def value(match, index=index):
            kind = type(pattern.converters[match.group("name")]).__name__
            options = CONVERTER_VALUES[kind]
            return options[index % len(options)]

        variants.append(_ROUTE_PARAM.sub(value, route))
    return variants


def _regex_variants(pattern: RegexPattern) -> list[str]:
    literal = re.sub(r"\(.*\)", "", pattern.regex.pattern).strip("^$")
    literal = literal.replace("\\", "")
    return [literal + sample for sample in REGEX_SAMPLES]


def concrete_paths(parts) -> list[str]:
    paths = [""]
    for part in parts:
        if isinstance(part, RoutePattern):
            options = _route_variants(part)
        elif isinstance(part, RegexPattern):
            options = _regex_variants(part)
        else:
            options = [str(part)]
        paths = [done + option for done in paths for option in options]
    return ["/" + path for path in paths]


def every_url() -> dict[str, str]:
    """{url: the route it exercises}, every route of the configuration."""
    urls = {}
    for parts, entry in walk(get_resolver().url_patterns):
        route = "".join(str(part) for part in parts)
        for path in concrete_paths(parts):
            try:
                match = resolve(path)
            except Resolver404:
                continue
            if match.func is entry.callback or match.url_name == entry.name:
                urls.setdefault(path, route)
    return dict(sorted(urls.items()))


@pytest.fixture
def content(db):
    from fundraising.models import Appeal

    Appeal.objects.create(name="Legal fund", slug="legal-fund", target_pence=10_000)
    factories.campaign_page_create()
    index = factories.update_index_create()
    factories.update_page_create(index=index)
    factories.briefings_page_create(documents=[factories.document_create()])


def genuine_antispam() -> dict:
    return {"website": "", "form_ts": antispam_timestamp(time.time() - 30)}


def form_fields(response) -> dict[str, str]:
    """Every named field of the page's forms (hidden ones included), with a
    value a person could have sent: the rendered value, the first radio or
    option, a ticked box, or a plausible value for the name."""
    if "html" not in response.get("Content-Type", ""):
        return {}
    soup = BeautifulSoup(response.content, "html.parser")
    fields: dict[str, str] = {}
    for tag in soup.select("input[name], select[name], textarea[name]"):
        name = tag["name"]
        if name in fields:
            continue
        if tag.name == "select":
            option = tag.find("option", value=True)
            fields[name] = option["value"] if option else ""
        elif tag.get("type") == "checkbox":
            fields[name] = tag.get("value", "on")
        else:
            fields[name] = tag.get("value") or PLAUSIBLE.get(name, "x")
    return fields


# Some 2,000 requests: minutes on a busy machine with PostgreSQL.
@pytest.mark.timeout(1200)
def test_every_route_answers_anonymous_hostile_input_without_a_server_error(
    content, stripe_double, settings
):
    settings.EMAIL_ESP = "postmark"
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "hook:secret"}
    client = Client(raise_request_exception=False)
    urls = every_url()
    assert len(set(urls.values())) > 300  # the whole configuration, admin too
    failures = []
    forms_attacked = set()
    for url, route in urls.items():
        cache.clear()  # rate limits would answer 429 before validation
        get = client.get(url, {"next": "//evil.example", "page": "-1", "q": "\x00"})
        if get.status_code >= 500:
            failures.append(("GET", url, get.status_code))
        fields = form_fields(get)
        names = sorted(set(fields) | set(ALWAYS_POSTED))
        public = not url.startswith("/admin/")
        for value in HOSTILE_VALUES if public else HOSTILE_VALUES[:1]:
            # Every field hostile at once.
            failures += post(client, url, dict.fromkeys(names, value))
        if not public or (route, tuple(sorted(fields))) in forms_attacked:
            continue  # the admin answers with its login page; a form once a route
        forms_attacked.add((route, tuple(sorted(fields))))
        for name in fields.keys() - {"csrfmiddlewaretoken", "website", "form_ts"}:
            for value in HOSTILE_VALUES[:3]:
                # One hostile field in an otherwise ordinary submission, so
                # the value reaches the code behind the form's own checks.
                failures += post(client, url, fields | {name: value})
    assert failures == []


def post(client, url: str, data: dict) -> list:
    cache.clear()  # rate limits would answer 429 before validation
    response = client.post(url, data | genuine_antispam())
    if response.status_code < 500:
        return []
    hostile = {k: v[:30] for k, v in data.items() if v in HOSTILE_VALUES}
    return [("POST", url, hostile, response.status_code)]


def test_the_walk_reaches_parametrised_and_regex_routes(content):
    urls = every_url()
    assert "/donate/legal-fund/" in urls
    assert "/admin/pages/99999999999999999999999/edit/" in urls
    assert any(url.startswith("/media/") for url in urls)
    assert any(url.startswith("/signup/confirm/") and "%0D%0A" in url for url in urls)
