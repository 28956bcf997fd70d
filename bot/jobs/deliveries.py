"""What each kind of outbox row does in Slack, read fresh from the database at delivery time.

`prepare` runs inside a short transaction and returns the Slack call to make after it;
`record` runs after Slack confirmed, to remember where things landed and queue follow-ups.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlmodel import Session

from bot.slack.alert_blocks import METADATA_TYPE, alert_message, renotify_text
from bot.slack.reminder_blocks import reminder_message
from bot.slack.summary_blocks import note_text, summary_message, summary_thread
from commands.core.texts import t
from commands.core.weeks import Week
from commands.events.manage import renotify_key
from commands.events.view import AlertView, alert_view
from commands.rhythm.reminders import Reminder, reminder_for
from commands.rhythm.summary import Summary, body_week, build_summary, summary_key
from storage import outbox
from storage.models import Event, OutboxMessage, Workspace
from storage.queries import events as event_queries


@dataclass(frozen=True)
class Outcome:
    """What a delivery did in Slack (nothing, when there was nothing left to say)."""

    channel: str | None = None
    ts: str | None = None


class Permanent(Exception):
    """Slack refused for good (bad channel, no access) or the row makes no sense: retrying will not help."""


class Slack(Protocol):
    """The Slack calls a delivery may make (the Deliverer provides them)."""

    def post(self, channel: str | None, message: dict, *, key: str, check_first: bool,
             thread_ts: str | None = None) -> Outcome: ...

    def update(self, channel: str, ts: str, message: dict) -> Outcome: ...

    def open_dm(self, user: str) -> str: ...


Action = Callable[[bool], Outcome]  # called with True when an earlier attempt may have reached Slack unconfirmed
NOTHING: Action = lambda _uncertain: Outcome()  # noqa: E731


def metadata(key: str) -> dict:
    """Message metadata carrying the outbox key, so a lost confirmation can be found in the channel."""
    return {"event_type": METADATA_TYPE, "event_payload": {"key": key}}


def prepare(session: Session, row: OutboxMessage, slack: Slack) -> Action:
    """The Slack call for a row, built from the current state."""
    workspace = session.get(Workspace, row.workspace_id)
    kind = row.kind.split(".")[0]
    if kind == "alert":
        return _alert(session, row, workspace, slack)
    if kind == "summary":
        return _summary(session, row, workspace, slack)
    if kind == "reminder":
        return _reminder(session, row, workspace, slack)
    raise Permanent(t("outbox.unknown_kind", kind=row.kind))


def record(session: Session, row: OutboxMessage, outcome: Outcome, now: datetime, *,
           thread_parts: Callable[[Summary], int] | None = None) -> None:
    """After the platform confirmed: remember the alert's place, queue its re-notification or the summary's
    thread (`thread_parts`: how many replies the platform splits a summary's thread into; Slack's by default)."""
    if not outcome.ts:
        return
    workspace = session.get(Workspace, row.workspace_id)
    if row.kind == "alert.post":
        event = event_queries.event_by_id(session, workspace_id=row.workspace_id, event_id=row.subject_id, lock=True)
        if event is None or event.alert_ts:
            return
        event.alert_channel, event.alert_ts = outcome.channel, outcome.ts
        if event.critical and not event.acknowledged_at and not event.withdrawn_at:
            outbox.enqueue(session, workspace_id=row.workspace_id, key=renotify_key(event.id), kind="alert.renotify",
                           subject_id=event.id, now=now, due_at=now + timedelta(minutes=workspace.renotify_minutes),
                           channel=outcome.channel)
    elif row.kind == "summary.post":
        outbox.add_once(session, workspace_id=row.workspace_id, key=row.key.replace("summary.post", "summary.comments"),
                        kind="summary.comments", now=now, channel=outcome.channel, body=row.body)
    elif row.kind == "summary.comments":  # the thread is one reply per part: queue the next part, if any
        body, week = json.loads(row.body or "{}"), body_week(row.body)
        part = body.get("part", 0) + 1
        parts = thread_parts or (lambda summary: len(summary_thread(summary)))
        if part < parts(build_summary(session, workspace, week)):
            outbox.add_once(session, workspace_id=row.workspace_id, key=f"{row.key.split('#')[0]}#{part + 1}",
                            kind="summary.comments", now=now, channel=outcome.channel,
                            body=json.dumps({**body, "part": part}))



# -- what every platform's delivery reads the same way ---------------------------------------------------------

def alert_place(session: Session, row: OutboxMessage, workspace: Workspace) -> tuple[Event, str] | None:
    """An alert row's event and the channel its alert lives in; None when the event is gone."""
    event = event_queries.event_by_id(session, workspace_id=row.workspace_id, event_id=row.subject_id)
    if event is None:
        return None
    channel = event.alert_channel or row.channel or workspace.alert_channel
    if not channel:
        raise Permanent(t("outbox.no_alert_channel"))
    return event, channel


