"""The risk calendar: dates that need planning. Rule-based defaults are computed; local ones are stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from sqlmodel import Session

from commands.core.texts import t
from commands.core.weeks import MONTHS, Week
from commands.core.when import WEEKDAYS
from storage.queries import insats as insats_queries


@dataclass(frozen=True)
class RiskDay:
    """A date that needs planning; `holiday` names the public holiday it falls on, if any."""

    day: date
    name: str
    local: bool = False
    approximate: bool = False
    holiday: str | None = None

    @property
    def week(self) -> Week:
        """The ISO week it falls in."""
        return Week.of(self.day)

    def text(self) -> str:
        """`Valborg (tor 30 apr)`, `Halloween (lör 31 okt, Alla helgons dag)`, `Skolavslutning (ca fre 12 jun)`."""
        when = f"{WEEKDAYS[self.day.weekday()]} {self.day.day} {MONTHS[self.day.month - 1]}"
        when = t("insats.risk.approximately", when=when) if self.approximate else when
        shown = self.holiday if self.holiday and self.holiday != self.name else None
        return f"{self.name} ({when}, {shown})" if shown else f"{self.name} ({when})"


@lru_cache(maxsize=16)
def _holidays(year: int) -> dict[date, str]:
    """Swedish public and de facto holidays by their Swedish names (the `holidays` package)."""
    found = holidays.country_holidays("SE", years=year, language="sv", categories=("public", "de_facto"))
    return {day: name for day, name in found.items() if name != "Söndag"}


def _weekday_in(year: int, week: int, weekday: int) -> date:
    return date.fromisocalendar(year, week, weekday)


@lru_cache(maxsize=16)
def default_days(year: int) -> tuple[RiskDay, ...]:
    """The shipped defaults of a year. Exact: Valborg, midsommarafton, Halloween, nyårsafton. Approximate
    (they differ by municipality and year; add the real dates locally): studentveckan, skolavslutning and the
    school holidays as Stockholm has them (sportlov v9, påsklov the week after Easter, höstlov v44).
    The `holidays` package has no Swedish school holidays."""
    marks = _holidays(year)
    midsummer_eve = next(d for d in (date(year, 6, 19) + timedelta(days=i) for i in range(7)) if d.weekday() == 4)
    easter_monday = next((d for d, n in marks.items() if n == "Annandag påsk"), None)
    days = [
        (date(year, 4, 30), "valborg", False),
        (midsummer_eve, "midsommarafton", False),
        (date(year, 10, 31), "halloween", False),
        (date(year, 12, 31), "nyarsafton", False),
        (_weekday_in(year, 23, 1), "studentveckan", True),
        (_weekday_in(year, 24, 5), "skolavslutning", True),
        (_weekday_in(year, 9, 1), "sportlov", True),
        (_weekday_in(year, 44, 1), "hostlov", True),
    ]
    if easter_monday is not None:
        days.append((easter_monday + timedelta(days=7), "pasklov", True))
    return tuple(sorted((RiskDay(d, t(f"insats.risk.name.{name}"), approximate=approx, holiday=marks.get(d))
                         for d, name, approx in days), key=lambda r: r.day))


def risk_days(session: Session, workspace_id: int, first: date, last: date) -> list[RiskDay]:
    """Defaults and local dates between two dates (inclusive), by date."""
    found = [r for year in range(first.year, last.year + 1) for r in default_days(year) if first <= r.day <= last]
    for row in insats_queries.risk_dates(session, workspace_id=workspace_id):
        day = date.fromisoformat(row.day)
        if first <= day <= last:
            found.append(RiskDay(day, row.name, local=True, holiday=_holidays(day.year).get(day)))
    return sorted(found, key=lambda r: (r.day, r.name))


def risks_in_week(session: Session, workspace_id: int, week: Week) -> list[RiskDay]:
    """The risk dates of one ISO week."""
    return risk_days(session, workspace_id, week.monday(), week.monday() + timedelta(days=6))
