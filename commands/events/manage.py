"""`/handelse lista | ändra | återkalla`, and acknowledging an alert (Kvittera)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from commands.core.arguments import read_number, resolve_area, take_week
from commands.core.context import Caller, Invocation, load_caller, tokenize
from commands.core.matching import fold
from commands.core.refusals import InputError, input_refusal, refusal, unknown_user_refusal
from commands.core.reply import EventList, Notice, Reply
from commands.core.spans import Typed, channel_ref, mention, rich
from commands.core.texts import t
from commands.core.weeks import Week, WeekError
from commands.core.when import WhenError, parse_when, show
from commands.events.kinds import event_type, match_event_type, type_names
from commands.events.report import alert_key, check_description, check_moment, event_changed
from commands.events.view import event_lines
from storage import outbox, queries
from storage.models import Area, Event
from storage.queries import events as event_queries

LIST_USAGE = "handelse lista [vecka]"
EDIT_USAGE = "handelse ändra <nr> <område/typ/beskrivning/tid> <nytt värde>"
WITHDRAW_USAGE = "handelse återkalla <nr> [orsak]"
FIELDS = {"omrade": "område", "typ": "typ", "beskrivning": "beskrivning", "tid": "tid"}


def renotify_key(event_id: int) -> str:
    """The outbox key of an alert's single re-notification."""
    return f"alert.renotify:{event_id}"


def list_events(args: str, inv: Invocation, session: Session) -> Reply:
    """The events of a week (default: the week under assessment)."""
    caller = load_caller(session, inv)
    if not caller.known:
        return unknown_user_refusal()
    try:
        week, rest = take_week(tokenize(args), caller)
        if rest:
            raise InputError(t("error.unknown_subcommand", word=rest[0].text), usage=LIST_USAGE)
    except (InputError, WeekError) as error:
        return input_refusal(error, usage=LIST_USAGE)
    week = week or caller.assessment_week
    return EventList(week, event_lines(session, caller.workspace, week, withdrawn=True))


def _own_event(session: Session, caller: Caller, number_text: str | None, usage: str) -> Event:
    number = read_number(number_text)
    if number is None:
        raise InputError(rich("event.error.number", command=Typed("handelse lista")), usage=usage)
    event = event_queries.event_by_id(session, workspace_id=caller.workspace.id, event_id=number, lock=True)
    if event is None:
        raise InputError(t("event.error.unknown_event", number=number), usage=usage)
    if event.reported_by != caller.user_id and not caller.coordinator:
        raise InputError(t("event.error.not_yours", number=number), usage=usage)
    if event.withdrawn_at is not None:
        raise InputError(t("event.error.withdrawn", number=number), usage=usage)
    return event


def _alert_changed(session: Session, caller: Caller, inv: Invocation, event: Event) -> list[str]:
    """Queue the alert's update (or its first post when the event became critical)."""
    ws = caller.workspace
    if event.critical and outbox.message(session, key=alert_key(event.id)) is None:
        outbox.enqueue(session, workspace_id=ws.id, key=alert_key(event.id), kind="alert.post",
                       subject_id=event.id, now=inv.now, channel=ws.alert_channel)
        return [rich("event.saved.alert", channel=channel_ref(ws.alert_channel))] if ws.alert_channel else []
    if outbox.message(session, key=alert_key(event.id)) is None:
        return []
    outbox.enqueue(session, workspace_id=ws.id, key=f"alert.update:{event.id}", kind="alert.update",
                   subject_id=event.id, now=inv.now, channel=event.alert_channel or ws.alert_channel)
    if not event.critical or event.withdrawn_at or event.acknowledged_at:
        outbox.cancel(session, key=renotify_key(event.id))
    elif event.alert_ts:  # critical again after a downgrade: the one reminder is due again
        outbox.enqueue(session, workspace_id=ws.id, key=renotify_key(event.id), kind="alert.renotify",
                       subject_id=event.id, now=inv.now, channel=event.alert_channel,
                       due_at=inv.now + timedelta(minutes=ws.renotify_minutes))
    return [rich("event.updates_alert", channel=channel_ref(ws.alert_channel))] if ws.alert_channel else []


def edit_event(args: str, inv: Invocation, session: Session) -> Reply:
    """`ändra <nr> område|typ|beskrivning|tid <nytt värde>` by the reporter or a coordinator."""
    caller = load_caller(session, inv)
    tokens = tokenize(args)
    try:
        event = _own_event(session, caller, tokens[0].text if tokens else None, EDIT_USAGE)
        field = FIELDS.get(fold(tokens[1].text)) if len(tokens) > 1 else None
        if field is None:
            raise InputError(t("event.error.edit_field"), usage=EDIT_USAGE)
        value = args[tokens[2].start:].strip() if len(tokens) > 2 else ""
        old, new = _apply_edit(session, caller, event, field, value)
    except InputError as error:
        return input_refusal(error)
    queries.audit(session, workspace_id=caller.workspace.id, at=inv.now, actor=inv.user_id, action="event.change",
                  subject=f"#{event.id} {field}", year=event.iso_year, week=event.iso_week, old=old, new=new)
    session.flush()
    lines = _alert_changed(session, caller, inv, event)
    event_changed(session, caller.workspace, event, session.get(Area, event.area_id).name,
                  t("change.event.edited"), inv.now)
    title = t("event.changed.title", number=event.id, field=field, old=old or "–", new=new or "–")
    return Notice("ok", title, tuple(lines), week=Week(event.iso_year, event.iso_week))


