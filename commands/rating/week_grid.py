"""Build the consolidated week grid from storage."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session

from commands.core.reply import AreaRow, Cell, Comment, MissingReport, WeekGrid
from commands.core.weeks import Week
from commands.events.view import event_lines, undelivered_warnings
from commands.rating.consolidate import consolidate, disagreement
from commands.year.import_csv import IMPORT_ACTOR
from storage import outbox, queries
from storage.models import Area, Partner, Workspace
from storage.queries import events as event_queries


def build_grid(session: Session, *, workspace_id: int, week: Week) -> WeekGrid:
    """Areas × partners for a week, consolidated, with last week's values for the change."""
    areas = queries.active_areas(session, workspace_id=workspace_id)
    partners = queries.active_partners(session, workspace_id=workspace_id)
    previous = week.shift(-1)
    weeks = [(week.year, week.week), (previous.year, previous.week)]
    ratings = queries.cells_for_weeks(session, workspace_id=workspace_id, weeks=weeks)
    agreed = queries.agreed_for_weeks(session, workspace_id=workspace_id, weeks=weeks)
    by_cell = {(r.iso_year, r.iso_week, r.area_id, r.partner_id): r for r in ratings}
    agreed_by = {(a.iso_year, a.iso_week, a.area_id): a.level for a in agreed}
    this_week = [a for a in agreed if (a.iso_year, a.iso_week) == (week.year, week.week)]
    imported = bool(this_week) and all(a.set_by == IMPORT_ACTOR for a in this_week) and not any(
        (r.iso_year, r.iso_week) == (week.year, week.week) for r in ratings)
    events = event_queries.events_for_weeks(session, workspace_id=workspace_id, weeks=weeks)
    critical = {(e.iso_year, e.iso_week, e.area_id) for e in events if e.critical}
    partner_ids = {p.id for p in partners}
    levels: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for r in ratings:
        if r.partner_id in partner_ids:
            levels[(r.iso_year, r.iso_week, r.area_id)].append(r.level)

    def value_of(w: Week, area: Area) -> int | None:
        key = (w.year, w.week, area.id)
        return consolidate(levels.get(key, ()), agreed=agreed_by.get(key), critical=key in critical)

    rows, comments = [], []
    for area in areas:
        cells = []
        for partner in partners:
            rating = by_cell.get((week.year, week.week, area.id, partner.id))
            cells.append(Cell(rating.level, rating.comment) if rating else Cell(None))
            if rating and rating.comment:
                comments.append(Comment(area.name, partner.name, rating.comment))
        key = (week.year, week.week, area.id)
        rows.append(AreaRow(
            area=area.name,
            cells=tuple(cells),
            value=value_of(week, area),
            agreed=key in agreed_by,
            previous=value_of(previous, area),
            disagreement=disagreement(levels.get(key, ())),
            critical=key in critical,
            agreed_level=agreed_by.get(key),
        ))
    workspace = session.get(Workspace, workspace_id)
    failed = outbox.failed(session, workspace_id=workspace_id, kinds=("alert.post",))
    missing = () if imported else _missing(partners, rows)
    return WeekGrid(week, tuple(p.name for p in partners), tuple(rows), missing, tuple(comments),
                    events=event_lines(session, workspace, week, events=events, failed=failed),
                    warnings=undelivered_warnings(session, workspace, failed=failed),
                    heads=tuple(p.short or p.name for p in partners), imported=imported)


def _missing(partners: list[Partner], rows: list[AreaRow]) -> tuple[MissingReport, ...]:
    total = len(rows)
    result = []
    for index, partner in enumerate(partners):
        missing = sum(1 for row in rows if row.cells[index].level is None)
        if missing:
            result.append(MissingReport(partner.name, missing, total))
    return tuple(result)
