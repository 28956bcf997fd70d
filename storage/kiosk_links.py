"""Kiosk links: create, find, list and revoke (the link's secret part is kept only as a hash)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session

from storage.models import KioskLink


def create_link(session: Session, *, workspace_id: int, nonce_hash: str, user_id: str, now: datetime,
                expires_at: datetime) -> KioskLink:
    """Store a new link and return it with its id."""
    link = KioskLink(workspace_id=workspace_id, nonce_hash=nonce_hash, created_by=user_id, created_at=now,
                     expires_at=expires_at)
    session.add(link)
    session.flush()
    return link


def link_by_id(session: Session, *, link_id: int) -> KioskLink | None:
    """One link, whichever workspace it belongs to (the caller checks it)."""
    return session.get(KioskLink, link_id)


def active_links(session: Session, *, workspace_id: int, now: datetime) -> list[KioskLink]:
    """The workspace's links that are neither expired nor revoked, newest first."""
    query = select(KioskLink).where(KioskLink.workspace_id == workspace_id, KioskLink.revoked_at.is_(None),
                                    KioskLink.expires_at > now)
    return list(session.execute(query.order_by(KioskLink.id.desc())).scalars())


def revoke_link(session: Session, *, workspace_id: int, link_id: int, user_id: str, now: datetime) -> bool:
    """Revoke a link of this workspace; True when this call revoked it (False: unknown or already revoked)."""
    result = session.execute(
        update(KioskLink).where(KioskLink.id == link_id, KioskLink.workspace_id == workspace_id,
                                KioskLink.revoked_at.is_(None))
        .values(revoked_by=user_id, revoked_at=now))
    return result.rowcount == 1
