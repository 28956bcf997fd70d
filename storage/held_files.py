"""Held files: keep a file for one person until they accept it, hand it out once, forget it when it expires."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlmodel import Session

from storage.models import HeldFile

LEASE = timedelta(minutes=2)  # an upload that has not finished by then (a crash) may be tried again


def hold(session: Session, *, workspace_id: int, user_id: str, token_hash: str, filename: str, content: bytes,
         now: datetime, expires_at: datetime) -> HeldFile:
    """Keep a new file (and drop every expired one while at it)."""
    drop_expired(session, now=now)
    held = HeldFile(workspace_id=workspace_id, user_id=user_id, token_hash=token_hash, filename=filename,
                    content=content, created_at=now, expires_at=expires_at)
    session.add(held)
    session.flush()
    return held


def held_file(session: Session, *, token_hash: str) -> HeldFile | None:
    """The file an offer's token stands for, whoever it was made for (the caller checks)."""
    return session.execute(select(HeldFile).where(HeldFile.token_hash == token_hash)).scalars().first()


def take(session: Session, *, file_id: int, now: datetime) -> bool:
    """Claim the file for one upload; False when it was delivered or another upload holds it."""
    result = session.execute(update(HeldFile).where(
        HeldFile.id == file_id, HeldFile.sent_at.is_(None), HeldFile.expires_at > now,
        or_(HeldFile.taken_at.is_(None), HeldFile.taken_at < now - LEASE)).values(taken_at=now))
    return result.rowcount == 1


def release(session: Session, *, file_id: int) -> None:
    """The upload failed: the file may be taken again."""
    session.execute(update(HeldFile).where(HeldFile.id == file_id).values(taken_at=None))


def mark_sent(session: Session, *, file_id: int, now: datetime) -> None:
    """Delivered: the bytes are forgotten at once, the row stays (to say so) until it expires."""
    session.execute(update(HeldFile).where(HeldFile.id == file_id).values(sent_at=now, content=b""))


def drop(session: Session, *, file_id: int) -> None:
    """Declined: forget the file now."""
    session.execute(delete(HeldFile).where(HeldFile.id == file_id))


def drop_expired(session: Session, *, now: datetime) -> int:
    """Delete every expired file; how many."""
    return session.execute(delete(HeldFile).where(HeldFile.expires_at <= now)).rowcount
