"""`insats …`: the meeting's decision becomes an insats; `insats` alone opens the form."""

from __future__ import annotations

from sqlmodel import Session

from commands.core.arguments import check_not_future
from commands.core.context import Caller, Invocation, load_caller, tokenize
from commands.core.matching import sanitize
from commands.core.refusals import InputError, input_refusal, refusal, unknown_user_refusal
from commands.core.reply import FieldErrors, Notice, Reply
from commands.core.spans import Typed, rich
from commands.core.texts import t
from commands.core.weeks import Week, WeekError
from commands.insats.common import (
    ACTIVE,
    PLACE_LIMIT,
    PLANNED,
    WHAT_LIMIT,
    key,
    names,
    status_of,
    weeks_text,
)
from commands.insats.parse import USAGE, parse_proposal, week_range
from commands.insats.replies import InsatsForm
from storage import queries
from storage.models import Insats
from storage.queries import events as event_queries
from storage.queries import insats as insats_queries
from storage.queries.directory import AreaRef

FOLLOWUP_WEEKS = 4  # without an end week, the insats is followed up this many weeks after it starts


def propose(args: str, inv: Invocation, session: Session) -> Reply:
    """`insats <område> [(plats)] <vad> [ansvarig partner] [vecka[–vecka]]`, or the form when nothing is given."""
    caller = load_caller(session, inv)
    if not caller.known:
        return unknown_user_refusal()
    if caller.partner is None and not caller.coordinator:
        return refusal(t("insats.error.not_member"), usage=USAGE)
    partners = queries.active_partners(session, workspace_id=caller.workspace.id)
    if not args.strip():
        return form(caller, partners)
    try:
        found = parse_proposal(args, tokenize(args), areas=caller.areas, current=caller.current_week,
                               partners=[(p.name, p.short) for p in partners])
        partner = next((p for p in partners if p.name == found.partner), None) if found.partner else None
        partner_id = partner.id if partner else (caller.partner.id if caller.partner else None)
        check_rights(caller, partner_id)
        start, end = check_weeks(caller, found.start, found.end)
        what, place = check_texts(found.what, found.place)
    except (InputError, WeekError) as error:
        return input_refusal(error, usage=USAGE)
    return record(session, caller, inv, area=found.area, place=place, what=what, partner_id=partner_id,
                  start=start, end=end)


def plan_form(inv: Invocation, session: Session, event_number: int) -> Reply:
    """An alert's *Planera insats*: the form with the event's area chosen, for members of a partner and
    coordinators (an unknown event number gives the form without an area)."""
    caller = load_caller(session, inv)
    if not caller.known:
        return unknown_user_refusal()
    if caller.partner is None and not caller.coordinator:
        return refusal(t("insats.error.not_member"))
    event = event_queries.event_by_id(session, workspace_id=caller.workspace.id, event_id=event_number)
    return form(caller, queries.active_partners(session, workspace_id=caller.workspace.id),
                event.area_id if event else None)


def form(caller: Caller, partners, area_id: int | None = None) -> InsatsForm:
    """The form, pre-filled with the caller's partner, this week and (from an alert) the area."""
    return InsatsForm(tuple((a.id, a.name) for a in caller.areas), tuple((p.id, p.name) for p in partners),
                      caller.partner.id if caller.partner else None, area_id)


def check_rights(caller: Caller, partner_id: int | None) -> None:
    """Members propose for their own partner; coordinators for any (and must name one)."""
    if partner_id is None:
        raise InputError(t("insats.error.partner_needed"), usage=USAGE)
    if not caller.coordinator and (caller.partner is None or caller.partner.id != partner_id):
        raise InputError(t("insats.error.other_partner"), usage=USAGE)


def check_weeks(caller: Caller, start: Week | None, end: Week | None) -> tuple[Week, Week | None]:
    """Default this week; up to a year ahead; the end not before the start."""
    start = start or caller.current_week
    for week in (start, end):
        if week is not None:
            check_not_future(week, caller, "plan")
    if end is not None and end < start:
        raise WeekError(t("insats.error.end_before_start", start=start.short, end=end.short))
    return start, end


def check_what(what: str | None, usage: str = USAGE) -> str:
    """Trimmed; short (no room for personal data); refused when empty or too long."""
    what = " ".join((what or "").split())
    if not what:
        raise InputError(t("insats.error.missing_what"), usage=usage)
    if len(what) > WHAT_LIMIT:
        raise InputError(t("insats.error.what_too_long", length=len(what), limit=WHAT_LIMIT), usage=usage)
    return what


