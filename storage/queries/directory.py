"""Who reports for which partner, who holds which role, and the active areas of a workspace.

Read on every request but changed a few times a year, so each process keeps one copy per workspace
and checks it against `workspace.setup_version`, which every request reads with the workspace row.
Triggers (migration 0005) bump that counter on every change to the area, partner, member and role
tables, whoever writes them, so a copy is never used after a change has committed. (An in-memory
SQLite database has one connection for everything, so nothing read there is kept.)
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from storage.models import Area, Member, Partner, RoleGrant, Workspace


@dataclass(frozen=True)
class AreaRef:
    """An active area as plain values (shared between threads, so never an ORM object)."""

    id: int
    name: str


@dataclass(frozen=True)
class PartnerRef:
    """An active partner organisation as plain values."""

    id: int
    name: str


@dataclass(frozen=True)
class Directory:
    """One workspace's set-up at one `setup_version`."""

    version: int
    areas: tuple[AreaRef, ...]  # in configured order
    partner_by_user: dict[str, PartnerRef]  # members of active partners only
    roles_by_user: dict[str, frozenset[str]]

    def partner(self, user_id: str) -> PartnerRef | None:
        """The active partner a user reports for, if any."""
        return self.partner_by_user.get(user_id)

    def roles(self, user_id: str) -> frozenset[str]:
        """The roles (coordinator, admin) a user holds."""
        return self.roles_by_user.get(user_id, frozenset())


_CACHE: weakref.WeakKeyDictionary[Engine, dict[int, Directory]] = weakref.WeakKeyDictionary()
_GUARD = threading.Lock()


def directory(session: Session, *, workspace_id: int, version: int) -> Directory:
    """The workspace's directory: this process's copy when it is at `version` (the caller's fresh read
    of `workspace.setup_version`), otherwise read from the database."""
    engine = session.get_bind()
    with _GUARD:
        cached = _CACHE.setdefault(engine, {}).get(workspace_id)
    if cached is not None and cached.version == version:
        return cached
    loaded, shareable = load(session, workspace_id=workspace_id)
    if shareable:
        with _GUARD:
            _CACHE.setdefault(engine, {})[workspace_id] = loaded
    return loaded


def load(session: Session, *, workspace_id: int) -> tuple[Directory, bool]:
    """Read the directory; True when it may be shared with other requests.

    The version is read first, so under READ COMMITTED the rows read after it are at least as new as
    its label, never older. A transaction that has written may see its own uncommitted changes (which
    a rollback would undo) under a committed version number, so what it reads is never shared.

    Commands read the caller once, before they write. A request that changes the set-up and then needs
    the new state in the same transaction must call `load` itself: the version it holds is the one
    it read before its own change."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        clean = connection.execute(text("SELECT txid_current_if_assigned() IS NULL")).scalar_one()
    else:
        clean = not connection.connection.dbapi_connection.in_transaction  # pysqlite begins at the first write
    version = connection.execute(select(Workspace.setup_version).where(Workspace.id == workspace_id)).scalar_one()
    areas = tuple(AreaRef(aid, name) for aid, name in connection.execute(
        select(Area.id, Area.name).where(Area.workspace_id == workspace_id, Area.retired_at.is_(None))
        .order_by(Area.position, Area.name)))
    members = connection.execute(
        select(Member.user_id, Partner.id, Partner.name).join(Partner, Partner.id == Member.partner_id)
        .where(Member.workspace_id == workspace_id, Partner.retired_at.is_(None)))
    partner_by_user = {user: PartnerRef(pid, name) for user, pid, name in members}
    roles: dict[str, set[str]] = {}
    for user, role in connection.execute(select(RoleGrant.user_id, RoleGrant.role)
                                         .where(RoleGrant.workspace_id == workspace_id)):
        roles.setdefault(user, set()).add(role)
    found = Directory(version, areas, partner_by_user, {user: frozenset(held) for user, held in roles.items()})
    return found, clean and not isinstance(connection.engine.pool, StaticPool)