def renotify_due(view: AlertView) -> bool:
    """Still worth a re-notification: not acknowledged, not withdrawn, still critical."""
    return not (view.acknowledged_by or view.withdrawn_by or not view.critical)


def summary_place(row: OutboxMessage, workspace: Workspace) -> str:
    """The channel a summary row goes to."""
    channel = row.channel or workspace.summary_channel
    if not channel:
        raise Permanent(t("outbox.no_summary_channel"))
    return channel


def sent_summary(session: Session, workspace: Workspace, week: Week) -> OutboxMessage | None:
    """The week's summary post once the platform has confirmed it (its `ts` is the message to thread under)."""
    posted = outbox.message(session, key=summary_key(workspace, week))
    return posted if posted is not None and posted.status == outbox.SENT and posted.ts else None


def row_reminder(session: Session, row: OutboxMessage, workspace: Workspace) -> Reminder | None:
    """A reminder row's reminder as it stands now; None when the partner has reported (or muted) since."""
    body = json.loads(row.body or "{}")
    return reminder_for(session, workspace, body["user"], Week(*map(int, body["week"].split("-W"))))

def _alert(session: Session, row: OutboxMessage, workspace: Workspace, slack: Slack) -> Action:
    place = alert_place(session, row, workspace)
    if place is None:
        return NOTHING
    event, channel = place
    view, ts, key = alert_view(session, workspace, event), event.alert_ts, row.key
    if row.kind == "alert.post":
        message = alert_message(view, outbox_key=key)
        if ts:  # already posted (found earlier): bring it up to date instead
            return lambda _: slack.update(channel, ts, message)
        return lambda uncertain: slack.post(channel, message, key=key, check_first=uncertain)
    if row.kind == "alert.update":
        if not ts:
            return NOTHING  # not posted yet: the post will show the current state
        message = alert_message(view, outbox_key=f"alert.post:{event.id}")
        return lambda _: slack.update(channel, ts, message)
    if row.kind == "alert.renotify":
        if not ts or not renotify_due(view):
            return NOTHING
        message = {"text": renotify_text(view), "metadata": metadata(key)}
        return lambda uncertain: slack.post(channel, message, key=key, check_first=uncertain,
                                            thread_ts=ts)
    raise Permanent(t("outbox.unknown_kind", kind=row.kind))


def _summary(session: Session, row: OutboxMessage, workspace: Workspace, slack: Slack) -> Action:
    body = json.loads(row.body or "{}")
    week = body_week(row.body)
    channel, key = summary_place(row, workspace), row.key
    if row.kind == "summary.post":
        message = {**summary_message(build_summary(session, workspace, week)), "metadata": metadata(key)}
        return lambda uncertain: slack.post(channel, message, key=key, check_first=uncertain)
    posted = sent_summary(session, workspace, week)
    if posted is None:
        return NOTHING
    ts = posted.ts
    if row.kind == "summary.update":
        message = {**summary_message(build_summary(session, workspace, week)), "metadata": metadata(posted.key)}
        return lambda _: slack.update(channel, ts, message)
    if row.kind == "summary.comments":
        parts = summary_thread(build_summary(session, workspace, week))
        if body.get("part", 0) >= len(parts):
            return NOTHING  # no thread of nothing
        message = {**parts[body.get("part", 0)], "metadata": metadata(key)}
    elif row.kind == "summary.note":
        message = {"text": note_text(body.get("text", "")), "metadata": metadata(key)}
    else:
        raise Permanent(t("outbox.unknown_kind", kind=row.kind))
    return lambda uncertain: slack.post(channel, message, key=key, check_first=uncertain, thread_ts=ts)


def _reminder(session: Session, row: OutboxMessage, workspace: Workspace, slack: Slack) -> Action:
    reminder = row_reminder(session, row, workspace)
    if reminder is None:
        return NOTHING  # reported (or muted) since the reminder was queued: nothing to nag about
    message = {**reminder_message(reminder), "metadata": metadata(row.key)}
    key = row.key

    def send(uncertain: bool) -> Outcome:
        return slack.post(slack.open_dm(reminder.user_id), message, key=key, check_first=uncertain)

    return send
