"""What a valid pledge is: amount and "when", checked the same way by the form
and by the services (so a caller that skips the form cannot slip past).

Every problem is a ``ValidationError`` keyed by the form field it concerns,
with a message a supporter can act on.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from fundraising.money import format_pence

from . import schedule
from .models import Pledge

When = Pledge.When


def amount_limits() -> tuple[int, int]:
    """The same limits as a card gift on the donate form."""
    return (
        getattr(settings, "DONATION_MIN_PENCE", 100),
        getattr(settings, "DONATION_MAX_PENCE", 1_000_000),
    )


def amount_check(pence) -> int:
    low, high = amount_limits()
    if not isinstance(pence, int) or isinstance(pence, bool):
        raise ValidationError({"amount": "Enter an amount in pounds, like 25."})
    if pence < low:
        raise ValidationError(
            {"amount": f"The smallest pledge we can take is {format_pence(low)}."}
        )
    if pence > high:
        raise ValidationError(
            {
                "amount": f"For pledges over {format_pence(high)}, please contact "
                "us so we can arrange a bank transfer."
            }
        )
    return pence


def payday_parse(value) -> int | str:
    """ "1".."31" -> int, "last" -> "last"; ValidationError otherwise."""
    text = str(value or "").strip().lower()
    if text == schedule.LAST_WORKING_DAY:
        return text
    if text.isdigit() and 1 <= int(text) <= 31:
        return int(text)
    raise ValidationError(
        {"payday": "Choose a payday from the 1st to the 31st, or the last working day."}
    )


@dataclass(frozen=True)
class WhenChoice:
    """A checked "when": the due date (None for a milestone not yet reached)."""

    when: str
    due_date: datetime.date | None = None
    payday: str = ""
    milestone_key: uuid.UUID | None = None
    milestone_title: str = ""


def when_check(
    *,
    when: str,
    today: datetime.date,
    due_date: datetime.date | None = None,
    payday=None,
    milestone_key=None,
    milestones: dict | None = None,
) -> WhenChoice:
    """Check a "when" against today's London date and the campaign's
    milestones (``{key: title}``: only these may be chosen)."""
    if when == When.DATE:
        if not isinstance(due_date, datetime.date):
            raise ValidationError({"due_date": "Choose the date you'd like to give."})
        first, last = schedule.date_window(today)
        if due_date < first:
            raise ValidationError({"due_date": "Choose a date from tomorrow onwards."})
        if due_date > last:
            raise ValidationError(
                {"due_date": f"Choose a date within six months, by {last:%-d %B %Y}."}
            )
        return WhenChoice(when=when, due_date=due_date)
    if when == When.PAYDAY:
        day = payday_parse(payday)
        return WhenChoice(
            when=when, due_date=schedule.next_payday(today, day), payday=str(day)
        )
    if when == When.MILESTONE:
        try:
            key = uuid.UUID(str(milestone_key))
        except (TypeError, ValueError):
            key = None
        if key is None or key not in (milestones or {}):
            raise ValidationError(
                {"milestone": "Choose one of this campaign's milestones."}
            )
        return WhenChoice(
            when=when, milestone_key=key, milestone_title=milestones[key][:200]
        )
    raise ValidationError({"when": "Choose when you'd like to give."})
