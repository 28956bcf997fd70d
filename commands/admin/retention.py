"""Retention: comments and event descriptions are blanked after a set time; the numbers stay."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session

from commands.insats.retention import INSATS_TEXTS, insats_audit_blank
from storage import held_files, person_names, queries, signin_links
from storage.models import AuditEntry
from storage.queries import answered, retention, rhythm
from storage.queries import insats as insats_queries
from storage.queries.due import chunks

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
    return purge_many(session, {workspace_id: before}, now=now, actor=actor)[workspace_id]


def purge_many(session: Session, cutoffs: dict[int, datetime], *, now: datetime,
               actor: str = ACTOR) -> dict[int, PurgeReport]:
    """`purge` for many workspaces at once (workspace → cutoff): a few statements per distinct cutoff and
    chunk of workspaces, not a few per workspace (the daily run covers every workspace)."""
    comments, descriptions, audit = Counter(), Counter(), Counter()
    groups: dict[datetime, list[int]] = {}
    for workspace_id, before in cutoffs.items():
        groups.setdefault(before, []).append(workspace_id)
    for before, everyone in groups.items():
        for ids in chunks(sorted(everyone)):
            comments.update(retention.blank_comments(session, workspace_ids=ids, before=before))
            descriptions.update(retention.blank_descriptions(session, workspace_ids=ids, before=before))
            descriptions.update(insats_queries.blank_insats_texts(session, workspace_ids=ids, before=before))
            for entry in retention.old_text_entries(session, workspace_ids=ids, before=before,
                                                    actions=INSATS_TEXTS):
                blanked = {"old_value": _blank(entry, entry.old_value), "new_value": _blank(entry, entry.new_value)}
                if (blanked["old_value"], blanked["new_value"]) != (entry.old_value, entry.new_value):
                    entry.old_value, entry.new_value = blanked["old_value"], blanked["new_value"]
                    audit[entry.workspace_id] += 1
    reports = {}
    for workspace_id, before in cutoffs.items():
        report = reports[workspace_id] = PurgeReport(comments[workspace_id], descriptions[workspace_id],
                                                     audit[workspace_id])
        if report.total:
            queries.audit(session, workspace_id=workspace_id, at=now, actor=actor, action="retention.purge",
                          subject=f"före {before.date().isoformat()}", new=f"{report.comments} kommentarer, "
                          f"{report.descriptions} beskrivningar, {report.audit} loggrader")
    return reports


def _blank(entry: AuditEntry, value: str | None) -> str | None:
    if value is None:
        return None
    if entry.action == "rating.set":
        match = _LEVEL_AND_COMMENT.match(value)
        return match.group(1) if match else value
    if entry.action == "event.change" and not entry.subject.endswith("beskrivning"):
        return value  # an area, type or time: not free text
    if entry.action in INSATS_TEXTS:
        return insats_audit_blank(entry.action, entry.subject, value)
    if entry.action == "event.withdraw":
        return "återkallad" if value not in ("aktiv", "återkallad") else value
    return None


def daily_purge(session: Session, *, now: datetime) -> list[str]:
    """Once a day per workspace (the clock calls this every minute): purge by the workspace's setting."""
    due = []
    for ws in rhythm.all_workspaces(session):
        today = now.astimezone(ZoneInfo(ws.timezone)).date().isoformat()
        if ws.purged_on != today:
            due.append((ws, today))
    if not due:
        return []
    for ws, _ in due:
        answered.forget(session, workspace_id=ws.id, before=now - answered.KEEP)
    held_files.drop_expired(session, now=now)  # files nobody accepted (the offer also drops them)
    signin_links.drop_expired(session, now=now)
    for ws, _ in due:  # names of people who have not written to the bot within the retention
        person_names.forget_names(session, workspace_id=ws.id, before=months_before(now, ws.retention_months))
    reports = purge_many(session, {ws.id: months_before(now, ws.retention_months) for ws, _ in due}, now=now)
    for today in {day for _, day in due}:  # one statement per local date, not a flush of a thousand rows
        for ids in chunks([ws.id for ws, day in due if day == today]):
            retention.mark_purged(session, workspace_ids=ids, day=today)
    return [f"gallring {ws.key}: {reports[ws.id].total} texter" for ws, _ in due if reports[ws.id].total]
