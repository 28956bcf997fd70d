"""The weekly rhythm, computed from the database each minute: what is due now, claimed exactly once.

Nothing here remembers anything between ticks: a restart, a second clock process or a schedule
changed in the database all behave the same, because every post is a unique claim (outbox key).
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from commands.calendar import scheduled_moment
from commands.reminders import claim_reminders
from commands.retention import daily_purge
from commands.summary import claim_summary
from commands.weeks import Week, week_under_assessment
from storage.models import SkippedWeek, Workspace

log = logging.getLogger("veckolage.schedule")


def is_skipped(session: Session, workspace_id: int, week: Week) -> bool:
    """A coordinator marked the week as having no meeting."""
    query = select(SkippedWeek.id).where(SkippedWeek.workspace_id == workspace_id, SkippedWeek.iso_year == week.year,
                                         SkippedWeek.iso_week == week.week)
    return session.execute(query).first() is not None


def reminder_slots(workspace: Workspace) -> list[tuple[int, int]]:
    """(weekday, minute) pairs from the stored `4:720,0:480`."""
    slots = []
    for part in filter(None, (workspace.reminder_slots or "").split(",")):
        day, _, minute = part.partition(":")
        slots.append((int(day), int(minute)))
    return slots


def tick(session: Session, *, now: datetime) -> list[str]:
    """Claim every post that is due now and not yet claimed; returns what was claimed (for the log)."""
    claimed = daily_purge(session, now=now)
    for workspace in session.execute(select(Workspace)).scalars():
        claimed += _summary(session, workspace, now) + _reminders(session, workspace, now)
    for line in claimed:
        log.info("Due now: %s", line)
    return claimed


def _summary(session: Session, workspace: Workspace, now: datetime) -> list[str]:
    local = now.astimezone(ZoneInfo(workspace.timezone))
    current = Week.of(local.date())
    due = scheduled_moment(current, workspace.summary_weekday, workspace.summary_minute, workspace.timezone)
    week = current.shift(-1)
    if local < due or is_skipped(session, workspace.id, week):
        return []
    return [f"sammanfattning {week}"] if claim_summary(session, workspace, week, now) else []


def _reminders(session: Session, workspace: Workspace, now: datetime) -> list[str]:
    local = now.astimezone(ZoneInfo(workspace.timezone))
    current = Week.of(local.date())
    claimed = []
    for day, minute in reminder_slots(workspace):
        planned = scheduled_moment(current, day, minute, workspace.timezone, move=False)
        assessed = _assessed(workspace, planned)
        due = scheduled_moment(current, day, minute, workspace.timezone)
        if _assessed(workspace, due) != assessed:  # moving past the holiday would miss the deadline: go earlier
            due = scheduled_moment(current, day, minute, workspace.timezone, earlier=True)
        # Too early, or so late that another week is under assessment: nothing to send for this slot.
        if local < due or _assessed(workspace, local) != assessed or is_skipped(session, workspace.id, assessed):
            continue
        count = claim_reminders(session, workspace, assessed, f"{day}-{minute}", now)
        if count:
            claimed.append(f"{count} påminnelser för {assessed}")
    return claimed


def _assessed(workspace: Workspace, local: datetime) -> Week:
    return week_under_assessment(local, deadline_weekday=workspace.deadline_weekday,
                                 deadline_minute=workspace.deadline_minute)
