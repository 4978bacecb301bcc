"""Money helpers: integer pence in the database, pounds for people.

No floats anywhere: amounts typed by people are parsed as decimal strings
into whole pence, and shown back as "£1,234" or "£12.50".
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

CURRENCY_SYMBOLS = {"GBP": "£"}
# Digits with optional pence: "10", "10.5", "10.50". No signs, exponents,
# thousands separators or currency symbols: the form explains what it wants.
AMOUNT_RE = re.compile(r"^\d{1,9}(\.\d{1,2})?$")


def pounds_to_pence(text: str) -> int:
    """Parse "12.50" into 1250; raise ValueError on anything else."""
    text = (text or "").strip()
    if not AMOUNT_RE.match(text):
        raise ValueError(text)
    return int(Decimal(text) * 100)


def format_pence(pence: int | None, currency: str = "GBP") -> str:
    """1250 -> "£12.50", 100000 -> "£1,000"."""
    pence = pence or 0
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}{symbol}{pounds:,}" + (f".{rest:02d}" if rest else "")


class PoundsFormField(forms.DecimalField):
    """Editors type pounds ("2500" or "12.50"); the model keeps pence."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(max_digits=12, decimal_places=2, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return Decimal(value) / 100
        return value

    def clean(self, value):
        value = super().clean(value)
        return None if value is None else int(value * 100)

    def has_changed(self, initial, data):
        try:
            return self.clean(data) != initial
        except ValidationError:
            return True


class PenceField(models.BigIntegerField):
    """An amount in pence, edited in pounds in forms."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PoundsFormField, **kwargs})