def check_place(place: str | None, usage: str = USAGE) -> str | None:
    """Trimmed; None when empty; refused when too long."""
    place = " ".join((place or "").split()) or None
    if place and len(place) > PLACE_LIMIT:
        raise InputError(t("insats.error.place_too_long", length=len(place), limit=PLACE_LIMIT), usage=usage)
    return place


def check_texts(what: str | None, place: str | None) -> tuple[str, str | None]:
    """What is done and where, both checked."""
    return check_what(what), check_place(place)


def record(session: Session, caller: Caller, inv: Invocation, *, area: AreaRef, place: str | None, what: str,
           partner_id: int, start: Week, end: Week | None) -> Notice:
    """Store the insats once per request, audited; the reply names its number and follow-up week."""
    ws = caller.workspace
    source = inv.request_id
    insats = insats_queries.insats_by_source(session, workspace_id=ws.id, source_key=source) if source else None
    created = insats is None
    if created:
        followup = (end.shift(1) if end else start.shift(FOLLOWUP_WEEKS))
        insats = Insats(workspace_id=ws.id, area_id=area.id, place=place, what=what, partner_id=partner_id,
                        start_week=key(start), end_week=key(end) if end else None, followup_week=key(followup),
                        status=PLANNED if start > caller.current_week else ACTIVE, created_by=inv.user_id,
                        created_at=inv.now, source_key=source)
        if not insats_queries.add_insats(session, insats):  # the same request, twice at once: the other stored it
            insats = insats_queries.insats_by_source(session, workspace_id=ws.id, source_key=source)
            created = False
        else:
            queries.audit(session, workspace_id=ws.id, at=inv.now, actor=inv.user_id, action="insats.new",
                          subject=f"#{insats.id} {area.name}", year=start.year, week=start.week, new=what)
    return saved_notice(session, caller, insats, created)


def saved_notice(session: Session, caller: Caller, insats: Insats, created: bool) -> Notice:
    """`Insats #3 sparad: Vällingby (torget) – trygghetsvandring`, with who, when and the follow-up."""
    areas, partners = names(session, caller.workspace.id)
    current = caller.current_week
    where = areas[insats.area_id] + (f" ({insats.place})" if insats.place else "")
    lines = [] if created else [t("insats.saved.duplicate")]
    lines.append(t("insats.saved.detail", partner=partners[insats.partner_id], weeks=weeks_text(insats, current),
                   status=t(f"insats.status.{status_of(insats, current)}"),
                   followup=f"v{insats.followup_week % 100}"))
    lines.append(rich("insats.saved.next", done=Typed(f"insats klar {insats.id}"), list=Typed("insats lista")))
    return Notice("ok", t("insats.saved.title", number=insats.id, where=where, what=insats.what or ""), tuple(lines))


def submit_insats_form(inv: Invocation, session: Session, *, area_id: int, partner_id: int | None, what: str | None,
                       place: str | None, weeks: str | None) -> Reply:
    """The form's answer: the same checks as the command; errors per field, nothing written."""
    caller = load_caller(session, inv)
    if not caller.known or (caller.partner is None and not caller.coordinator):
        return refusal(t("insats.error.not_member"))
    errors: dict[tuple[int, str], str] = {}
    checked: dict[str, str | None] = {}
    area = next((a for a in caller.areas if a.id == area_id), None)
    if area is None:
        errors[(0, "area")] = t("error.missing_area")
    partners = {p.id for p in queries.active_partners(session, workspace_id=caller.workspace.id)}
    try:
        check_rights(caller, partner_id if partner_id in partners else None)
    except InputError as error:
        errors[(0, "partner")] = str(error.lines[0])
    start = end = None
    try:
        text = "".join(sanitize(weeks or "").split())
        text = f"v{text}" if text.isdigit() else text
        found = week_range(text, caller.current_week) if text else (None, None)
        if found is None:
            raise InputError(t("insats.error.bad_weeks", value=text))
        start, end = check_weeks(caller, found[0], found[1] or found[0]) if found[0] else check_weeks(caller, None, None)
    except (InputError, WeekError) as error:
        errors[(0, "weeks")] = str(error.lines[0]) if isinstance(error, InputError) else str(error)
    for field, check, text in (("what", check_what, what), ("place", check_place, place)):
        try:
            checked[field] = check(sanitize(text or ""))
        except InputError as error:
            errors[(0, field)] = str(error.lines[0])
    if errors:
        return FieldErrors(errors)
    return record(session, caller, inv, area=area, place=checked["place"], what=checked["what"],
                  partner_id=partner_id, start=start, end=end)
