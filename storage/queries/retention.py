"""Retention's statements: blank old comments and event descriptions, find old audit rows, note the day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session

from storage.models import AuditEntry, Event, Rating, Workspace

TEXT_ACTIONS = ("rating.set", "event.report", "event.change", "event.withdraw")


def blank_comments(session: Session, *, workspace_ids: list[int], before: datetime) -> list[int]:
    """Blank rating comments older than `before`; the workspace id of each blanked row."""
    return list(session.execute(update(Rating).where(
        Rating.workspace_id.in_(workspace_ids), Rating.reported_at < before, Rating.comment.is_not(None))
        .values(comment=None).returning(Rating.workspace_id)).scalars())


def blank_descriptions(session: Session, *, workspace_ids: list[int], before: datetime) -> list[int]:
    """Blank event descriptions and withdrawal reasons older than `before`; the workspace id of each row."""
    return list(session.execute(update(Event).where(
        Event.workspace_id.in_(workspace_ids), Event.reported_at < before,
        (Event.description.is_not(None)) | (Event.withdrawn_reason.is_not(None)))
        .values(description=None, withdrawn_reason=None).returning(Event.workspace_id)).scalars())


def old_text_entries(session: Session, *, workspace_ids: list[int], before: datetime,
                     actions: tuple[str, ...] = ()) -> Iterator[AuditEntry]:
    """Audit rows older than `before` whose values may hold free text (to blank in place); `actions` adds the
    actions of a feature's own texts."""
    old = select(AuditEntry).where(AuditEntry.workspace_id.in_(workspace_ids), AuditEntry.at < before,
                                   AuditEntry.action.in_(TEXT_ACTIONS + tuple(actions)))
    yield from session.execute(old).scalars()


def mark_purged(session: Session, *, workspace_ids: list[int], day: str) -> None:
    """Remember the local date of the last retention run."""
    session.execute(update(Workspace).where(Workspace.id.in_(workspace_ids)).values(purged_on=day)
                    .execution_options(synchronize_session="fetch"))
