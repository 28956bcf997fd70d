"""`insats lista | klar | avbryt | ändra`: follow the insatser up."""

from __future__ import annotations

from sqlmodel import Session

from commands.core.arguments import check_not_future
from commands.core.context import Caller, Invocation, load_caller, tokenize
from commands.core.matching import fold, match_name
from commands.core.refusals import InputError, input_refusal, unknown_user_refusal
from commands.core.reply import Notice, Reply
from commands.core.spans import Typed, rich
from commands.core.texts import t
from commands.core.weeks import WeekError
from commands.insats.common import (
    ACTIVE,
    CANCELLED,
    DONE,
    PLANNED,
    RESULT_LIMIT,
    audit,
    find,
    is_open,
    key,
    line,
    may_change,
    names,
    week_of,
    weeks_text,
)
from commands.insats.parse import week_range
from commands.insats.register import check_place, check_what
from commands.insats.replies import InsatsList
from storage import queries
from storage.queries import insats as insats_queries

LIST_USAGE = "insats lista [område|partner|öppna|alla]"
DONE_USAGE = "insats klar <nr> [resultat]"
CANCEL_USAGE = "insats avbryt <nr> [orsak]"
EDIT_USAGE = "insats ändra <nr> vad|plats|ansvarig|veckor|uppföljning|resultat <nytt värde>"
LIST_LIMIT = 200  # the newest ones beyond this are counted, not listed
FIELDS = {"vad": "vad", "plats": "plats", "ansvarig": "ansvarig", "veckor": "veckor", "vecka": "veckor",
          "uppfoljning": "uppföljning", "resultat": "resultat"}


def list_insatser(args: str, inv: Invocation, session: Session) -> Reply:
    """Open insatser (default), all of them, or those of an area or a partner."""
    caller = load_caller(session, inv)
    if not caller.known:
        return unknown_user_refusal()
    ws, query = caller.workspace, " ".join(args.split())
    areas, partners = names(session, ws.id)
    word = fold(query)
    try:
        if word in ("", "oppna", "open"):
            found, title = insats_queries.insatser(session, workspace_id=ws.id, open_only=True), t("insats.list.open")
        elif word in ("alla", "all"):
            found, title = insats_queries.insatser(session, workspace_id=ws.id), t("insats.list.all")
        else:
            found, title = _filtered(session, caller, query)
    except InputError as error:
        return input_refusal(error, usage=LIST_USAGE)
    found.sort(key=lambda i: (not is_open(i), i.followup_week, i.id))
    shown = found[:LIST_LIMIT]
    notes = (t("insats.list.more", count=len(found) - len(shown)),) if len(found) > len(shown) else ()
    return InsatsList(title, tuple(line(i, areas, partners, caller.current_week) for i in shown),
                      t("insats.list.none"), notes)


def _filtered(session: Session, caller: Caller, query: str):
    """An area's or a partner's insatser; an InputError naming both lists when the word is neither."""
    ws = caller.workspace
    area = match_name(query, [a.name for a in caller.areas])
    if area.found:
        area_id = next(a.id for a in caller.areas if a.name == area.found)
        return insats_queries.insatser(session, workspace_id=ws.id, area_id=area_id), \
            t("insats.list.area", area=area.found)
    partners = queries.active_partners(session, workspace_id=ws.id)
    partner = match_name(query, [p.name for p in partners] + [p.short for p in partners if p.short])
    if partner.found:
        chosen = next(p for p in partners if partner.found in (p.name, p.short))
        return insats_queries.insatser(session, workspace_id=ws.id, partner_id=chosen.id), \
            t("insats.list.partner", partner=chosen.name)
    raise InputError(t("insats.error.list_filter", query=query),
                     t("error.areas_are", names=", ".join(a.name for a in caller.areas)), usage=LIST_USAGE)


def _changeable(session: Session, inv: Invocation, number: str | None, usage: str):
    caller = load_caller(session, inv)
    if not caller.known:
        return caller, None, unknown_user_refusal()
    try:
        insats = find(session, caller, number, usage)
        if not may_change(caller, insats):
            raise InputError(t("insats.error.not_yours", number=insats.id), usage=usage)
        if not is_open(insats):
            raise InputError(t("insats.error.closed", number=insats.id,
                               status=t(f"insats.status.{insats.status}")), usage=usage)
    except InputError as error:
        return caller, None, input_refusal(error, usage=usage)
    return caller, insats, None


def _note(text: str, usage: str) -> str | None:
    text = " ".join(text.split())
    if len(text) > RESULT_LIMIT:
        raise InputError(t("insats.error.result_too_long", length=len(text), limit=RESULT_LIMIT), usage=usage)
    return text or None


