"""Critical events whose alert nobody has acknowledged yet (the web view's banner)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from storage.models import Event


def unacknowledged_critical(session: Session, *, workspace_id: int, since_year_week: tuple[int, int]) -> list[Event]:
    """Critical, not withdrawn, not acknowledged events from the given (year, week) on, oldest first."""
    year, week = since_year_week
    query = select(Event).where(
        Event.workspace_id == workspace_id, Event.critical.is_(True), Event.acknowledged_at.is_(None),
        Event.withdrawn_at.is_(None),
        (Event.iso_year > year) | ((Event.iso_year == year) & (Event.iso_week >= week)))
    return list(session.execute(query.order_by(Event.occurred_at, Event.id)).scalars())
