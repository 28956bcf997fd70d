"""Working days: Swedish public holidays (the `holidays` package) and the de facto days off."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from commands.core.weeks import Week


@lru_cache(maxsize=32)
def _public_holidays(year: int) -> frozenset[date]:
    days = set(holidays.country_holidays("SE", years=year, include_sundays=False))
    # Not public holidays by law, but nobody holds a lägesbild meeting on them.
    days |= {date(year, 12, 24), date(year, 12, 31)}
    days |= {d - timedelta(days=1) for d in days if d.month == 6 and d.weekday() == 5 and 20 <= d.day <= 26}
    return frozenset(days)


def is_holiday(day: date) -> bool:
    """A Swedish public holiday, or midsummer eve, Christmas Eve or New Year's Eve."""
    return day in _public_holidays(day.year)


def next_working_day(day: date, *, step: int = 1) -> date:
    """The day itself unless it is a holiday; else the next (step -1: previous) weekday that is not one."""
    if not is_holiday(day):
        return day
    day += timedelta(days=step)
    while day.weekday() >= 5 or is_holiday(day):
        day += timedelta(days=step)
    return day


def scheduled_moment(week: Week, weekday: int, minute: int, timezone: str, *, move: bool = True,
                     earlier: bool = False) -> datetime:
    """When a weekly post falls in a given week (local time, DST-correct), moved off holidays:
    to the next working day, or the previous one when `earlier`."""
    day = week.monday() + timedelta(days=weekday)
    if move:
        day = next_working_day(day, step=-1 if earlier else 1)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=ZoneInfo(timezone))
