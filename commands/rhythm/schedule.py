"""The weekly rhythm, computed from the database each minute: what is due now, claimed exactly once.

Nothing here remembers anything between ticks: a restart, a second clock process or a schedule
changed in the database all behave the same, because every post is a unique claim (outbox key).
"""

from __future__ import annotations

import logging
from datetime import datetime
from itertools import zip_longest
from zoneinfo import ZoneInfo

from sqlmodel import Session

from commands.admin.retention import daily_purge
from commands.core.weeks import Week, week_under_assessment
from commands.rhythm.calendar import scheduled_moment
from commands.rhythm.reminders import reminder_rows
from commands.rhythm.summary import summary_key, summary_row
from storage import outbox
from storage.models import Workspace
from storage.queries import rhythm
from storage.queries.due import reminder_facts, skipped_weeks

log = logging.getLogger("veckolage.schedule")


def is_skipped(session: Session, workspace_id: int, week: Week) -> bool:
    """A coordinator marked the week as having no meeting."""
    return rhythm.is_skipped(session, workspace_id=workspace_id, year=week.year, week=week.week)


def reminder_slots(workspace: Workspace) -> list[tuple[int, int]]:
    """(weekday, minute) pairs from the stored `4:720,0:480`."""
    slots = []
    for part in filter(None, (workspace.reminder_slots or "").split(",")):
        day, _, minute = part.partition(":")
        slots.append((int(day), int(minute)))
    return slots


def tick(session: Session, *, now: datetime) -> list[str]:
    """Claim every post that is due now and not yet claimed; returns what was claimed (for the log).

    Set-based: the schedule is worked out per workspace in Python, the facts are read for all workspaces
    in a few queries, and only claims not made yet are inserted (a tick over 1,000 workspaces stays well
    under a second). Rows go in round-robin — every workspace's first post, then every one's second … —
    so one workspace's thirty reminders do not queue ahead of the next workspace's summary. A workspace's
    first reminder goes before its summary: Slack paces each workspace's conversations.open, so the
    reminders are the longest chain and start first; the summary goes out while they wait."""
    claimed = daily_purge(session, now=now)
    workspaces = rhythm.all_workspaces(session)
    summaries = [(ws, week) for ws in workspaces if (week := _summary(ws, now)) is not None]
    reminders = [(ws, week, slot) for ws in workspaces for week, slot in _reminders(ws, now)]
    if not summaries and not reminders:
        return claimed
    skipped = skipped_weeks(session, {ws.id for ws, *_ in summaries + reminders})
    summaries = [(ws, week) for ws, week in summaries if (ws.id, week.year, week.week) not in skipped]
    reminders = [(ws, week, slot) for ws, week, slot in reminders if (ws.id, week.year, week.week) not in skipped]
    facts = reminder_facts(session, {ws.id for ws, *_ in reminders}, {(w.year, w.week) for _, w, _ in reminders})
    queues: dict[int, list[dict]] = {}
    slots = [(ws, week, reminder_rows(facts, ws.id, week, slot)) for ws, week, slot in reminders]
    for ws, _, rows in slots:
        queues.setdefault(ws.id, []).extend(rows)
    for ws, week in summaries:  # behind the first reminder, whose conversations.open starts the slowest chain
        if (row := summary_row(ws, week)) is not None:
            queues.setdefault(ws.id, []).insert(1, row)
    rows = [row for turn in zip_longest(*queues.values()) for row in turn if row is not None]
    known = outbox.existing_keys(session, [row["key"] for row in rows])
    new = set(outbox.add_all_once(session, [row for row in rows if row["key"] not in known], now=now))
    for ws, week in summaries:
        if summary_key(ws, week) in new:
            claimed.append(f"sammanfattning {week}")
    for _, week, rows in slots:
        if count := sum(1 for row in rows if row["key"] in new):
            claimed.append(f"{count} påminnelser för {week}")
    for line in claimed:
        log.info("Due now: %s", line)
    return claimed


def _summary(workspace: Workspace, now: datetime) -> Week | None:
    """The week whose summary is due now (last week, from its scheduled moment on)."""
    local = now.astimezone(ZoneInfo(workspace.timezone))
    current = Week.of(local.date())
    due = scheduled_moment(current, workspace.summary_weekday, workspace.summary_minute, workspace.timezone)
    return current.shift(-1) if local >= due else None


def _reminders(workspace: Workspace, now: datetime) -> list[tuple[Week, str]]:
    """(week under assessment, slot) of every reminder slot that is due now."""
    local = now.astimezone(ZoneInfo(workspace.timezone))
    current = Week.of(local.date())
    due_now = []
    for day, minute in reminder_slots(workspace):
        planned = scheduled_moment(current, day, minute, workspace.timezone, move=False)
        assessed = _assessed(workspace, planned)
        due = scheduled_moment(current, day, minute, workspace.timezone)
        if _assessed(workspace, due) != assessed:  # moving past the holiday would miss the deadline: go earlier
            due = scheduled_moment(current, day, minute, workspace.timezone, earlier=True)
        # Too early, or so late that another week is under assessment: nothing to send for this slot.
        if local < due or _assessed(workspace, local) != assessed:
            continue
        due_now.append((assessed, f"{day}-{minute}"))
    return due_now


def _assessed(workspace: Workspace, local: datetime) -> Week:
    return week_under_assessment(local, deadline_weekday=workspace.deadline_weekday,
                                 deadline_minute=workspace.deadline_minute)
