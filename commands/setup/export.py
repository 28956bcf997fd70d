"""The database's set-up written out as veckolage.toml (the database is the authority after first start)."""

from __future__ import annotations

import json

from sqlmodel import Session

from commands.admin.parse import show_day_time
from commands.core.texts import t
from commands.rhythm.schedule import reminder_slots
from storage import queries
from storage.models import Workspace
from storage.queries import setup as setup_queries


def _value(value) -> str:
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string or array of them


def export_setup(session: Session, *, workspace_id: int) -> str:
    """TOML text that `config import` reads back to the same set-up."""
    ws = session.get(Workspace, workspace_id)
    role = lambda name: queries.users_with_role(session, workspace_id=ws.id, role=name)  # noqa: E731
    lines = [t("setupfile.export.header", team=ws.key)]
    if ws.key != "default":
        lines.append(f"team_id = {_value(ws.key)}")
    lines += [
        f"timezone = {_value(ws.timezone)}",
        f"deadline = {_value(show_day_time(ws.deadline_weekday, ws.deadline_minute))}",
    ]
    for key in ("summary_channel", "alert_channel"):
        if getattr(ws, key):
            lines.append(f"{key} = {_value(getattr(ws, key))}")
    lines += [
        f"alert_renotify_minutes = {ws.renotify_minutes}",
        f"retention_months = {ws.retention_months}",
        f"coordinators = {_value(role(queries.COORDINATOR))}",
        f"admins = {_value(role(queries.ADMIN))}",
        f"areas = {_value([a.name for a in queries.active_areas(session, workspace_id=ws.id)])}",
        "",
        "[schedule]",
        f"summary = {_value(show_day_time(ws.summary_weekday, ws.summary_minute))}",
        f"reminders = {_value([show_day_time(d, m) for d, m in reminder_slots(ws)])}",
    ]
    for partner in queries.active_partners(session, workspace_id=ws.id):
        members = setup_queries.members_of(session, workspace_id=ws.id, partner_id=partner.id, with_team=True)
        lines += ["", "[[partner]]", f"name = {_value(partner.name)}"]
        if partner.short:
            lines.append(f"short = {_value(partner.short)}")
        lines.append(f"members = {_value(members)}")
    return "\n".join(lines) + "\n"
