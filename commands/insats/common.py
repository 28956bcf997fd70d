"""Shared pieces of the insats commands: week keys, the caller's rights, lines for lists."""

from __future__ import annotations

from sqlmodel import Session

from commands.core.arguments import read_number
from commands.core.context import Caller
from commands.core.refusals import InputError
from commands.core.spans import Typed, rich
from commands.core.texts import t
from commands.core.weeks import Week
from commands.insats.replies import InsatsLine
from storage import queries
from storage.models import Insats
from storage.queries import insats as insats_queries

ACTIVE = "pågår"
PLANNED = "planerad"
DONE = "klar"
CANCELLED = "avbruten"
WHAT_LIMIT = 200
PLACE_LIMIT = 80
RESULT_LIMIT = 300


def key(week: Week) -> int:
    """A week as the number stored: 2026-W47 → 202647."""
    return week.year * 100 + week.week


def week_of(number: int) -> Week:
    """The week of a stored number."""
    return Week(number // 100, number % 100)


def weeks_text(insats: Insats, current: Week) -> str:
    """`v48–v51`, `från v48`; the year named for weeks outside the current one."""
    start = week_of(insats.start_week).short_in(current.year)
    if insats.end_week is None:
        return t("insats.weeks.from", start=start)
    end = week_of(insats.end_week).short_in(current.year)
    return start if insats.end_week == insats.start_week else f"{start}–{end}"


def status_of(insats: Insats, current: Week) -> str:
    """The status people read: a planned insats whose first week has come is under way."""
    if insats.status == PLANNED and insats.start_week <= key(current):
        return ACTIVE
    return insats.status


def is_open(insats: Insats) -> bool:
    """Planned or under way."""
    return insats.status in insats_queries.OPEN


def overdue(insats: Insats, current: Week) -> bool:
    """Open and its follow-up week has passed."""
    return is_open(insats) and insats.followup_week < key(current)


def line(insats: Insats, areas: dict[int, str], partners: dict[int, str], current: Week) -> InsatsLine:
    """The listed form of an insats."""
    return InsatsLine(insats.id, areas.get(insats.area_id, "?"), insats.place, insats.what,
                      partners.get(insats.partner_id, "?"), weeks_text(insats, current),
                      t(f"insats.status.{status_of(insats, current)}"),
                      week_of(insats.followup_week).short_in(current.year), overdue(insats, current), insats.result)


def names(session: Session, workspace_id: int) -> tuple[dict[int, str], dict[int, str]]:
    """Every area and partner name by id, retired ones included (old insatser name them)."""
    return insats_queries.names(session, workspace_id=workspace_id)


def may_change(caller: Caller, insats: Insats) -> bool:
    """Coordinators; members of the responsible partner; whoever proposed it."""
    own = caller.partner is not None and caller.partner.id == insats.partner_id
    return caller.coordinator or own or insats.created_by == caller.user_id


def find(session: Session, caller: Caller, number_text: str | None, usage: str) -> Insats:
    """The insats a number names, locked for a change; an InputError when there is none."""
    number = read_number(number_text)
    if number is None:
        raise InputError(rich("insats.error.number", command=Typed("insats lista")), usage=usage)
    insats = insats_queries.insats_by_id(session, workspace_id=caller.workspace.id, insats_id=number, lock=True)
    if insats is None:
        raise InputError(t("insats.error.unknown", number=number), usage=usage)
    return insats


def audit(session: Session, caller: Caller, insats: Insats, action: str, subject: str, *, now,
          old: str | None = None, new: str | None = None) -> None:
    """An audit row for an insats change."""
    week = week_of(insats.start_week)
    queries.audit(session, workspace_id=caller.workspace.id, at=now, actor=caller.user_id, action=action,
                  subject=f"#{insats.id} {subject}", year=week.year, week=week.week, old=old, new=new)
