"""Due-date rules: the date window, paydays, and reminder times across BST/GMT."""

import datetime

import pytest

from fundraising.pledges import schedule

D = datetime.date
UTC = datetime.UTC


def test_date_window_runs_from_tomorrow_to_six_months_ahead():
    assert schedule.date_window(D(2026, 11, 28)) == (D(2026, 11, 29), D(2027, 5, 28))


def test_six_months_from_the_31st_of_august_clamps_to_the_28th_of_february():
    assert schedule.date_window(D(2026, 8, 31))[1] == D(2027, 2, 28)


@pytest.mark.parametrize(
    ("today", "payday", "expected"),
    [
        (D(2026, 11, 10), 15, D(2026, 11, 15)),  # later this month
        (D(2026, 11, 15), 15, D(2026, 12, 15)),  # today is payday: the next one
        (D(2026, 11, 20), 15, D(2026, 12, 15)),
        (D(2026, 11, 5), 31, D(2026, 11, 30)),  # the 31st falls on the 30th
        (D(2026, 12, 31), 31, D(2027, 1, 31)),
        (D(2027, 2, 1), 31, D(2027, 2, 28)),  # and on the 28th in February
        (D(2028, 2, 1), 30, D(2028, 2, 29)),  # leap year
        (D(2026, 12, 20), 1, D(2027, 1, 1)),  # across the year end
    ],
)
def test_next_payday_by_day_of_month(today, payday, expected):
    assert schedule.next_payday(today, payday) == expected


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2026, 10, D(2026, 10, 30)),  # 31 Oct 2026 is a Saturday
        (2026, 5, D(2026, 5, 29)),  # 31 May is a Sunday
        (2026, 8, D(2026, 8, 28)),  # 31 Aug is the late summer bank holiday
        (2027, 12, D(2027, 12, 31)),  # a Friday, no holiday
        (2026, 12, D(2026, 12, 31)),  # Thursday 31 Dec is a working day
        (2021, 12, D(2021, 12, 31)),
        (2022, 12, D(2022, 12, 30)),  # Saturday 31st; 26/27 Dec were holidays
    ],
)
def test_last_working_day_skips_weekends_and_english_bank_holidays(
    year, month, expected
):
    assert schedule.last_working_day(year, month) == expected


def test_next_payday_last_working_day_when_today_is_that_day_moves_on():
    assert schedule.next_payday(D(2026, 10, 30), "last") == D(2026, 11, 30)
    assert schedule.next_payday(D(2026, 10, 29), "last") == D(2026, 10, 30)


@pytest.mark.parametrize("bad", [0, 32, -1, "15", None])
def test_payday_out_of_range_is_refused(bad):
    with pytest.raises(ValueError, match="1 to 31"):
        schedule.next_payday(D(2026, 11, 1), bad)


def test_reminders_are_at_nine_london_time_in_summer_and_winter():
    # BST (UTC+1) ends on Sunday 25 October 2026.
    first, second = schedule.reminder_times(D(2026, 10, 23))
    assert first == datetime.datetime(2026, 10, 23, 8, 0, tzinfo=UTC)  # BST
    assert second == datetime.datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # GMT
    assert second.astimezone(schedule.LONDON).hour == 9


def test_reminders_across_the_spring_change_keep_nine_oclock():
    # BST starts on Sunday 28 March 2027.
    first, second = schedule.reminder_times(D(2027, 3, 26))
    assert first == datetime.datetime(2027, 3, 26, 9, 0, tzinfo=UTC)  # GMT
    assert second == datetime.datetime(2027, 3, 29, 8, 0, tzinfo=UTC)  # BST
    assert [t.astimezone(schedule.LONDON).hour for t in (first, second)] == [9, 9]


def test_london_today_is_the_london_date_not_the_utc_date():
    # 23:30 UTC on 30 June is already 1 July in London (BST).
    late = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert schedule.london_today(late) == D(2026, 7, 1)
