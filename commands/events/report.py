"""`/handelse`: report an event; a critical one is queued for the alert channel in the same transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from commands.core.arguments import check_not_future, resolve_area, take_week
from commands.core.context import Caller, Invocation, Token, load_caller, tokenize
from commands.core.matching import fold, match_name, sanitize
from commands.core.refusals import InputError, input_refusal, refusal
from commands.core.reply import EventForm, FieldErrors, Notice, Reply
from commands.core.scale import level
from commands.core.spans import Typed, channel_ref, join, rich
from commands.core.texts import t
from commands.core.weeks import Week, WeekError, typed
from commands.core.when import WhenError, parse_when, show
from commands.events.kinds import EVENT_TYPES, EventType, event_type, match_event_type, type_names
from commands.rating.area_value import area_value
from commands.rhythm.summary import week_changed
from storage import outbox, queries
from storage.models import Area, Event
from storage.queries import events as event_queries

USAGE = "handelse [vecka] <område> <typ> [när] [beskrivning]"
DESCRIPTION_LIMIT = 500
FUTURE_SLACK = timedelta(minutes=5)  # clocks differ a little


def alert_key(event_id: int) -> str:
    """The outbox key of an event's alert."""
    return f"alert.post:{event_id}"


def report(args: str, inv: Invocation, session: Session) -> Reply:
    """`/handelse [vecka] <område> <typ> [när] [beskrivning]`, or the form when nothing is given."""
    caller = load_caller(session, inv)
    if caller.partner is None:
        return refusal(t("event.error.not_member"), usage=USAGE)
    areas = queries.active_areas(session, workspace_id=caller.workspace.id)
    try:
        week, tokens = take_week(tokenize(args), caller)
        if not tokens and week is None:
            return EventForm(tuple((a.id, a.name) for a in areas), tuple((k.key, k.name) for k in EVENT_TYPES),
                             caller.now_local, caller.partner.name)
        area, kind, rest = split_area_type(args, tokens, areas)
        moment, description = when_and_description(rest, caller, week)
    except (InputError, WeekError) as error:
        return input_refusal(error, usage=USAGE)
    return record(session, caller, inv, area=area, kind=kind, occurred_local=moment, description=description)


def split_area_type(args: str, tokens: list[Token], areas: list[Area]) -> tuple[Area, EventType, list[Token]]:
    """`<område> <typ>`: area names and type names may both hold spaces; as `/lage` does, the longest
    area name that matches wins (`Vällingby centrum – torget sprängning` finds that area, not `Vällingby`)."""
    names = [a.name for a in areas]
    longest = None  # where the longest matching area name ends, for the refusal when no type follows
    most_words = max((len(fold(name).split()) for name in names), default=0)  # a longer text matches no name
    for i in range(min(len(tokens) - 1, most_words), 0, -1):
        query = args[tokens[0].start:tokens[i - 1].end]
        if not match_name(query, names).found:
            continue
        longest = longest or i
        for width in (3, 2, 1):
            if i + width <= len(tokens):
                kind, _ = match_event_type(args[tokens[i].start:tokens[i + width - 1].end])
                if kind is not None:
                    return resolve_area(query, areas), kind, tokens[i + width:]
    if longest is not None:
        _, guess = match_event_type(tokens[longest].text)
        lines = [t("event.error.unknown_type", query=tokens[longest].text)]
        lines.append(t("error.did_you_mean", names=f" {t('error.or')} ".join(f"”{c}”" for c in guess.candidates))
                     if guess.candidates else t("event.error.types_are", names=type_names()))
        raise InputError(*lines, usage=USAGE)
    if tokens and match_name(args[tokens[0].start:tokens[-1].end], names).found:
        raise InputError(t("event.error.missing_type"), t("event.error.types_are", names=type_names()), usage=USAGE)
    resolve_area(args[tokens[0].start:tokens[0].end] if tokens else "", areas)
    raise InputError(t("event.error.missing_type"), usage=USAGE)  # pragma: no cover - resolve_area raised


def when_and_description(rest: list[Token], caller: Caller, week: Week | None) -> tuple[datetime, str | None]:
    """The time (default now) and the free-text description; checked against the week."""
    try:
        moment, used = parse_when([tok.text for tok in rest], caller.now_local)
    except WhenError as error:
        raise InputError(str(error), usage=USAGE) from None
    text = " ".join(tok.text for tok in rest[used:]) or None
    if moment is None:
        if week is not None and week != Week.of(caller.now_local.date()):
            example = f"{week.monday():%Y-%m-%d} 22:15"
            raise InputError(t("event.error.when_needed", example=example), usage=USAGE)
        moment = caller.now_local
    check_moment(moment, caller, week)
    return moment, check_description(text)


def check_moment(moment: datetime, caller: Caller, week: Week | None) -> None:
    """Not in the future; in the week given; without a week, not before the week under assessment."""
    if moment > caller.now_local + FUTURE_SLACK:
        raise InputError(t("event.error.future", when=show(moment)), usage=USAGE)
    actual = Week.of(moment.date())
    if week is not None:
        check_not_future(week, caller)
        if actual != week:
            raise InputError(t("event.error.wrong_week", when=show(moment), actual=actual.label, given=week.label),
                             usage=USAGE)
    elif actual < caller.assessment_week:
        command = Typed(f"handelse {typed(actual, current=caller.current_week)}")
        raise InputError(rich("event.error.too_old", when=show(moment), week=caller.assessment_week.label,
                              command=command), usage=USAGE)


