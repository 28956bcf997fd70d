"""The årssammanställning: one row per ISO week, one column per area, consolidated values."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session

from commands.core.texts import t
from commands.core.weeks import Week, weeks_in_year
from commands.rating.consolidate import consolidate
from storage import queries


@dataclass(frozen=True)
class AreaYear:
    """One area's year in numbers, for the text beside the picture."""

    area: str
    high_weeks: int  # weeks at 4 or 5
    critical_weeks: int  # weeks with a critical event
    worst_streak: int  # the longest run of consecutive weeks at 4 or 5
    assessed_weeks: int


@dataclass(frozen=True)
class YearTable:
    """Consolidated values per (week, area); None where nobody assessed the area that week."""

    year: int
    weeks: tuple[Week, ...]
    areas: tuple[str, ...]
    values: dict[tuple[int, str], int]  # (week number, area) → level
    critical: frozenset[tuple[int, str]]  # (week number, area) with a critical event

    def value(self, week: int, area: str) -> int | None:
        """The consolidated level of an area in a week, or None."""
        return self.values.get((week, area))

    @property
    def empty(self) -> bool:
        """No assessment at all this year."""
        return not self.values

    def area_years(self) -> tuple[AreaYear, ...]:
        """Per area: weeks at 4–5, weeks with critical events, the worst streak."""
        result = []
        for area in self.areas:
            streak = worst = high = assessed = 0
            for week in self.weeks:
                level = self.value(week.week, area)
                assessed += level is not None
                if level is not None and level >= 4:
                    high += 1
                    streak += 1
                    worst = max(worst, streak)
                else:
                    streak = 0
            critical = sum(1 for w, a in self.critical if a == area)
            result.append(AreaYear(area, high, critical, worst, assessed))
        return tuple(result)


def build_year_table(session: Session, *, workspace_id: int, year: int) -> YearTable:
    """Consolidate a whole year in three queries (ratings, agreed values, events)."""
    areas = queries.active_areas(session, workspace_id=workspace_id)
    names = {a.id: a.name for a in areas}
    partner_ids = {p.id for p in queries.active_partners(session, workspace_id=workspace_id)}
    levels: dict[tuple[int, int], list[int]] = defaultdict(list)
    for week, area_id, partner_id, level in queries.levels_for_year(session, workspace_id=workspace_id, year=year):
        if partner_id in partner_ids:
            levels[(week, area_id)].append(level)
    agreed = {(week, area_id): level
              for week, area_id, level in queries.agreed_for_year(session, workspace_id=workspace_id, year=year)}
    critical = {(week, area_id) for week, area_id in queries.critical_weeks(session, workspace_id=workspace_id,
                                                                            year=year)}
    values = {}
    for key in set(levels) | set(agreed) | critical:
        week, area_id = key
        if area_id not in names:
            continue  # a retired area
        value = consolidate(levels.get(key, ()), agreed=agreed.get(key), critical=key in critical)
        if value is not None:
            values[(week, names[area_id])] = value
    weeks = tuple(Week(year, n) for n in range(1, weeks_in_year(year) + 1))
    marked = frozenset((week, names[area_id]) for week, area_id in critical if area_id in names)
    return YearTable(year, weeks, tuple(a.name for a in areas), values, marked)


def summary_lines(table: YearTable) -> list[str]:
    """The text beside the picture: per area, weeks at 4–5, weeks with critical events, the worst streak."""
    if table.empty:
        return [t("year.summary.empty", year=table.year)]
    return [t("year.summary.area", area=a.area, high=weeks(a.high_weeks), critical=weeks(a.critical_weeks),
              streak=weeks(a.worst_streak)) for a in table.area_years()]


def weeks(count: int) -> str:
    """`1 vecka`, `3 veckor`."""
    return t("year.weeks.one" if count == 1 else "year.weeks.many", count=count)
