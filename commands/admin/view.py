"""`/lagesadmin visa` and `/lagesadmin logg`: the set-up at a glance and the audit trail in Swedish."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import Session

from commands.admin.commands import admin_only
from commands.admin.parse import show_day_time
from commands.admin.retention import ACTOR as PURGE_ACTOR
from commands.core.arguments import take_week
from commands.core.context import Caller, Invocation, tokenize
from commands.core.excel_csv import excel_csv
from commands.core.matching import fold, match_name
from commands.core.reply import FileReply, Notice, Reply
from commands.core.spans import Text, channel_ref, join, line, mention, rich
from commands.core.texts import SV, t
from commands.core.when import show
from commands.rhythm.schedule import reminder_slots
from commands.rhythm.summary import CLI_ACTOR
from commands.setup.sync import ACTOR as SETUP_ACTOR
from commands.year.import_csv import IMPORT_ACTOR
from storage import queries
from storage.models import AuditEntry
from storage.queries import setup as setup_queries

LOG_LINES = 30
SYSTEM_ACTORS = frozenset({SETUP_ACTOR, IMPORT_ACTOR, PURGE_ACTOR, CLI_ACTOR})  # audit actors that are not people


def action_name(action: str) -> str:
    """What an audit action is called in the log (`rating.set` → `bedömning`); unknown ones as stored."""
    key = f"audit.{action}"
    return t(key) if key in SV else action


@admin_only
def show_setup(caller: Caller, args: str, inv: Invocation, session: Session) -> Reply:
    """`visa`: everything an admin can change, as it is now."""
    ws = caller.workspace

    def users(role: str) -> Text:
        return join(", ", [mention(u) for u in queries.users_with_role(session, workspace_id=ws.id, role=role)], "–")

    lines = [t("admin.show.areas", names=", ".join(a.name for a in queries.active_areas(session, workspace_id=ws.id))
               or "–")]
    for partner in queries.active_partners(session, workspace_id=ws.id):
        members = setup_queries.members_of(session, workspace_id=ws.id, partner_id=partner.id)
        lines.append(rich("admin.show.partner.short" if partner.short else "admin.show.partner", name=partner.name,
                          short=partner.short, members=join(", ", [mention(m) for m in members], "–")))
    reminders = ", ".join(show_day_time(d, m) for d, m in reminder_slots(ws)) or t("admin.schedule.none")
    lines += [
        rich("admin.show.roles", coordinators=users(queries.COORDINATOR), admins=users(queries.ADMIN)),
        rich("admin.show.channels", summary=channel_ref(ws.summary_channel) if ws.summary_channel else "–",
             alert=channel_ref(ws.alert_channel) if ws.alert_channel else "–"),
        t("admin.show.rhythm", deadline=show_day_time(ws.deadline_weekday, ws.deadline_minute),
          summary=show_day_time(ws.summary_weekday, ws.summary_minute), reminders=reminders,
          renotify=ws.renotify_minutes),
        t("admin.show.retention", months=ws.retention_months),
    ]
    return Notice("info", t("admin.show.title"), tuple(lines))


def _matches(entry: AuditEntry, wanted: str | None, week) -> bool:
    if week is not None:
        return (entry.iso_year, entry.iso_week) == (week.year, week.week)
    return wanted is None or wanted in fold(entry.subject)


@admin_only
def audit_log(caller: Caller, args: str, inv: Invocation, session: Session) -> Reply:
    """`logg [område|partner|vecka] [csv]`: who changed what, when, from what to what."""
    ws = caller.workspace
    tokens = tokenize(args)
    as_csv = bool(tokens) and fold(tokens[-1].text) == "csv"
    tokens = tokens[:-1] if as_csv else tokens
    week, rest = take_week(tokens, caller)
    wanted = None
    if rest:
        text = args[rest[0].start:rest[-1].end]
        names = [a.name for a in queries.active_areas(session, workspace_id=ws.id)] + \
                [p.name for p in queries.active_partners(session, workspace_id=ws.id)]
        found = match_name(text, names)
        wanted = fold(found.found or text)
    entries = [e for e in queries.audit_entries(session, workspace_id=ws.id) if _matches(e, wanted, week)]
    tz = ZoneInfo(ws.timezone)
    if as_csv:
        head = [t(f"admin.log.column.{c}") for c in ("at", "actor", "action", "subject", "week", "old", "new")]
        rows = ([e.at.astimezone(tz).isoformat(timespec="seconds"), e.actor, action_name(e.action), e.subject,
                 f"{e.iso_year}-W{e.iso_week:02d}" if e.iso_week else "", e.old_value or "", e.new_value or ""]
                for e in entries)
        return FileReply("granskningslogg.csv", excel_csv([head, *rows]), inv.user_id,
                         t("admin.log.csv", count=len(entries)))
    if not entries:
        return Notice("info", t("admin.log.empty"))
    lines = []
    for e in entries[-LOG_LINES:]:
        who = e.actor if e.actor in SYSTEM_ACTORS else mention(e.actor)
        change = f": {e.old_value or '–'} → {e.new_value or '–'}" if (e.old_value or e.new_value) else ""
        when = f" v{e.iso_week}" if e.iso_week else ""
        lines.append(line(f"{show(e.at.astimezone(tz))} · ", who, f" · {action_name(e.action)} · {e.subject}{when}"
                          f"{change}"))
    title = t("admin.log.title", shown=len(lines), total=len(entries))
    return Notice("info", title, tuple(lines), usage=t("admin.log.more") if len(entries) > LOG_LINES else None)
