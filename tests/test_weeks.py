"""ISO weeks: what users type, 52/53-week years, and the week under assessment around the deadline."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from commands.core.weeks import Week, WeekError, parse_week, week_under_assessment, weeks_in_year

STHLM = ZoneInfo("Europe/Stockholm")
CURRENT = Week(2026, 47)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("v46", Week(2026, 46)),
        ("V46", Week(2026, 46)),
        ("46", Week(2026, 46)),
        ("v.46", Week(2026, 46)),
        ("2026-W46", Week(2026, 46)),
        ("2026w46", Week(2026, 46)),
        ("förra", Week(2026, 46)),
        ("forra", Week(2026, 46)),
        ("FÖRRA", Week(2026, 46)),
        ("v48", Week(2026, 48)),  # one week ahead: still this year
        ("v49", Week(2026, 49)),  # the nearest week 49 is this year's, two weeks ahead (not 2025's)
        ("v30", Week(2026, 30)),  # 17 weeks back is nearer than 2027's week 30
        ("v10", Week(2027, 10)),  # 16 weeks ahead is nearer than 37 back
        ("2026-W53", Week(2026, 53)),
    ],
)
def test_parse_week(typed: str, expected: Week) -> None:
    assert parse_week(typed, current=CURRENT) == expected


@pytest.mark.parametrize("typed", ["Vällingby", "v", "3x", "2026-46", "", "w"])
def test_not_a_week(typed: str) -> None:
    assert parse_week(typed, current=CURRENT) is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-W54", "Vecka 54 finns inte år 2026 (2026 har 53 veckor)."),
        ("v54", "Vecka 54 finns inte år 2026 (2026 har 53 veckor)."),
        ("2025-W53", "Vecka 53 finns inte år 2025 (2025 har 52 veckor)."),
        ("v0", "Vecka 0 finns inte år 2026 (2026 har 53 veckor)."),
    ],
)
def test_week_that_does_not_exist(typed: str, message: str) -> None:
    with pytest.raises(WeekError) as error:
        parse_week(typed, current=CURRENT)
    assert str(error.value) == message


def test_v53_in_january_after_a_53_week_year() -> None:
    assert parse_week("v53", current=Week(2027, 2)) == Week(2026, 53)
    assert parse_week("v52", current=Week(2027, 2)) == Week(2026, 52)
    assert parse_week("förra", current=Week(2027, 1)) == Week(2026, 53)


@pytest.mark.parametrize(
    ("current", "typed", "expected"),
    [
        (Week(2026, 49), "v52", Week(2026, 52)),  # the README's hoppa-över v52 in December: this year
        (Week(2026, 49), "v51", Week(2026, 51)),
        (Week(2026, 49), "v53", Week(2026, 53)),
        (Week(2026, 49), "v1", Week(2027, 1)),  # five weeks ahead beats 48 weeks back
        (Week(2026, 49), "v22", Week(2027, 22)),  # 26 weeks ahead is nearer than 27 back
        (Week(2026, 49), "v23", Week(2026, 23)),  # 26 weeks back is nearer than 27 ahead
        (Week(2026, 3), "v29", Week(2025, 29)),  # 26 weeks either way: a tie goes to the past
        (Week(2027, 2), "v52", Week(2026, 52)),  # in January, last year's
        (Week(2027, 2), "v5", Week(2027, 5)),
        (Week(2027, 1), "v53", Week(2026, 53)),
    ],
)
def test_a_bare_number_is_the_nearest_such_week(current: Week, typed: str, expected: Week) -> None:
    assert parse_week(typed, current=current) == expected


def test_weeks_in_year() -> None:
    assert weeks_in_year(2026) == 53
    assert weeks_in_year(2023) == 52
    assert weeks_in_year(2020) == 53


def test_label_names_the_week_and_its_days() -> None:
    assert Week(2026, 47).label == "vecka 47, 2026 (16–22 nov)"
    assert Week(2026, 53).label == "vecka 53, 2026 (28 dec–3 jan)"
    assert str(Week(2026, 7)) == "2026-W07"


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 11, 23, 9, 59, tzinfo=STHLM), Week(2026, 47)),  # Monday before 10:00: last week
        (datetime(2026, 11, 23, 10, 0, tzinfo=STHLM), Week(2026, 48)),  # at the deadline: this week
        (datetime(2026, 11, 22, 23, 59, tzinfo=STHLM), Week(2026, 47)),  # Sunday night
        (datetime(2027, 1, 4, 8, 0, tzinfo=STHLM), Week(2026, 53)),  # across the year
    ],
)
def test_week_under_assessment(local: datetime, expected: Week) -> None:
    assert week_under_assessment(local, deadline_weekday=0, deadline_minute=600) == expected


def test_deadline_on_tuesday() -> None:
    monday = datetime(2026, 11, 23, 15, 0, tzinfo=STHLM)
    assert week_under_assessment(monday, deadline_weekday=1, deadline_minute=12 * 60) == Week(2026, 47)