def close(args: str, inv: Invocation, session: Session, *, status: str, usage: str) -> Reply:
    """Mark an insats done (with its result) or cancelled (with why)."""
    number, _, rest = args.strip().partition(" ")
    caller, insats, refusal = _changeable(session, inv, number or None, usage)
    if refusal:
        return refusal
    try:
        note = _note(rest, usage)
    except InputError as error:
        return input_refusal(error, usage=usage)
    old = insats.status
    insats.status, insats.result, insats.closed_at = status, note, inv.now
    session.flush()
    audit(session, caller, insats, "insats.done" if status == DONE else "insats.cancel", status,
          now=inv.now, old=old, new=note)
    areas, _ = names(session, caller.workspace.id)
    title = t("insats.done.title" if status == DONE else "insats.cancel.title", number=insats.id,
              area=areas[insats.area_id], what=insats.what or "")
    return Notice("ok", title, (note,) if note else ())


def mark_done(args: str, inv: Invocation, session: Session) -> Reply:
    """`insats klar <nr> [resultat]`."""
    return close(args, inv, session, status=DONE, usage=DONE_USAGE)


def cancel(args: str, inv: Invocation, session: Session) -> Reply:
    """`insats avbryt <nr> [orsak]`."""
    return close(args, inv, session, status=CANCELLED, usage=CANCEL_USAGE)


def edit(args: str, inv: Invocation, session: Session) -> Reply:
    """`insats ändra <nr> <fält> <nytt värde>`: what, place, responsible partner, weeks, follow-up, result."""
    tokens = tokenize(args)
    caller, insats, refusal = _changeable(session, inv, tokens[0].text if tokens else None, EDIT_USAGE)
    if refusal:
        return refusal
    field = FIELDS.get(fold(tokens[1].text)) if len(tokens) > 1 else None
    value = args[tokens[2].start:].strip() if len(tokens) > 2 else ""
    try:
        if field is None:
            raise InputError(t("insats.error.field", fields=", ".join(sorted(set(FIELDS.values())))),
                             usage=EDIT_USAGE)
        if not value and field != "plats":
            raise InputError(t("insats.error.value", field=field), usage=EDIT_USAGE)
        old, new = _apply(session, caller, insats, field, value)
    except (InputError, WeekError) as error:
        return input_refusal(error, usage=EDIT_USAGE)
    session.flush()
    audit(session, caller, insats, "insats.change", field, now=inv.now, old=old, new=new)
    return Notice("ok", t("insats.edit.title", number=insats.id, field=field),
                  (t("insats.edit.change", old=old or "–", new=new or "–"),
                   rich("insats.edit.list", command=Typed("insats lista"))))


def _apply(session: Session, caller: Caller, insats, field: str, value: str) -> tuple[str | None, str | None]:
    """Change one field; (old, new) as text for the audit log and the reply."""
    current = caller.current_week
    if field == "vad":
        old, insats.what = insats.what, check_what(value, EDIT_USAGE)
        return old, insats.what
    if field == "plats":
        old, insats.place = insats.place, check_place(value, EDIT_USAGE)
        return old, insats.place
    if field == "resultat":
        old, insats.result = insats.result, _note(value, EDIT_USAGE)
        return old, insats.result
    if field == "ansvarig":
        partners = queries.active_partners(session, workspace_id=caller.workspace.id)
        found = match_name(value, [p.name for p in partners])
        if not found.found:
            raise InputError(t("insats.error.unknown_partner", query=value,
                               names=", ".join(p.name for p in partners)), usage=EDIT_USAGE)
        chosen = next(p for p in partners if p.name == found.found)
        if not caller.coordinator:
            raise InputError(t("insats.error.other_partner"), usage=EDIT_USAGE)
        old_name = names(session, caller.workspace.id)[1][insats.partner_id]
        insats.partner_id = chosen.id
        return old_name, chosen.name
    compact = "".join(value.split())
    weeks = week_range(f"v{compact}" if compact.isdigit() else compact, current)
    if weeks is None:
        raise InputError(t("insats.error.bad_weeks", value=value), usage=EDIT_USAGE)
    start, end = weeks[0], weeks[1] or weeks[0]  # a single week: that week only
    for week in (start, end):
        if week is not None:
            check_not_future(week, caller, "plan")
    if field == "uppföljning":
        old = week_of(insats.followup_week).short_in(current.year)
        insats.followup_week = key(end or start)
        return old, (end or start).short_in(current.year)
    old = weeks_text(insats, current)
    insats.start_week, insats.end_week, insats.followup_week = key(start), key(end), key(end.shift(1))
    insats.status = PLANNED if start > current else ACTIVE
    return old, weeks_text(insats, current)
