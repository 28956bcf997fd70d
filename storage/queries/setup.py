"""Changing the collaboration's set-up row by row (areas, partners, members, roles), for admin commands and the sync."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlmodel import Session

from storage.models import Member, RoleGrant, Workspace


def named(session: Session, model: type, *, workspace_id: int, name: str):
    """The area or partner with exactly this name, retired or not."""
    query = select(model).where(model.workspace_id == workspace_id, model.name == name)
    return session.execute(query).scalars().first()


def add_named(session: Session, model: type, *, workspace_id: int, name: str,
              same: Callable[[str, str], bool] = str.__eq__) -> tuple[object, bool]:
    """Add an area or partner at the end, or bring a retired one (with its history) back; (row, restored).

    `same` decides when two names are one (the commands pass a case- and diacritics-blind comparison)."""
    rows = session.execute(select(model).where(model.workspace_id == workspace_id)).scalars()
    row = next((r for r in rows if same(r.name, name)), None)
    if row is not None:
        row.retired_at = None
        return row, True
    last = session.execute(select(func.max(model.position)).where(model.workspace_id == workspace_id)).scalar()
    row = model(workspace_id=workspace_id, name=name, position=(last or 0) + 1)
    session.add(row)
    session.flush()
    return row, False


def retire(row, *, now: datetime) -> None:
    """Hide an area or partner from now on; its history stays."""
    row.retired_at = now


def members_of(session: Session, *, workspace_id: int, partner_id: int, with_team: bool = False) -> list[str]:
    """User ids reporting for a partner (`T…:U…` for members from another workspace when `with_team`)."""
    query = select(Member.user_id, Member.user_team).where(Member.workspace_id == workspace_id,
                                                           Member.partner_id == partner_id)
    rows = session.execute(query).all()
    return sorted(f"{team}:{user}" if with_team and team else user for user, team in rows)


def set_member(session: Session, *, workspace_id: int, partner_id: int, user_id: str) -> int | None:
    """Make a user a member of a partner; returns the partner id they were moved from, if any."""
    member = session.execute(select(Member).where(Member.workspace_id == workspace_id, Member.user_id == user_id)
                             ).scalars().first()
    if member is None:
        session.add(Member(workspace_id=workspace_id, partner_id=partner_id, user_id=user_id))
        return None
    previous, member.partner_id = member.partner_id, partner_id
    return previous if previous != partner_id else None


def remove_member(session: Session, *, workspace_id: int, user_id: str) -> bool:
    """Remove a user from their partner; False when they were not a member."""
    result = session.execute(delete(Member).where(Member.workspace_id == workspace_id, Member.user_id == user_id))
    return result.rowcount == 1


def grant(session: Session, *, workspace_id: int, user_id: str, role: str) -> bool:
    """Give a role; False when the user already had it."""
    exists = session.execute(select(RoleGrant.id).where(RoleGrant.workspace_id == workspace_id,
                                                         RoleGrant.user_id == user_id, RoleGrant.role == role)).first()
    if exists:
        return False
    session.add(RoleGrant(workspace_id=workspace_id, user_id=user_id, role=role))
    return True


def revoke(session: Session, *, workspace_id: int, user_id: str, role: str) -> bool:
    """Take a role away; False when the user did not have it."""
    result = session.execute(delete(RoleGrant).where(RoleGrant.workspace_id == workspace_id,
                                                     RoleGrant.user_id == user_id, RoleGrant.role == role))
    return result.rowcount == 1


def workspace_to_sync(session: Session, *, key: str, default_key: str) -> Workspace | None:
    """The workspace a set-up file names; the default key adopts the one workspace there is (the team that
    installed the app before the file named it)."""
    workspace = session.execute(select(Workspace).where(Workspace.key == key)).scalars().first()
    if workspace is None and key == default_key:
        only = session.execute(select(Workspace).limit(2)).scalars().all()
        workspace = only[0] if len(only) == 1 else None
    return workspace


def rows_by_name(session: Session, model: type, *, workspace_id: int) -> dict:
    """Every area or partner of a workspace, retired ones too, by name."""
    return {row.name: row for row in session.execute(select(model).where(model.workspace_id == workspace_id)).scalars()}


def all_members(session: Session, *, workspace_id: int) -> dict[str, Member]:
    """Every member row of a workspace, by user id."""
    return {m.user_id: m for m in session.execute(select(Member).where(Member.workspace_id == workspace_id)).scalars()}


def role_grants(session: Session, *, workspace_id: int) -> set[tuple[str, str]]:
    """Every (user, role) granted in a workspace."""
    grants = session.execute(select(RoleGrant).where(RoleGrant.workspace_id == workspace_id)).scalars()
    return {(g.user_id, g.role) for g in grants}
