"""The App Home: this week's grid for the viewer, what their organisation still has to do, recent alerts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from commands.core.context import Invocation, load_caller
from commands.core.reply import EventLine, WeekGrid
from commands.events.view import event_line
from commands.insats.focus import partner_followups, with_focus
from commands.insats.replies import InsatsLine
from commands.rating.week_grid import build_grid
from commands.rhythm.reminders import Reminder, missing_areas
from storage.queries import events as event_queries

RECENT_WEEKS, RECENT_EVENTS = 4, 5


@dataclass(frozen=True)
class Home:
    """What the Home tab shows; `known` False for people outside the collaboration."""

    known: bool
    grid: WeekGrid | None = None
    todo: Reminder | None = None
    partner: str | None = None
    recent_critical: tuple[EventLine, ...] = ()
    more_critical: int = 0  # critical events of those weeks not among the recent ones
    followups: tuple[InsatsLine, ...] = ()  # the viewer's partner's insatser due for follow-up


def home(inv: Invocation, session: Session) -> Home:
    """Build the Home tab for the viewer."""
    caller = load_caller(session, inv)
    if not caller.known:
        return Home(known=False)
    ws, week = caller.workspace, caller.assessment_week
    grid = with_focus(session, caller, build_grid(session, workspace_id=ws.id, week=week))
    todo = None
    if caller.partner is not None:
        missing, total = missing_areas(session, ws, caller.partner.id, week)
        todo = Reminder(inv.user_id, caller.partner.name, week, tuple(missing), total)
    weeks = [(w.year, w.week) for w in (week.shift(-i) for i in range(RECENT_WEEKS))]
    critical = [e for e in event_queries.events_for_weeks(session, workspace_id=ws.id, weeks=weeks) if e.critical]
    recent = tuple(event_line(session, ws, e) for e in critical[-RECENT_EVENTS:][::-1])
    followups = partner_followups(session, ws.id, caller.partner.id, caller.current_week) if caller.partner else ()
    return Home(True, grid, todo, caller.partner.name if caller.partner else None, recent,
                len(critical) - len(recent), followups)
