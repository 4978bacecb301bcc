"""When a pledge falls due, and when its reminders go out.

Pure date arithmetic, no database: the rules the form validates against and
the services schedule with.

- A chosen date runs from tomorrow to six calendar months ahead (London dates).
- "My next payday" is a day of the month (1 to 31) or the last working day.
  A day the month does not have falls on its last day (the 31st on the 30th,
  or on the 28th/29th in February); the last working day steps back over
  weekends and England-and-Wales bank holidays (the ``holidays`` package).
  The next payday is strictly after today, because a pledge is for later.
- Reminders go out at 09:00 Europe/London on the due day and three days
  later. The wall-clock time is kept across the BST/GMT change, so the UTC
  instant moves by an hour (08:00Z in summer, 09:00Z in winter).
"""

from __future__ import annotations

import calendar
import datetime
from functools import cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
REMINDER_TIME = datetime.time(9, 0)
REMINDER_GAP_DAYS = 3  # the second reminder, after the due day
REMINDER_COUNT = 2
MAX_MONTHS_AHEAD = 6
LAST_WORKING_DAY = "last"  # the payday choice that is not a day number


def london_today(now: datetime.datetime | None = None) -> datetime.date:
    now = now or datetime.datetime.now(datetime.UTC)
    return now.astimezone(LONDON).date()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, clamped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, _month_length(year, month)))


def _month_length(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def date_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last date a supporter may choose."""
    return today + datetime.timedelta(days=1), add_months(today, MAX_MONTHS_AHEAD)


@cache
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def last_working_day(year: int, month: int) -> datetime.date:
    day = datetime.date(year, month, _month_length(year, month))
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def payday_in_month(year: int, month: int, payday: int | str) -> datetime.date:
    """The payday in a given month: a day number (clamped) or the last working
    day."""
    if payday == LAST_WORKING_DAY:
        return last_working_day(year, month)
    if not isinstance(payday, int) or not 1 <= payday <= 31:
        raise ValueError("A payday is a day from 1 to 31, or the last working day.")
    return datetime.date(year, month, min(payday, _month_length(year, month)))


def next_payday(today: datetime.date, payday: int | str) -> datetime.date:
    """The first payday strictly after ``today``."""
    year, month = today.year, today.month
    for _ in range(3):  # this month or the next always has one
        candidate = payday_in_month(year, month, payday)
        if candidate > today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise AssertionError("unreachable: a payday always falls within two months")


def reminder_at(day: datetime.date) -> datetime.datetime:
    """09:00 London time on ``day``, as an aware UTC datetime."""
    local = datetime.datetime.combine(day, REMINDER_TIME, tzinfo=LONDON)
    return local.astimezone(datetime.UTC)


def reminder_times(due: datetime.date) -> list[datetime.datetime]:
    """Both reminders for a pledge due on ``due``: the day and three days on."""
    return [
        reminder_at(due),
        reminder_at(due + datetime.timedelta(days=REMINDER_GAP_DAYS)),
    ]