def _apply_edit(session: Session, caller: Caller, event: Event, field: str, value: str) -> tuple[str | None, str | None]:
    if field == "område":
        area = resolve_area(value, queries.active_areas(session, workspace_id=caller.workspace.id))
        old = session.get(Area, event.area_id).name
        event.area_id = area.id
        return old, area.name
    if field == "typ":
        kind, _ = match_event_type(value)
        if kind is None:
            raise InputError(t("event.error.unknown_type", query=value), t("event.error.types_are", names=type_names()),
                             usage=EDIT_USAGE)
        old = event_type(event.type_key)
        event.type_key, event.critical = kind.key, kind.critical
        return old.name, kind.name
    if field == "beskrivning":
        old, event.description = event.description, check_description(value)
        return old, event.description
    try:
        moment, used = parse_when(value.split(), caller.now_local)
    except WhenError as error:
        raise InputError(str(error), usage=EDIT_USAGE) from None
    if moment is None or used != len(value.split()):
        raise InputError(t("event.error.when_needed", example="2026-11-20 22:15"), usage=EDIT_USAGE)
    week = Week(event.iso_year, event.iso_week)
    if Week.of(moment.date()) != week:
        raise InputError(t("event.error.edit_week", week=week.label), usage=EDIT_USAGE)
    check_moment(moment, caller, week)
    old_when = show(event.occurred_at.astimezone(caller.now_local.tzinfo))
    event.occurred_at = moment
    return old_when, show(moment)


def withdraw_event(args: str, inv: Invocation, session: Session) -> Reply:
    """`återkalla <nr> [orsak]`: the event no longer counts; the alert says so."""
    caller = load_caller(session, inv)
    tokens = tokenize(args)
    try:
        event = _own_event(session, caller, tokens[0].text if tokens else None, WITHDRAW_USAGE)
        reason = check_description(args[tokens[1].start:] if len(tokens) > 1 else None)
    except InputError as error:
        return input_refusal(error)
    event.withdrawn_at, event.withdrawn_by, event.withdrawn_reason = inv.now, inv.user_id, reason
    queries.audit(session, workspace_id=caller.workspace.id, at=inv.now, actor=inv.user_id, action="event.withdraw",
                  subject=f"#{event.id}", year=event.iso_year, week=event.iso_week, old="aktiv", new=reason or "återkallad")
    session.flush()
    lines = ([t("event.withdrawn.reason", reason=reason)] if reason else []) + _alert_changed(session, caller, inv, event)
    event_changed(session, caller.workspace, event, session.get(Area, event.area_id).name,
                  t("change.event.withdrawn"), inv.now)
    return Notice("ok", t("event.withdrawn.title", number=event.id), tuple(lines),
                  week=Week(event.iso_year, event.iso_week))


def acknowledge(event_id: int, inv: Invocation, session: Session) -> Notice:
    """Kvittera: someone in the collaboration owns the alert; recorded once, the alert updated in place."""
    caller = load_caller(session, inv)
    if not caller.known:
        return unknown_user_refusal()
    event = event_queries.event_by_id(session, workspace_id=caller.workspace.id, event_id=event_id, lock=True)
    if event is None:
        return refusal(t("event.error.unknown_event", number=event_id))
    if event.withdrawn_at is not None:
        return Notice("info", t("event.ack.withdrawn", number=event.id))
    # Compare-and-set: of two clicks at the same moment exactly one records (SQLite has no row locks).
    if not event_queries.set_acknowledged(session, event_id=event.id, user_id=inv.user_id, now=inv.now):
        session.refresh(event)
        if event.withdrawn_at is not None:
            return Notice("info", t("event.ack.withdrawn", number=event.id))
        when = show(event.acknowledged_at.astimezone(caller.now_local.tzinfo))
        return Notice("info", rich("event.ack.already", number=event.id, user=mention(event.acknowledged_by), when=when))
    session.refresh(event)
    queries.audit(session, workspace_id=caller.workspace.id, at=inv.now, actor=inv.user_id,
                  action="event.acknowledge", subject=f"#{event.id}", year=event.iso_year, week=event.iso_week)
    session.flush()
    _alert_changed(session, caller, inv, event)
    return Notice("ok", t("event.ack.title", number=event.id))
