"""Retention: comments and event descriptions are blanked after a set time; the numbers stay."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlmodel import Session

from storage import answered, queries
from storage.models import AuditEntry, Event, Rating, Workspace

ACTOR = "gallring"
_LEVEL_AND_COMMENT = re.compile(r"^(\d) – .*$", re.DOTALL)


@dataclass(frozen=True)
class PurgeReport:
    """How many texts were blanked."""

    comments: int
    descriptions: int
    audit: int

    @property
    def total(self) -> int:
        """All blanked texts."""
        return self.comments + self.descriptions + self.audit


def months_before(moment: datetime, months: int) -> datetime:
    """The same day `months` calendar months earlier (clamped to the month's end), at midnight UTC."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
                            31, 31, 30, 31, 30, 31][month])
    return datetime.combine(date(year, month + 1, day), time.min, tzinfo=UTC)


def purge(session: Session, *, workspace_id: int, before: datetime, now: datetime, actor: str = ACTOR) -> PurgeReport:
    """Blank comments, event descriptions and the same texts in the audit log for everything older."""
    comments = session.execute(update(Rating).where(
        Rating.workspace_id == workspace_id, Rating.reported_at < before, Rating.comment.is_not(None))
        .values(comment=None)).rowcount
    descriptions = session.execute(update(Event).where(
        Event.workspace_id == workspace_id, Event.reported_at < before,
        (Event.description.is_not(None)) | (Event.withdrawn_reason.is_not(None)))
        .values(description=None, withdrawn_reason=None)).rowcount
    audit = 0
    old = select(AuditEntry).where(AuditEntry.workspace_id == workspace_id, AuditEntry.at < before,
                                   AuditEntry.action.in_(("rating.set", "event.report", "event.change",
                                                          "event.withdraw")))
    for entry in session.execute(old).scalars():
        blanked = {"old_value": _blank(entry, entry.old_value), "new_value": _blank(entry, entry.new_value)}
        if (blanked["old_value"], blanked["new_value"]) != (entry.old_value, entry.new_value):
            entry.old_value, entry.new_value = blanked["old_value"], blanked["new_value"]
            audit += 1
    report = PurgeReport(comments, descriptions, audit)
    if report.total:
        queries.audit(session, workspace_id=workspace_id, at=now, actor=actor, action="retention.purge",
                      subject=f"före {before.date().isoformat()}", new=f"{comments} kommentarer, "
                      f"{descriptions} beskrivningar, {audit} loggrader")
    return report


def _blank(entry: AuditEntry, value: str | None) -> str | None:
    if value is None:
        return None
    if entry.action == "rating.set":
        match = _LEVEL_AND_COMMENT.match(value)
        return match.group(1) if match else value
    if entry.action == "event.change" and not entry.subject.endswith("beskrivning"):
        return value  # an area, type or time: not free text
    if entry.action == "event.withdraw":
        return "återkallad" if value not in ("aktiv", "återkallad") else value
    return None


def daily_purge(session: Session, *, now: datetime) -> list[str]:
    """Once a day per workspace (the clock calls this every minute): purge by the workspace's setting."""
    done = []
    for ws in session.execute(select(Workspace)).scalars():
        today = now.astimezone(ZoneInfo(ws.timezone)).date().isoformat()
        if ws.purged_on == today:
            continue
        report = purge(session, workspace_id=ws.id, before=months_before(now, ws.retention_months), now=now)
        answered.forget(session, workspace_id=ws.id, before=now - answered.KEEP)
        ws.purged_on = today
        if report.total:
            done.append(f"gallring {ws.key}: {report.total} texter")
    return done
