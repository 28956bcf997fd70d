"""One area's consolidated value in one week, in one query: the hot path after every report."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from commands.consolidate import consolidate
from commands.weeks import Week
from storage import queries


@dataclass(frozen=True)
class AreaValue:
    """An area's consolidated value in a week and whether it is fastställd."""

    value: int | None
    agreed: bool


def area_value(session: Session, *, area_id: int, week: Week) -> AreaValue:
    """The consolidated value of one area-week in one query (the hot path after a report)."""
    agreed, highest, critical = queries.area_week(session, area_id=area_id, year=week.year, week=week.week)
    value = consolidate([highest] if highest is not None else [], agreed=agreed, critical=critical)
    return AreaValue(value, agreed is not None)
