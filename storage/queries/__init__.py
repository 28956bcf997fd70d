"""Query functions: keyword-only, the session first. Handlers never build SQL themselves."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, and_, bindparam, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import AgreedLevel, Area, AuditEntry, Event, Partner, Rating, RoleGrant, Workspace

COORDINATOR, ADMIN = "coordinator", "admin"
DEFAULT_KEY = "default"  # the workspace of a single-workspace install without a team id


@functools.cache
def _upsert_statement(dialect_name: str, model: type, keys: tuple[str, ...], update: tuple[str, ...]):
    """Built once per shape: the values travel as parameters (building it per call cost half a millisecond)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(model.__table__)
    if update:
        return statement.on_conflict_do_update(index_elements=list(keys),
                                               set_={name: statement.excluded[name] for name in update})
    return statement.on_conflict_do_nothing(index_elements=list(keys))


def upsert(session: Session, model: type, values: dict, *, keys: Sequence[str], update: Sequence[str]) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE (or DO NOTHING without `update`) on SQLite and PostgreSQL."""
    statement = _upsert_statement(session.get_bind().dialect.name, model, tuple(keys), tuple(update))
    session.connection().execute(statement, values)


WorkspaceRow = Row  # a read-only snapshot of a workspace row: `row.timezone`, `row.summary_channel`, …


@functools.cache
def _workspace_statement():
    key, table = bindparam("key"), Workspace.__table__
    count = select(func.count(table.c.id)).scalar_subquery().label("workspaces")
    return (select(table, count).where(or_(table.c.key == key, table.c.key == DEFAULT_KEY))
            .order_by((table.c.key == key).desc()).limit(1))


def workspace_for(session: Session, *, key: str | None) -> WorkspaceRow | None:
    """The workspace with this key (Slack team id), as a read-only row (read on every request: a plain
    row costs a fifth of an ORM object). A single-workspace install set up without a team id (key
    "default") answers for any team; team-keyed workspaces never answer for another team."""
    row = session.connection().execute(_workspace_statement(), {"key": key or ""}).first()
    if row is None:
        return None
    return row if row.key == key or row.workspaces == 1 else None


def active_areas(session: Session, *, workspace_id: int) -> list[Area]:
    """The areas not retired, in configured order."""
    query = select(Area).where(Area.workspace_id == workspace_id, Area.retired_at.is_(None))
    return list(session.execute(query.order_by(Area.position, Area.name)).scalars())


def active_partners(session: Session, *, workspace_id: int) -> list[Partner]:
    """The partner organisations not retired, in configured order."""
    query = select(Partner).where(Partner.workspace_id == workspace_id, Partner.retired_at.is_(None))
    return list(session.execute(query.order_by(Partner.position, Partner.name)).scalars())


def users_with_role(session: Session, *, workspace_id: int, role: str) -> list[str]:
    """User ids holding a role, sorted."""
    query = select(RoleGrant.user_id).where(RoleGrant.workspace_id == workspace_id, RoleGrant.role == role)
    return sorted(session.execute(query).scalars())


def _in_weeks(model, weeks: Sequence[tuple[int, int]]):
    return or_(*(and_(model.iso_year == year, model.iso_week == week) for year, week in weeks))


def ratings_for_weeks(session: Session, *, workspace_id: int, weeks: Sequence[tuple[int, int]]) -> list[Rating]:
    """Every rating of the given (year, week)s."""
    query = select(Rating).where(Rating.workspace_id == workspace_id, _in_weeks(Rating, weeks))
    return list(session.execute(query).scalars())


@dataclass(frozen=True)
class CellRow:
    """A rating as plain values (the grid reads hundreds; ORM objects cost more than the query)."""

    iso_year: int
    iso_week: int
    area_id: int
    partner_id: int
    level: int
    comment: str | None


def cells_for_weeks(session: Session, *, workspace_id: int, weeks: Sequence[tuple[int, int]]) -> list[CellRow]:
    """Every rating of the given (year, week)s as plain values."""
    query = select(Rating.iso_year, Rating.iso_week, Rating.area_id, Rating.partner_id, Rating.level,
                   Rating.comment).where(Rating.workspace_id == workspace_id, _in_weeks(Rating, weeks))
    return [CellRow(*row) for row in session.execute(query)]


def agreed_for_weeks(
    session: Session, *, workspace_id: int, weeks: Sequence[tuple[int, int]]
) -> list[AgreedLevel]:
    """Every fastställd value of the given (year, week)s."""
    query = select(AgreedLevel).where(AgreedLevel.workspace_id == workspace_id, _in_weeks(AgreedLevel, weeks))
    return list(session.execute(query).scalars())


@functools.cache
def _area_week_statement():
    area, year, week = bindparam("area_id"), bindparam("year"), bindparam("week")
    agreed = select(AgreedLevel.level).where(AgreedLevel.area_id == area, AgreedLevel.iso_year == year,
                                             AgreedLevel.iso_week == week).scalar_subquery()
    highest = (select(func.max(Rating.level)).join(Partner, Partner.id == Rating.partner_id)
               .where(Rating.area_id == area, Rating.iso_year == year, Rating.iso_week == week,
                      Partner.retired_at.is_(None)).scalar_subquery())
    critical = select(func.count(Event.id)).where(Event.area_id == area, Event.iso_year == year,
                                                  Event.iso_week == week, Event.critical.is_(True),
                                                  Event.withdrawn_at.is_(None)).scalar_subquery()
    return select(agreed, highest, critical)


def area_week(session: Session, *, area_id: int, year: int, week: int) -> tuple[int | None, int | None, bool]:
    """One round trip for one area-week: (fastställd value, highest active partner's rating, critical event?)."""
    row = session.connection().execute(_area_week_statement(), {"area_id": area_id, "year": year,
                                                                 "week": week}).one()
    return row[0], row[1], bool(row[2])


def levels_for_year(session: Session, *, workspace_id: int, year: int) -> list[tuple[int, int, int, int]]:
    """(week, area id, partner id, level) of every rating of an ISO year: plain columns, no ORM objects
    (ten thousand rows a year; uses the (workspace, year, week) index)."""
    query = select(Rating.iso_week, Rating.area_id, Rating.partner_id, Rating.level).where(
        Rating.workspace_id == workspace_id, Rating.iso_year == year)
    return [tuple(row) for row in session.execute(query)]


def agreed_for_year(session: Session, *, workspace_id: int, year: int) -> list[tuple[int, int, int]]:
    """(week, area id, level) of every fastställd value of an ISO year."""
    query = select(AgreedLevel.iso_week, AgreedLevel.area_id, AgreedLevel.level).where(
        AgreedLevel.workspace_id == workspace_id, AgreedLevel.iso_year == year)
    return [tuple(row) for row in session.execute(query)]


def critical_weeks(session: Session, *, workspace_id: int, year: int) -> list[tuple[int, int]]:
    """(week, area id) pairs with a critical event that was not withdrawn."""
    query = select(Event.iso_week, Event.area_id).where(
        Event.workspace_id == workspace_id, Event.iso_year == year, Event.critical.is_(True),
        Event.withdrawn_at.is_(None)).distinct()
    return [(week, area) for week, area in session.execute(query)]


def save_agreed(
    session: Session, *, workspace_id: int, area: Area, year: int, week: int, level: int, user_id: str, now: datetime
) -> int | None:
    """Store the fastställd value of an area-week and audit it; returns the value it replaced."""
    key = (AgreedLevel.area_id == area.id, AgreedLevel.iso_year == year, AgreedLevel.iso_week == week)
    old = session.execute(select(AgreedLevel.level).where(*key).with_for_update()).scalars().first()
    values = dict(workspace_id=workspace_id, area_id=area.id, iso_year=year, iso_week=week, level=level,
                  set_by=user_id, set_at=now)
    upsert(session, AgreedLevel, values, keys=("area_id", "iso_year", "iso_week"), update=("level", "set_by", "set_at"))
    audit(session, workspace_id=workspace_id, at=now, actor=user_id, action="agreed.set", subject=area.name,
          year=year, week=week, old=None if old is None else str(old), new=str(level))
    return old


def audit(
    session: Session,
    *,
    workspace_id: int,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    year: int | None = None,
    week: int | None = None,
    old: str | None = None,
    new: str | None = None,
) -> None:
    """Append one entry to the audit log (a plain INSERT in the caller's transaction; no ORM object)."""
    session.connection().execute(insert(AuditEntry.__table__), dict(
        workspace_id=workspace_id, at=at, actor=actor, action=action, subject=subject[:200], iso_year=year,
        iso_week=week, old_value=old, new_value=new))


def audit_entries(session: Session, *, workspace_id: int) -> list[AuditEntry]:
    """The audit log of a workspace, oldest first."""
    query = select(AuditEntry).where(AuditEntry.workspace_id == workspace_id).order_by(AuditEntry.at, AuditEntry.id)
    return list(session.execute(query).scalars())
