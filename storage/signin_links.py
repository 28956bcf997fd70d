"""Sign-in links: create one, and use it once (the link's secret part is kept only as a hash)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session

from storage.models import SignInLink


def create_link(session: Session, *, workspace_id: int, user_id: str, nonce_hash: str, now: datetime,
                expires_at: datetime) -> SignInLink:
    """Store a new link (and drop the expired ones while at it); the link with its id."""
    drop_expired(session, now=now)
    link = SignInLink(workspace_id=workspace_id, user_id=user_id, nonce_hash=nonce_hash, created_at=now,
                      expires_at=expires_at)
    session.add(link)
    session.flush()
    return link


def link_by_id(session: Session, *, link_id: int) -> SignInLink | None:
    """One link, whichever workspace it belongs to (the caller checks it)."""
    return session.get(SignInLink, link_id)


def use_link(session: Session, *, link_id: int, now: datetime) -> bool:
    """Spend the link (its token checked by the caller): True for the one use that finds it unused and unexpired."""
    result = session.execute(update(SignInLink).where(
        SignInLink.id == link_id, SignInLink.used_at.is_(None), SignInLink.expires_at > now).values(used_at=now))
    return result.rowcount == 1


def drop_expired(session: Session, *, now: datetime) -> int:
    """Delete every expired link, used or not; how many."""
    return session.execute(delete(SignInLink).where(SignInLink.expires_at <= now)).rowcount
