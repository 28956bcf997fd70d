"""`veckolage prioritera <område> [(plats)][, …] [vecka]`: the meeting's focus for the coming week."""

from __future__ import annotations

from sqlmodel import Session

from commands.core.arguments import check_not_future, resolve_area, take_week
from commands.core.context import Invocation, load_caller, tokenize
from commands.core.refusals import InputError, input_refusal, refusal, unknown_user_refusal
from commands.core.reply import Notice, Reply
from commands.core.spans import Typed, rich
from commands.core.texts import t
from commands.core.weeks import WeekError, parse_week
from commands.insats.common import PLACE_LIMIT, names
from storage import queries
from storage.queries import insats as insats_queries

PRIORITY_USAGE = "veckolage prioritera [vecka] <område> [(plats)], … | prioritera [vecka] -"
MAX_ITEMS = 10
AUDIT_LIMIT = 500


def prioritize(args: str, inv: Invocation, session: Session) -> Reply:
    """Coordinators set next week's priorities (default the coming week); `-` clears them."""
    caller = load_caller(session, inv)
    if not caller.known:
        return unknown_user_refusal()
    if not caller.coordinator:
        return refusal(t("error.not_coordinator"), usage=PRIORITY_USAGE)
    try:
        week, tokens = take_week(tokenize(args), caller)
        if week is None and tokens and (last := parse_week(tokens[-1].text, current=caller.current_week)):
            week, tokens = last, tokens[:-1]
        week = week or caller.current_week.shift(1)
        check_not_future(week, caller, "plan")
        text = args[tokens[0].start:tokens[-1].end] if tokens else ""
        items = [] if text.strip() in ("-", "–") else [_item(part, caller) for part in text.split(",")]
        if len(items) > MAX_ITEMS:
            raise InputError(t("insats.priority.too_many", limit=MAX_ITEMS), usage=PRIORITY_USAGE)
    except (InputError, WeekError) as error:
        return input_refusal(error, usage=PRIORITY_USAGE)
    old = priority_text(session, caller.workspace.id, week) or None
    insats_queries.replace_priorities(session, workspace_id=caller.workspace.id, year=week.year, week=week.week,
                                      items=[(a.id, place) for a, place in items], user_id=inv.user_id, now=inv.now)
    new = ", ".join(a.name + (f" ({p})" if p else "") for a, p in items) or None
    queries.audit(session, workspace_id=caller.workspace.id, at=inv.now, actor=inv.user_id, action="priority.set",
                  subject=str(week), year=week.year, week=week.week, old=_short(old), new=_short(new))
    if not items:
        return Notice("ok", t("insats.priority.cleared", week=week.label))
    return Notice("ok", t("insats.priority.title", week=week.label), (new, rich(
        "insats.priority.where", command=Typed("veckolage"))), week=week)


def _short(text: str | None) -> str | None:
    """The audit log keeps at most 500 characters of a value: ten long places are cut, marked."""
    return text if text is None or len(text) <= AUDIT_LIMIT else text[:AUDIT_LIMIT - 1] + "…"


def _item(part: str, caller):
    """`Vällingby (torget)` → the area and the place."""
    part = " ".join(part.split())
    if not part:
        raise InputError(t("insats.priority.empty_item"), usage=PRIORITY_USAGE)
    place = None
    if part.endswith(")") and "(" in part:
        part, _, place = part[:-1].partition("(")
        part, place = part.strip(), " ".join(place.split()) or None
        if place and len(place) > PLACE_LIMIT:
            raise InputError(t("insats.error.place_too_long", length=len(place), limit=PLACE_LIMIT),
                             usage=PRIORITY_USAGE)
    try:
        return resolve_area(part, caller.areas), place
    except InputError as error:
        raise InputError(*error.lines, usage=PRIORITY_USAGE) from None


def priority_text(session: Session, workspace_id: int, week) -> str:
    """`Vällingby (torget), Grimsta`, or empty when the week has none."""
    areas, _ = names(session, workspace_id)
    found = insats_queries.priorities(session, workspace_id=workspace_id, weeks=[(week.year, week.week)])
    return ", ".join(areas.get(p.area_id, "?") + (f" ({p.place})" if p.place else "") for p in found)
