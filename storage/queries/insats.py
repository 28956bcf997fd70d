"""Queries for insatser, priorities and local risk dates (keyword-only, the session first)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, delete, distinct, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import Area, Insats, Partner, Priority, RiskDate

OPEN = ("planerad", "pågår")
CLOSED = ("klar", "avbruten")


def add_insats(session: Session, insats: Insats) -> bool:
    """Insert an insats and give it its number; False (nothing inserted) when the same request's insats is
    already stored."""
    try:
        with session.begin_nested():
            session.add(insats)
            session.flush()
    except IntegrityError:
        return False
    return True


def names(session: Session, *, workspace_id: int) -> tuple[dict[int, str], dict[int, str]]:
    """Every area and partner name by id, retired ones included (old insatser name them)."""
    areas = dict(session.execute(select(Area.id, Area.name).where(Area.workspace_id == workspace_id)).all())
    partners = dict(session.execute(select(Partner.id, Partner.name).where(Partner.workspace_id == workspace_id)).all())
    return areas, partners


def insats_by_source(session: Session, *, workspace_id: int, source_key: str) -> Insats | None:
    """The insats a request already made (a retried request makes none)."""
    query = select(Insats).where(Insats.workspace_id == workspace_id, Insats.source_key == source_key)
    return session.execute(query).scalar_one_or_none()


def insats_by_id(session: Session, *, workspace_id: int, insats_id: int, lock: bool = False) -> Insats | None:
    """One insats of the workspace (locked for a change when `lock`)."""
    query = select(Insats).where(Insats.workspace_id == workspace_id, Insats.id == insats_id)
    return session.execute(query.with_for_update() if lock else query).scalar_one_or_none()


def insatser(session: Session, *, workspace_id: int, open_only: bool = False, area_id: int | None = None,
             partner_id: int | None = None) -> list[Insats]:
    """The workspace's insatser, oldest first, filtered by status, area or partner."""
    query = select(Insats).where(Insats.workspace_id == workspace_id)
    if open_only:
        query = query.where(Insats.status.in_(OPEN))
    if area_id is not None:
        query = query.where(Insats.area_id == area_id)
    if partner_id is not None:
        query = query.where(Insats.partner_id == partner_id)
    return list(session.execute(query.order_by(Insats.id)).scalars())


def insatser_between(session: Session, *, workspace_id: int, first: int, last: int) -> list[Insats]:
    """Insatser running at some time in the weeks first..last (as year*100+week), or followed up in them."""
    query = select(Insats).where(
        Insats.workspace_id == workspace_id, Insats.start_week <= last,
        (Insats.end_week.is_(None) & Insats.status.in_(OPEN)) | (Insats.end_week >= first)
        | Insats.followup_week.between(first, last))
    return list(session.execute(query.order_by(Insats.id)).scalars())


def priorities(session: Session, *, workspace_id: int, weeks: Sequence[tuple[int, int]]) -> list[Priority]:
    """The priorities of some weeks, in the order given."""
    if not weeks:
        return []
    query = select(Priority).where(Priority.workspace_id == workspace_id,
                                   Priority.iso_year.in_({y for y, _ in weeks}),
                                   Priority.iso_week.in_({w for _, w in weeks}))
    return [p for p in session.execute(query.order_by(Priority.position, Priority.id)).scalars()
            if (p.iso_year, p.iso_week) in set(weeks)]


def replace_priorities(session: Session, *, workspace_id: int, year: int, week: int,
                       items: Sequence[tuple[int, str | None]], user_id: str, now: datetime) -> None:
    """The week's priorities become `items` (area id, place); an empty list clears them."""
    session.execute(delete(Priority).where(Priority.workspace_id == workspace_id, Priority.iso_year == year,
                                           Priority.iso_week == week))
    for position, (area_id, place) in enumerate(items):
        session.add(Priority(workspace_id=workspace_id, iso_year=year, iso_week=week, position=position,
                             area_id=area_id, place=place, set_by=user_id, set_at=now))
    session.flush()


def risk_dates(session: Session, *, workspace_id: int) -> list[RiskDate]:
    """The workspace's own risk dates, by date."""
    query = select(RiskDate).where(RiskDate.workspace_id == workspace_id).order_by(RiskDate.day, RiskDate.id)
    return list(session.execute(query).scalars())


def add_risk_date(session: Session, *, workspace_id: int, day: str, name: str, user_id: str, now: datetime) -> bool:
    """Add a local risk date; False when the same one is there already."""
    query = select(RiskDate.id).where(RiskDate.workspace_id == workspace_id, RiskDate.day == day,
                                      RiskDate.name == name)
    if session.execute(query).first() is not None:
        return False
    session.add(RiskDate(workspace_id=workspace_id, day=day, name=name, added_by=user_id, added_at=now))
    session.flush()
    return True


def remove_risk_dates(session: Session, *, workspace_id: int, ids: Sequence[int]) -> None:
    """Remove local risk dates by id."""
    session.execute(delete(RiskDate).where(RiskDate.workspace_id == workspace_id, RiskDate.id.in_(list(ids))))


def blank_insats_texts(session: Session, *, workspace_ids: Sequence[int], before: datetime) -> list[int]:
    """Retention: blank what/place/result of insatser closed (or, if open, created) before `before`;
    the workspace id of each insats blanked."""
    old = ((Insats.closed_at.is_not(None) & (Insats.closed_at < before))
           | (Insats.closed_at.is_(None) & (Insats.created_at < before)))
    texts = Insats.what.is_not(None) | Insats.place.is_not(None) | Insats.result.is_not(None)
    statement = (update(Insats).where(Insats.workspace_id.in_(list(workspace_ids)), old, texts)
                 .values(what=None, place=None, result=None).returning(Insats.workspace_id))
    return list(session.execute(statement).scalars())


def open_counts(session: Session, *, workspace_id: int, now_week: int) -> tuple[int, int, int]:
    """Open insatser: how many, in how many areas, and how many with the follow-up week passed (one query)."""
    query = select(func.count(), func.count(distinct(Insats.area_id)),
                   func.coalesce(func.sum(case((Insats.followup_week < now_week, 1), else_=0)), 0)).where(
        Insats.workspace_id == workspace_id, Insats.status.in_(OPEN))
    count, areas, late = session.execute(query).one()
    return int(count), int(areas), int(late)