def check_description(text: str | None) -> str | None:
    """Trim; refuse what is too long."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    if len(text) > DESCRIPTION_LIMIT:
        raise InputError(t("event.error.description_too_long", length=len(text), limit=DESCRIPTION_LIMIT),
                         usage=USAGE)
    return text


def record(session: Session, caller: Caller, inv: Invocation, *, area: Area, kind: EventType,
           occurred_local: datetime, description: str | None) -> Notice:
    """Store the event once per request and queue its alert; the reply says what happens next."""
    event, created = create_event(session, caller, inv, area=area, kind=kind, occurred_local=occurred_local,
                                  description=description)
    return saved_notice(session, caller, event, created)


def create_event(session: Session, caller: Caller, inv: Invocation, *, area: Area, kind: EventType,
                 occurred_local: datetime, description: str | None) -> tuple[Event, bool]:
    """Insert the event (or find the one this request already made) and queue the alert."""
    ws = caller.workspace
    source = f"{inv.request_id}" if inv.request_id else None
    if source:
        existing = event_queries.event_by_source(session, workspace_id=ws.id, source_key=source)
        if existing:
            return existing, False
    week = Week.of(occurred_local.date())
    event = Event(workspace_id=ws.id, area_id=area.id, partner_id=caller.partner.id, type_key=kind.key,
                  critical=kind.critical, occurred_at=occurred_local, iso_year=week.year, iso_week=week.week,
                  description=description, reported_by=inv.user_id, reported_at=inv.now, source_key=source)
    if not event_queries.add_event_once(session, event):  # the same request, delivered twice at once, won elsewhere
        return event_queries.event_by_source(session, workspace_id=ws.id, source_key=source), False
    queries.audit(session, workspace_id=ws.id, at=inv.now, actor=inv.user_id, action="event.report",
                  subject=f"#{event.id} {kind.name} / {area.name}", year=week.year, week=week.week,
                  new=description)
    if kind.critical:
        outbox.enqueue(session, workspace_id=ws.id, key=alert_key(event.id), kind="alert.post",
                       subject_id=event.id, now=inv.now, channel=ws.alert_channel)
    event_changed(session, ws, event, area.name, t("change.event.new"), inv.now)
    return event, True


def event_changed(session: Session, workspace, event: Event, area: str, what: str, now: datetime) -> None:
    """Keep an already posted summary of the event's week true."""
    change = t("change.event", number=event.id, type=event_type(event.type_key).name, area=area, what=what)
    week_changed(session, workspace, Week(event.iso_year, event.iso_week), change, now)


def saved_notice(session: Session, caller: Caller, event: Event, created: bool) -> Notice:
    """What the reporter reads: the event, whether an alert goes out, and the area's level now."""
    kind = event_type(event.type_key)
    area = session.get(Area, event.area_id)
    week = Week(event.iso_year, event.iso_week)
    lines = [] if created else [t("event.saved.duplicate")]
    if kind.critical:
        ws = caller.workspace
        lines.append(rich("event.saved.alert", channel=channel_ref(ws.alert_channel)) if ws.alert_channel
                     else t("event.saved.no_alert_channel"))
    else:
        lines.append(t("event.saved.not_critical"))
    row = area_value(session, area_id=area.id, week=week)
    if row is not None and row.value is not None:
        lines.append(t("event.saved.level", area=area.name, value=row.value, name=level(row.value).name.lower(),
                       week=week.short_in(caller.current_week.year)))
    if event.description:
        lines.append(event.description)
    when = show(event.occurred_at.astimezone(caller.now_local.tzinfo))
    title = t("event.saved.title", number=event.id, type=kind.name, area=area.name, when=when)
    return Notice("ok", title, tuple(lines), week=week)


def submit_event_form(inv: Invocation, session: Session, *, area_id: int, type_key: str | None,
                      occurred_at: datetime | None, description: str | None) -> Reply:
    """The modal's answer: same checks as the slash command; errors per field, nothing written."""
    description = sanitize(description) if description else description  # as typed text: line breaks kept
    caller = load_caller(session, inv)
    if caller.partner is None:
        return refusal(t("event.error.not_member"))
    area = next((a for a in queries.active_areas(session, workspace_id=caller.workspace.id) if a.id == area_id), None)
    errors: dict[tuple[int, str], str] = {}
    if area is None:
        errors[(0, "area")] = t("error.missing_area")
    kind = next((k for k in EVENT_TYPES if k.key == type_key), None)
    if kind is None:
        errors[(0, "type")] = t("event.error.missing_type")
    moment = (occurred_at or inv.now).astimezone(caller.now_local.tzinfo)
    try:
        check_moment(moment, caller, None)
    except InputError as error:
        errors[(0, "when")] = join(" ", error.lines)
    try:
        description = check_description(description)
    except InputError as error:
        errors[(0, "description")] = join(" ", error.lines)
    if errors:
        return FieldErrors(errors)
    return record(session, caller, inv, area=area, kind=kind, occurred_local=moment, description=description)
