"""The weekly rhythm's own rows: weeks without a meeting, and members who turned their reminders off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlmodel import Session

from storage.models import ReminderMute, SkippedWeek, Workspace
from storage.queries import upsert


def all_workspaces(session: Session) -> list[Workspace]:
    """Every workspace, oldest first (the clock and the daily purge go through them all)."""
    return list(session.execute(select(Workspace).order_by(Workspace.id)).scalars())


def is_skipped(session: Session, *, workspace_id: int, year: int, week: int) -> bool:
    """A coordinator marked the week as having no meeting."""
    query = select(SkippedWeek.id).where(SkippedWeek.workspace_id == workspace_id, SkippedWeek.iso_year == year,
                                         SkippedWeek.iso_week == week)
    return session.execute(query).first() is not None


def skip(session: Session, *, workspace_id: int, year: int, week: int, user_id: str, now: datetime) -> None:
    """Mark a week as having no meeting."""
    session.add(SkippedWeek(workspace_id=workspace_id, iso_year=year, iso_week=week, skipped_by=user_id,
                            skipped_at=now))


def unskip(session: Session, *, workspace_id: int, year: int, week: int) -> bool:
    """Undo a skipped week; False when it was not skipped."""
    removed = session.execute(delete(SkippedWeek).where(SkippedWeek.workspace_id == workspace_id,
                                                        SkippedWeek.iso_year == year, SkippedWeek.iso_week == week))
    return bool(removed.rowcount)


def muted_users(session: Session, *, workspace_id: int) -> set[str]:
    """Members who turned reminders off."""
    query = select(ReminderMute.user_id).where(ReminderMute.workspace_id == workspace_id)
    return set(session.execute(query).scalars())


def mute(session: Session, *, workspace_id: int, user_id: str, now: datetime) -> None:
    """Turn a member's reminders off (again is harmless)."""
    upsert(session, ReminderMute, dict(workspace_id=workspace_id, user_id=user_id, muted_at=now),
           keys=("workspace_id", "user_id"), update=())


def unmute(session: Session, *, workspace_id: int, user_id: str) -> None:
    """Turn a member's reminders on again."""
    session.execute(delete(ReminderMute).where(ReminderMute.workspace_id == workspace_id,
                                               ReminderMute.user_id == user_id))
