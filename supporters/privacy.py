"""The personal-data registry: every app says what it holds about a person.

Interface:
    register(name, *, export, erase, order=100)
        export(supporter) -> JSON-able data (dict or list of dicts)
        erase(supporter)  -> None, or a list of sentences to tell the person
            (e.g. "your monthly gift has been cancelled"): delete or
            anonymise that app's rows
        Call it from your AppConfig.ready(). Lower ``order`` erases first; the
        supporters app itself erases last (order 1000), because deleting the
        Supporter row is the final step.
    data_export(*, supporter) -> dict        {name: data} over the registry
    data_export_csv(*, supporter) -> str     the same, flattened to CSV rows
    supporter_erase(*, supporter, source, suppress=True) -> list[str]
        Runs every eraser in one transaction and keeps only the suppression
        hash of the address, so it is never mailed again. Returns the
        erasers' sentences for the confirmation page or staff message.

Retention the law requires (written here and in the README):
    Gift Aid declarations and the donations they cover must be kept for six
    years after the end of the accounting period they relate to (HMRC, Income
    Tax Act 2007 / Finance Act 2003 record-keeping rules), so an erasure keeps
    the declaration (name, home address, the donation amounts and dates) until
    that period ends; ``GIFT_AID_RETENTION_YEARS`` is the number apps use.
    Other financial records keep amounts and dates with the identity removed.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from .addresses import email_mask

logger = logging.getLogger(__name__)

GIFT_AID_RETENTION_YEARS = 6


@dataclass(frozen=True)
class Section:
    name: str
    export: Callable
    erase: Callable
    order: int


_REGISTRY: dict[str, Section] = {}


def register(name: str, *, export: Callable, erase: Callable, order: int = 100):
    _REGISTRY[name] = Section(name=name, export=export, erase=erase, order=order)


def sections() -> list[Section]:
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.name))


def data_export(*, supporter) -> dict:
    data = {section.name: section.export(supporter) for section in sections()}
    # Round-trip through JSON so callers get plain types (dates as strings).
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _flatten(prefix: str, value, rows: list) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), item, rows)
    elif isinstance(value, list):
        if not value:
            rows.append((prefix, ""))
        for index, item in enumerate(value, start=1):
            _flatten(f"{prefix}[{index}]", item, rows)
    else:
        rows.append((prefix, "" if value is None else str(value)))


def data_export_csv(*, supporter) -> str:
    rows: list = []
    _flatten("", data_export(supporter=supporter), rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["field", "value"])
    for field, value in rows:
        # A spreadsheet would run a cell starting with = + - @ as a formula.
        if value[:1] in ("=", "+", "-", "@"):
            value = "'" + value
        writer.writerow([field, value])
    return out.getvalue()


@transaction.atomic
def supporter_erase(*, supporter, source: str, suppress: bool = True) -> list[str]:
    """``suppress=False`` only for people who never opted in (the retention
    task's unconfirmed sign-ups): there is no choice of theirs to remember."""
    from .models import Suppression
    from .services import suppression_add

    masked = email_mask(supporter.email)
    if suppress:
        suppression_add(email=supporter.email, reason=Suppression.Reason.ERASED)
    notes: list[str] = []
    for section in sections():
        notes += section.erase(supporter) or []
    logger.info("Erased supporter %s (%s)", masked, source)
    return notes
