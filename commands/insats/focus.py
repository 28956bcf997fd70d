"""What the meeting decided, in a few lines for the grid, the summary, App Home and the reminders."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from sqlmodel import Session

from commands.insats.common import is_open, line, names, overdue
from commands.insats.priorities import priority_text
from commands.insats.replies import Decisions, InsatsLine
from commands.insats.risk_calendar import risks_in_week
from commands.reply import WeekGrid
from commands.spans import Text, Typed, rich
from commands.texts import t
from commands.weeks import Week
from storage import insats_queries

AREA_LINES = 20  # the summary's thread lists at most this many areas' open insatser (the design's maximum)


def priority_lines(session: Session, workspace_id: int, weeks: tuple[Week, ...]) -> list[Text]:
    """`🎯 Prioriterat v48: Vällingby (torget), Grimsta` for each week that has priorities."""
    return [t("insats.focus.priorities", week=w.short, areas=text) for w in weeks
            if (text := priority_text(session, workspace_id, w))]


def decisions(session: Session, workspace_id: int, *, now_week: Week, shown_week: Week,
              announce: Week | None = None) -> Decisions:
    """The lines for a grid of `shown_week` seen in `now_week`; `announce`: a week whose risk dates to name."""
    weeks = tuple(sorted({shown_week, now_week, now_week.shift(1)}))
    top = priority_lines(session, workspace_id, weeks)
    found = insats_queries.insatser(session, workspace_id=workspace_id, open_only=True)
    late = [i for i in found if overdue(i, now_week)]
    if found:
        top.append(rich("insats.focus.open", count=len(found), areas=len({i.area_id for i in found}),
                        late=t("insats.focus.late", count=len(late)) if late else "",
                        command=Typed("insats lista")))
    if announce is not None:
        risks = risks_in_week(session, workspace_id, announce)
        if risks:
            top.append(t("insats.focus.risk", week=announce.short, risks=", ".join(r.text() for r in risks)))
    areas, partners = names(session, workspace_id)
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
    found = decisions(session, caller.workspace.id, now_week=caller.current_week, shown_week=grid.week)
    return replace(grid, focus=found.top) if found.top else grid
