"""What the meeting decided, in a few lines for the grid, the summary, App Home and the reminders."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from sqlmodel import Session

from commands.core.reply import WeekGrid
from commands.core.spans import Text, Typed, rich
from commands.core.texts import t
from commands.core.weeks import Week
from commands.insats.common import is_open, line, names, overdue
from commands.insats.replies import Decisions, InsatsLine
from commands.insats.risk_calendar import risks_in_week
from storage.queries import insats as insats_queries

AREA_LINES = 20  # the summary's thread lists at most this many areas' open insatser (the design's maximum)


def priority_lines(session: Session, workspace_id: int, weeks: tuple[Week, ...],
                   areas: dict[int, str] | None = None) -> list[Text]:
    """`🎯 Prioriterat v48: Vällingby (torget), Grimsta` for each week that has priorities (one query)."""
    found = insats_queries.priorities(session, workspace_id=workspace_id, weeks=[(w.year, w.week) for w in weeks])
    if not found:
        return []
    if areas is None or any(p.area_id not in areas for p in found):  # a retired area: read every name
        areas = names(session, workspace_id)[0]
    lines = []
    for week in weeks:
        chosen = [p for p in found if (p.iso_year, p.iso_week) == (week.year, week.week)]
        if chosen:
            lines.append(t("insats.focus.priorities", week=week.short, areas=", ".join(
                areas.get(p.area_id, "?") + (f" ({p.place})" if p.place else "") for p in chosen)))
    return lines


def decisions(session: Session, workspace_id: int, *, now_week: Week, shown_week: Week,
              announce: Week | None = None, detail: bool = False, areas: dict[int, str] | None = None) -> Decisions:
    """The lines for a grid of `shown_week` seen in `now_week`; `announce`: a week whose risk dates to name;
    `detail`: also the open insatser per area and the overdue ones (the summary's thread)."""
    weeks = tuple(sorted({shown_week, now_week, now_week.shift(1)}))
    top = priority_lines(session, workspace_id, weeks, areas)
    count, in_areas, late = insats_queries.open_counts(session, workspace_id=workspace_id,
                                                       now_week=now_week.year * 100 + now_week.week)
    if count:
        top.append(rich("insats.focus.open", count=count, areas=in_areas,
                        late=t("insats.focus.late", count=late) if late else "", command=Typed("insats lista")))
    if announce is not None:
        risks = risks_in_week(session, workspace_id, announce)
        if risks:
            top.append(t("insats.focus.risk", week=announce.short, risks=", ".join(r.text() for r in risks)))
    if not detail or not count:
        return Decisions(tuple(top))
    found = insats_queries.insatser(session, workspace_id=workspace_id, open_only=True)
    areas, partners = names(session, workspace_id)
    late = [i for i in found if overdue(i, now_week)]
    counts = Counter(i.area_id for i in found)
    per_area = []
    for area_id, _ in sorted(counts.items(), key=lambda item: -item[1])[:AREA_LINES]:
        items = [line(i, areas, partners, now_week) for i in found if i.area_id == area_id]
        per_area.append(t("insats.focus.area", area=areas.get(area_id, "?"), items="; ".join(
            f"#{i.number} {i.what or '–'} ({i.partner}, {i.weeks})" for i in items[:5]))
            + (t("insats.focus.area_more", count=len(items) - 5) if len(items) > 5 else ""))
    return Decisions(tuple(top), tuple(per_area), tuple(line(i, areas, partners, now_week) for i in late))


def partner_followups(session: Session, workspace_id: int, partner_id: int, now_week: Week) -> tuple[InsatsLine, ...]:
    """A partner's open insatser whose follow-up is due (this week or earlier): for its members' reminders."""
    areas, partners = names(session, workspace_id)
    found = insats_queries.insatser(session, workspace_id=workspace_id, open_only=True, partner_id=partner_id)
    return tuple(line(i, areas, partners, now_week) for i in found
                 if is_open(i) and i.followup_week <= now_week.year * 100 + now_week.week)


def with_focus(session: Session, caller, grid: WeekGrid) -> WeekGrid:
    """The grid with the meeting's decisions on top (priorities, open insatser) as the caller sees them now."""
    found = decisions(session, caller.workspace.id, now_week=caller.current_week, shown_week=grid.week,
                      areas={a.id: a.name for a in caller.areas})
    return replace(grid, focus=found.top) if found.top else grid
