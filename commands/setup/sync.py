"""Bring the database in line with `veckolage.toml`, idempotently; retired rows keep their history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from commands.core import identity
from commands.core.texts import t
from commands.setup.file import Setup
from storage import queries
from storage.models import Area, Member, Partner, Workspace
from storage.queries import setup as setup_queries

ACTOR = "veckolage.toml"


@dataclass
class SyncReport:
    """What the sync changed, for the start-up log."""

    workspace_id: int = 0
    changes: list[str] = field(default_factory=list)


def sync_setup(session: Session, setup: Setup, *, now: datetime) -> SyncReport:
    """Apply the set-up in the caller's transaction; a second run with the same file changes nothing."""
    report = SyncReport()
    workspace = setup_queries.workspace_to_sync(session, key=setup.workspace_key, default_key=queries.DEFAULT_KEY)
    if workspace is None:
        workspace = Workspace(key=setup.workspace_key, created_at=now)
        session.add(workspace)
        report.changes.append(f"arbetsyta {setup.workspace_key} skapad")
    wanted = {attr: getattr(setup, attr) for attr in ("timezone", "summary_channel", "alert_channel",
                                                       "deadline_weekday", "deadline_minute", "renotify_minutes",
                                                       "summary_weekday", "summary_minute", "retention_months")}
    wanted["reminder_slots"] = setup.reminder_text
    for attr, value in wanted.items():
        if getattr(workspace, attr) != value:
            setattr(workspace, attr, value)
            report.changes.append(f"{attr} = {value}")
    session.flush()
    report.workspace_id = workspace.id

    def log(action: str, subject: str, old: str | None = None, new: str | None = None) -> None:
        report.changes.append(f"{t('audit.' + action)}: {subject}")  # as the audit log names it
        queries.audit(session, workspace_id=workspace.id, at=now, actor=ACTOR, action=action, subject=subject,
                      old=old, new=new)

    _sync_named(session, Area, workspace.id, list(setup.areas), now, log, "area")
    partners = _sync_named(session, Partner, workspace.id, [p.name for p in setup.partners], now, log, "partner")
    for wanted in setup.partners:
        row = session.get(Partner, partners[wanted.name])
        if row.short != wanted.short:
            log("partner.short", wanted.name, old=row.short, new=wanted.short)
            row.short = wanted.short
    _sync_members(session, workspace.id, setup, partners, log)
    _sync_roles(session, workspace.id, setup, log)
    session.flush()
    return report


def _sync_named(session, model, workspace_id: int, names: list[str], now, log, kind: str) -> dict[str, int]:
    rows = setup_queries.rows_by_name(session, model, workspace_id=workspace_id)
    for position, name in enumerate(names):
        row = rows.get(name)
        if row is None:
            row = model(workspace_id=workspace_id, name=name, position=position)
            session.add(row)
            rows[name] = row
            log(f"{kind}.add", name, new=name)
        else:
            if row.retired_at is not None:
                row.retired_at = None
                log(f"{kind}.restore", name)
            row.position = position
    for name, row in rows.items():
        if name not in names and row.retired_at is None:
            row.retired_at = now
            log(f"{kind}.retire", name, old=name)
    session.flush()
    return {name: row.id for name, row in rows.items()}


def _sync_members(session, workspace_id: int, setup: Setup, partner_ids: dict[str, int], log) -> None:
    # "T0OTHER:U0123" is a member from another organisation's workspace (Slack Connect); Slack user ids
    # are unique across workspaces, so the id alone identifies them and the team is kept for the record.
    # A Matrix id holds a ":" too, so each member is read by the rule of its platform (commands/core/identity.py).
    people = [(identity.person(m), p.name) for p in setup.partners for m in p.members]
    teams = {person.id: person.team for person, _ in people}
    wanted = {person.id: partner_ids[name] for person, name in people}
    names = {pid: name for name, pid in partner_ids.items()}
    current = setup_queries.all_members(session, workspace_id=workspace_id)
    for user, member in current.items():
        if user not in wanted:
            session.delete(member)
            log("member.remove", f"{user} / {names.get(member.partner_id, '?')}")
        elif member.partner_id != wanted[user]:
            log("member.move", user, old=names.get(member.partner_id), new=names[wanted[user]])
            member.partner_id = wanted[user]
    for user, partner_id in wanted.items():
        if user not in current:
            session.add(Member(workspace_id=workspace_id, partner_id=partner_id, user_id=user, user_team=teams[user]))
            log("member.add", f"{user} / {names[partner_id]}")


def _sync_roles(session, workspace_id: int, setup: Setup, log) -> None:
    wanted = {(u, queries.COORDINATOR) for u in setup.coordinators} | {(u, queries.ADMIN) for u in setup.admins}
    current = setup_queries.role_grants(session, workspace_id=workspace_id)
    for user, role in sorted(current - wanted):
        setup_queries.revoke(session, workspace_id=workspace_id, user_id=user, role=role)
        log(f"{role}.remove", user)
    for user, role in sorted(wanted - current):
        setup_queries.grant(session, workspace_id=workspace_id, user_id=user, role=role)
        log(f"{role}.add", user)
