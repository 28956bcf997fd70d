"""The web view's pages as plain values: the week with its open alerts, an area's trend and events.

`WEEK_SECTIONS` is the extension point for what the meeting decides beside the grid (next week's
priorities, open insatser): a feature appends a function that returns a `PageSection` for a week, and
every surface that shows the week page (bot/web/) shows it under the grid, with no change there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session

from commands.core.reply import EventLine, Trend, TrendPoint, WeekGrid
from commands.core.weeks import Week
from commands.core.when import show
from commands.events.kinds import event_type
from commands.events.view import event_line
from commands.rating.week_grid import build_grid
from commands.year.table import YearTable, build_year_table
from storage import open_alerts, queries
from storage.models import Workspace
from storage.queries import events as event_queries

TREND_WEEKS = 12
ALERT_WEEKS = 4  # the banner lists unacknowledged critical events of the last four weeks


@dataclass(frozen=True)
class OpenAlert:
    """A critical event nobody has acknowledged: the week page's banner."""

    number: int
    type_name: str
    area: str
    when: str
    week: Week


@dataclass(frozen=True)
class PageSection:
    """A titled list under the week grid, contributed through `WEEK_SECTIONS` (priorities, insatser …)."""

    key: str  # a stable name for the section (`insatser`), used as its anchor
    title: str
    lines: tuple[str, ...]
    empty: str = ""  # what to say when there are no lines
    private: tuple[str, ...] = ()  # shown like comments: never on a kiosk link, folded away on the wall


SectionSource = Callable[[Session, int, Week], PageSection | None]
WEEK_SECTIONS: list[SectionSource] = []  # insatser and priorities plug in here (see the module docstring)


@dataclass(frozen=True)
class WeekPage:
    """The week grid (with last week's values in its rows), the open alerts and the extra sections."""

    grid: WeekGrid
    alerts: tuple[OpenAlert, ...]
    sections: tuple[PageSection, ...]


@dataclass(frozen=True)
class AreaPage:
    """One area: its trend against the collaboration's average and its events over the same weeks."""

    area_id: int
    trend: Trend
    events: tuple[EventLine, ...]


def open_alert_list(session: Session, workspace: Workspace, *, since: Week,
                    names: dict[int, str] | None = None) -> tuple[OpenAlert, ...]:
    """Unacknowledged critical events from `since` on (`names`: area names by id, when the caller has them)."""
    if names is None:
        names = {a.id: a.name for a in queries.active_areas(session, workspace_id=workspace.id)}
    tz = ZoneInfo(workspace.timezone)
    return tuple(OpenAlert(e.id, event_type(e.type_key).name, names.get(e.area_id, "?"),
                           show(e.occurred_at.astimezone(tz)), Week(e.iso_year, e.iso_week))
                 for e in open_alerts.unacknowledged_critical(session, workspace_id=workspace.id,
                                                              since_year_week=(since.year, since.week)))


def week_page(session: Session, *, workspace_id: int, week: Week, current: Week,
              names: dict[int, str] | None = None) -> WeekPage:
    """Everything the week page shows; `current` is the week it is now (the banner looks back from it);
    `names` are the active areas by id when the caller already has them."""
    workspace = session.get(Workspace, workspace_id)
    grid = build_grid(session, workspace_id=workspace_id, week=week)
    alerts = open_alert_list(session, workspace, since=current.shift(-(ALERT_WEEKS - 1)), names=names)
    sections = tuple(s for source in WEEK_SECTIONS if (s := source(session, workspace_id, week)) is not None)
    return WeekPage(grid, alerts, sections)


def area_page(session: Session, *, workspace_id: int, area_id: int, last: Week,
              count: int = TREND_WEEKS) -> AreaPage | None:
    """An active area's last `count` weeks up to `last`, with its events; None for an unknown area."""
    area = next((a for a in queries.active_areas(session, workspace_id=workspace_id) if a.id == area_id), None)
    if area is None:
        return None
    weeks = [last.shift(-offset) for offset in range(count - 1, -1, -1)]
    tables: dict[int, YearTable] = {year: build_year_table(session, workspace_id=workspace_id, year=year)
                                    for year in {w.year for w in weeks}}
    points = []
    for week in weeks:
        table = tables[week.year]
        values = [v for a in table.areas if (v := table.value(week.week, a)) is not None]
        points.append(TrendPoint(week, table.value(week.week, area.name),
                                 sum(values) / len(values) if values else None))
    workspace = session.get(Workspace, workspace_id)
    events = event_queries.events_for_weeks(session, workspace_id=workspace_id,
                                            weeks=[(w.year, w.week) for w in weeks])
    lines = tuple(event_line(session, workspace, e) for e in reversed(events) if e.area_id == area_id)
    return AreaPage(area.id, Trend(area.name, tuple(points)), lines)


