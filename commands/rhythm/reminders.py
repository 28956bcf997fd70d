"""Reminders before the meeting: who still has areas to rate, and members who asked for quiet."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session

from commands.core.context import Invocation, load_caller
from commands.core.matching import fold
from commands.core.refusals import not_member_refusal, refusal
from commands.core.reply import Notice, Reply
from commands.core.spans import Typed, rich
from commands.core.texts import t
from commands.core.weeks import Week
from storage import queries
from storage.models import Workspace
from storage.queries import rhythm
from storage.queries.directory import directory
from storage.queries.due import ReminderFacts

MUTE_USAGE = "lage påminnelser av|på"


@dataclass(frozen=True)
class Reminder:
    """What one member's reminder says, computed when it is delivered."""

    user_id: str
    partner: str
    week: Week
    missing: tuple[str, ...]
    total: int
    followups: tuple = ()  # the partner's open insatser due for follow-up (commands/insats/replies.py InsatsLine)


def missing_areas(session: Session, workspace: Workspace, partner_id: int, week: Week) -> tuple[list[str], int]:
    """The areas a partner has not rated for a week, and how many areas there are."""
    areas = queries.active_areas(session, workspace_id=workspace.id)
    rated = {r.area_id for r in queries.ratings_for_weeks(session, workspace_id=workspace.id,
                                                           weeks=[(week.year, week.week)]) if r.partner_id == partner_id}
    return [a.name for a in areas if a.id not in rated], len(areas)


def reminder_rows(facts: ReminderFacts, workspace_id: int, week: Week, slot: str) -> list[dict]:
    """The outbox rows of one reminder slot: a DM to each member of each partner with areas left to rate
    (muted members excepted); the clock claims each once."""
    rows = []
    for partner_id in facts.partners[workspace_id]:
        if not facts.missing(workspace_id, partner_id, week.year, week.week) and \
                not facts.followup_due(partner_id, week.year, week.week):
            continue
        for user in sorted(set(facts.members[partner_id]) - facts.muted[workspace_id]):
            rows.append(dict(workspace_id=workspace_id, kind="reminder.dm", key=f"reminder.dm:{workspace_id}:{user}:"
                             f"{week}:{slot}", body=json.dumps({"week": str(week), "user": user})))
    return rows


def reminder_for(session: Session, workspace: Workspace, user_id: str, week: Week) -> Reminder | None:
    """The reminder to send now, or None when there is nothing left to nag about."""
    partner = directory(session, workspace_id=workspace.id, version=workspace.setup_version).partner(user_id)
    if partner is None or user_id in rhythm.muted_users(session, workspace_id=workspace.id):
        return None
    from commands.insats.focus import partner_followups  # the insats feature builds on this module

    missing, total = missing_areas(session, workspace, partner.id, week)
    followups = partner_followups(session, workspace.id, partner.id, week)
    return Reminder(user_id, partner.name, week, tuple(missing), total, followups) if missing or followups else None


def set_reminders(args: str, inv: Invocation, session: Session) -> Reply:
    """`/lage påminnelser av|på`: a member mutes or unmutes their own reminders."""
    caller = load_caller(session, inv)
    choice = fold(args.strip())
    if caller.partner is None:
        return not_member_refusal()
    if choice not in ("av", "pa", "off", "on"):
        return refusal(t("reminders.usage"), usage=MUTE_USAGE)
    ws = caller.workspace
    if choice in ("av", "off"):
        rhythm.mute(session, workspace_id=ws.id, user_id=inv.user_id, now=inv.now)
        queries.audit(session, workspace_id=ws.id, at=inv.now, actor=inv.user_id, action="reminders.off",
                      subject=inv.user_id)
        return Notice("ok", rich("reminders.off", command=Typed("lage påminnelser på")))
    rhythm.unmute(session, workspace_id=ws.id, user_id=inv.user_id)
    queries.audit(session, workspace_id=ws.id, at=inv.now, actor=inv.user_id, action="reminders.on", subject=inv.user_id)
    return Notice("ok", t("reminders.on"))
