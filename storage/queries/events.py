"""Events: store, find, change — each change audited by the caller through queries.audit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import Event


def event_by_source(session: Session, *, workspace_id: int, source_key: str) -> Event | None:
    """The event a request (trigger id, view id) already created, if any."""
    query = select(Event).where(Event.workspace_id == workspace_id, Event.source_key == source_key)
    return session.execute(query).scalars().first()


def add_event_once(session: Session, event: Event) -> bool:
    """Insert the event; False (and nothing inserted) when the same request's event is already stored."""
    try:
        with session.begin_nested():
            session.add(event)
            session.flush()
    except IntegrityError:
        return False
    return True


def event_by_id(session: Session, *, workspace_id: int, event_id: int, lock: bool = False) -> Event | None:
    """One event of the workspace (never another workspace's)."""
    query = select(Event).where(Event.workspace_id == workspace_id, Event.id == event_id)
    if lock:
        query = query.with_for_update()
    return session.execute(query).scalars().first()

def set_acknowledged(session: Session, *, event_id: int, user_id: str, now: datetime) -> bool:
    """Record the acknowledgement unless someone already did (or it was withdrawn); True when this call did."""
    result = session.execute(
        update(Event).where(Event.id == event_id, Event.acknowledged_by.is_(None), Event.withdrawn_at.is_(None))
        .values(acknowledged_by=user_id, acknowledged_at=now)
    )
    return result.rowcount == 1


def events_for_weeks(
    session: Session, *, workspace_id: int, weeks: Sequence[tuple[int, int]], include_withdrawn: bool = False
) -> list[Event]:
    """The events of the given (year, week)s in time order."""
    query = select(Event).where(Event.workspace_id == workspace_id)
    conditions = [(Event.iso_year == y) & (Event.iso_week == w) for y, w in weeks]
    if conditions:
        query = query.where(or_(*conditions))
    if not include_withdrawn:
        query = query.where(Event.withdrawn_at.is_(None))
    return list(session.execute(query.order_by(Event.occurred_at, Event.id)).scalars())
