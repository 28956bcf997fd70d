"""The outbox on Matrix: the same claim / lease / retry / exactly-once loop as Slack (bot/jobs/outbox_worker.py),
with Matrix's calls behind it.

Exactly once: every post carries its outbox key in its content and uses a transaction id made from it, so a
re-send after a lost answer is stored once by the homeserver; when an earlier attempt may have landed, the
room's latest events are looked through for the key first and a copy found is edited to the current content.
Updates in place are edits (m.replace); the summary's comments, notes and the alert's re-notification go in
the message's thread; reminders go to the person's direct room.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.jobs.chat_deliverer import ChatDeliverer
from bot.jobs.deliveries import (
    NOTHING,
    Action,
    Outcome,
    Permanent,
    alert_place,
    renotify_due,
    row_reminder,
    sent_summary,
    summary_place,
)
from bot.jobs.delivery_errors import RateLimited
from bot.jobs.outbox_worker import Policy
from bot.matrix import calls
from bot.matrix.calls import KEY_FIELD, Bridge
from bot.matrix.messages import alert_doc, note_doc, reminder_doc, renotify_doc, summary_doc, summary_thread
from commands.core.identity import MATRIX
from commands.core.texts import t
from commands.events.view import alert_view
from commands.rhythm.summary import body_week, build_summary
from storage.models import OutboxMessage, Workspace

# No lookup window to wait out: the transaction id makes a re-send safe at once.
MATRIX_POLICY = dict(confirm_window=timedelta(0), lookup_pace=timedelta(0))


def in_thread(content: dict, root: str) -> dict:
    """The content as a reply in the thread under `root`."""
    return {**content, "m.relates_to": {"rel_type": "m.thread", "event_id": root, "is_falling_back": True,
                                        "m.in_reply_to": {"event_id": root}}}


class MatrixDeliverer(ChatDeliverer):
    """Delivers due outbox rows to Matrix rooms; safe in several threads or processes at once."""

    POLICY = MATRIX_POLICY
    PLATFORM = MATRIX

    def __init__(self, engine: Engine, bridge: Bridge, *, clock: Callable[[], datetime],
                 policy: Policy | None = None, worker_id: str | None = None, batch: int = 10) -> None:
        super().__init__(engine, clock=clock, policy=policy, worker_id=worker_id, batch=batch)
        self.bridge = bridge

    def thread_parts(self, summary) -> int:
        return len(summary_thread(summary))

    # -- the calls ------------------------------------------------------------------------------------------

    def post(self, room: str | None, content: dict, *, key: str, uncertain: bool) -> Outcome:
        """Post once: after a lost answer, find the earlier copy by its key and bring it up to date instead."""
        if not room:
            raise Permanent(t("outbox.no_channel"))
        content = {**content, KEY_FIELD: key}
        if uncertain:
            found = self.bridge.run(calls.find(self.bridge.client, room, key))
            if found:
                return self.edit(room, found, content)
        self._unsure = self._now  # from here the post may land without our hearing of it
        try:
            event_id = self.bridge.run(calls.send(self.bridge.client, room, content,
                                                  txn=calls.txn_id(self._row[1], key)))
        except (RateLimited, Permanent):
            self._unsure = None  # the homeserver said no: nothing landed
            raise
        return Outcome(room, event_id)

    def edit(self, room: str, event_id: str, content: dict) -> Outcome:
        """Show new content in the message `event_id` (an m.replace edit; the message keeps its id)."""
        self.bridge.run(calls.send(self.bridge.client, room, calls.edit_of(event_id, content)))
        return Outcome(room, event_id)

    def direct_room(self, user: str, shared: set[str]) -> str:
        """The bot's direct room with a person (kept on the row from an earlier attempt)."""
        if self._known_dm:
            return self._known_dm
        self._opened_dm = self.bridge.run(calls.direct_room(self.bridge.client, user, shared=shared))
        return self._opened_dm

    # -- the kinds ------------------------------------------------------------------------------------------

    def _alert(self, session: Session, row: OutboxMessage, workspace: Workspace) -> Action:
        place = alert_place(session, row, workspace)
        if place is None:
            return NOTHING
        event, room = place
        view, posted, key = alert_view(session, workspace, event), event.alert_ts, row.key
        content = alert_doc(view).content("m.text")
        if row.kind == "alert.post":
            if posted:
                return lambda _: self.edit(room, posted, content)
            return lambda uncertain: self.post(room, content, key=key, uncertain=uncertain)
        if row.kind == "alert.update":
            return (lambda _: self.edit(room, posted, content)) if posted else NOTHING
        if row.kind == "alert.renotify":
            if not posted or not renotify_due(view):
                return NOTHING
            message = in_thread(renotify_doc(view).content("m.text"), posted)
            return lambda uncertain: self.post(room, message, key=key, uncertain=uncertain)
        raise Permanent(t("outbox.unknown_kind", kind=row.kind))

    def _summary(self, session: Session, row: OutboxMessage, workspace: Workspace) -> Action:
        body, week = json.loads(row.body or "{}"), body_week(row.body)
        room, key = summary_place(row, workspace), row.key
        if row.kind == "summary.post":
            content = summary_doc(build_summary(session, workspace, week)).content("m.text")
            return lambda uncertain: self.post(room, content, key=key, uncertain=uncertain)
        posted = sent_summary(session, workspace, week)
        if posted is None:
            return NOTHING
        root = posted.ts
        if row.kind == "summary.update":
            content = summary_doc(build_summary(session, workspace, week)).content("m.text")
            return lambda _: self.edit(room, root, content)
        if row.kind == "summary.comments":
            parts = summary_thread(build_summary(session, workspace, week))
            if body.get("part", 0) >= len(parts):
                return NOTHING
            content = parts[body.get("part", 0)].content("m.notice")
        elif row.kind == "summary.note":
            content = note_doc(body.get("text", "")).content("m.notice")
        else:
            raise Permanent(t("outbox.unknown_kind", kind=row.kind))
        message = in_thread(content, root)
        return lambda uncertain: self.post(room, message, key=key, uncertain=uncertain)

    def _reminder(self, session: Session, row: OutboxMessage, workspace: Workspace) -> Action:
        reminder = row_reminder(session, row, workspace)
        if reminder is None:
            return NOTHING  # reported (or muted) since the reminder was queued
        content, key = reminder_doc(reminder).content("m.text"), row.key
        shared = {workspace.summary_channel, workspace.alert_channel} - {None}
        return lambda uncertain: self.post(self.direct_room(reminder.user_id, shared), content, key=key,
                                           uncertain=uncertain)
