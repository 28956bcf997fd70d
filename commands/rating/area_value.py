"""One area's consolidated value in one week, and the word the grid uses for it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from commands.core.texts import t
from commands.core.weeks import Week
from commands.rating.consolidate import consolidate
from storage import queries


@dataclass(frozen=True)
class AreaValue:
    """An area's consolidated value in a week, whether it is fastställd, and whether an event forces it."""

    value: int | None
    agreed: bool
    critical: bool = False
    agreed_level: int | None = None  # the fastställd value, which a critical event may lift

    @classmethod
    def of(cls, agreed: int | None, highest: int | None, critical: bool) -> AreaValue:
        """From the fastställd value, the highest active partner's rating and a critical event."""
        value = consolidate([highest] if highest is not None else [], agreed=agreed, critical=critical)
        return cls(value, agreed is not None, critical, agreed)

    @property
    def status(self) -> str:
        """fastställd, kritisk händelse (with what was fastställt below it), föreslagen or ingen bedömning."""
        return status_text(self.value, agreed=self.agreed, critical=self.critical, agreed_level=self.agreed_level)


def status_text(value: int | None, *, agreed: bool, critical: bool, agreed_level: int | None = None) -> str:
    """How the grid names a consolidated value; a critical event above the fastställd value says both."""
    if agreed and critical and agreed_level is not None and value != agreed_level:
        return t("grid.status.critical_over_agreed", agreed=agreed_level)
    if agreed:
        return t("grid.status.agreed")
    if critical:
        return t("grid.status.critical")  # at least 5 because of the event, whatever partners said
    return t("grid.status.none") if value is None else t("grid.status.proposed")


def area_value(session: Session, *, area_id: int, week: Week) -> AreaValue:
    """The consolidated value of one area-week in one query (the hot path after a report)."""
    return AreaValue.of(*queries.area_week(session, area_id=area_id, year=week.year, week=week.week))
