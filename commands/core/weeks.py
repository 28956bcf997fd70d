"""ISO weeks: parsing what users type, and which week is under assessment right now."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from commands.core.texts import t

MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


@dataclass(frozen=True, order=True)
class Week:
    """An ISO week."""

    year: int
    week: int

    @classmethod
    def of(cls, day: date) -> Week:
        """The ISO week a date falls in."""
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    def monday(self) -> date:
        """The Monday that starts the week."""
        return date.fromisocalendar(self.year, self.week, 1)

    def shift(self, weeks: int) -> Week:
        """The week `weeks` later (or earlier when negative)."""
        return Week.of(self.monday() + timedelta(weeks=weeks))

    def weeks_from(self, other: Week) -> int:
        """How many weeks this week lies after `other` (negative when before)."""
        return (self.monday() - other.monday()).days // 7

    @property
    def short(self) -> str:
        """`v46`."""
        return f"v{self.week}"

    def short_in(self, year: int) -> str:
        """`v46` when the week is in `year` (the current one), else `v52 2025`: the year named."""
        return self.short if self.year == year else f"{self.short} {self.year}"

    @property
    def label(self) -> str:
        """`vecka 46, 2026 (9–15 nov)`: what every reply says about its week."""
        start, end = self.monday(), self.monday() + timedelta(days=6)
        if start.month == end.month:
            span = f"{start.day}–{end.day} {MONTHS[end.month - 1]}"
        else:
            span = f"{start.day} {MONTHS[start.month - 1]}–{end.day} {MONTHS[end.month - 1]}"
        return t("week.label", week=self.week, year=self.year, span=span)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


class WeekError(ValueError):
    """A week the user typed that does not exist or is not allowed; the message is Swedish."""


def weeks_in_year(year: int) -> int:
    """52 or 53: the ISO week of 28 December."""
    return date(year, 12, 28).isocalendar().week


_FULL = re.compile(r"^(\d{4})-?w(\d{1,2})$")
_SHORT = re.compile(r"^(?:v|v\.|w|vecka)?(\d{1,2})$")
LAST_WEEK_WORDS = {"forra", "förra", "forra-veckan", "förra-veckan"}
THIS_WEEK_WORDS = {"denna", "nu", "aktuell"}


def parse_week(token: str, *, current: Week) -> Week | None:
    """Read `v46`, `46`, `2026-W46` or `förra`; None when the token is not a week at all."""
    text = token.strip().casefold()
    if text in LAST_WEEK_WORDS:
        return current.shift(-1)
    if text in THIS_WEEK_WORDS:
        return current
    full = _FULL.match(text)
    if full:
        return _checked(int(full.group(1)), int(full.group(2)))
    short = _SHORT.match(text)
    if not short:
        return None
    number = int(short.group(1))
    candidates = [Week(year, number) for year in (current.year - 1, current.year, current.year + 1)
                  if 1 <= year <= 9998 and 1 <= number <= weeks_in_year(year)]
    if not candidates:
        return _checked(current.year, number)  # raises: no year near now has that week
    # The nearest such week: `v52` in December is this year's, in January last year's; a tie goes to the past.
    return min(candidates, key=lambda w: (abs(w.weeks_from(current)), w > current))


def typed(week: Week, *, current: Week) -> str:
    """What to type for a week in a command: `v46` when that means it now, else `2025-W46`."""
    return week.short if parse_week(week.short, current=current) == week else str(week)


def _checked(year: int, number: int) -> Week:
    if not 1 <= year <= 9998:
        raise WeekError(t("week.bad_year", year=year))
    total = weeks_in_year(year)
    if not 1 <= number <= total:
        raise WeekError(t("week.no_such_week", number=number, year=year, total=total))
    return Week(year, number)


def local_week(now_local: datetime) -> Week:
    """The ISO week of a local date-time."""
    return Week.of(now_local.date())


def week_under_assessment(now_local: datetime, *, deadline_weekday: int, deadline_minute: int) -> Week:
    """Last week until this week's deadline (default Monday 10:00), this week after it."""
    current = local_week(now_local)
    deadline_day = current.monday() + timedelta(days=deadline_weekday)
    deadline = datetime.combine(deadline_day, datetime.min.time(), tzinfo=now_local.tzinfo) + timedelta(
        minutes=deadline_minute
    )
    return current.shift(-1) if now_local < deadline else current
