"""The console sends nothing to Slack, and leaves nothing that a later start would send.

A command queues its Slack messages in the outbox in its own transaction. In the console that transaction
takes them back before it commits: a new row is deleted (so the clock can still claim a summary for real),
a row that was done and was queued again gets its old state back. The reply then says what was not sent,
instead of promising that it goes out now.
"""

from __future__ import annotations

import dataclasses
import re

from sqlalchemy import select
from sqlmodel import Session

from bot.console.render import plain
from commands.core.reply import Notice
from commands.core.spans import Text
from commands.core.texts import SV, t
from storage import outbox
from storage.models import OutboxMessage

PROMISES = ("event.saved.alert", "event.updates_alert", "publish.queued", "publish.refresh")  # "… nu"
NOT_SENT = {"alert.post": "console.not_sent.alert", "alert.update": "console.not_sent.alert_update",
            "alert.renotify": "console.not_sent.alert_update", "summary.post": "console.not_sent.summary",
            "summary.update": "console.not_sent.summary_update", "summary.note": "console.not_sent.summary_update",
            "summary.comments": "console.not_sent.summary_update", "reminder.dm": "console.not_sent.reminders"}
_PROMISED = [re.compile(re.escape(SV[key]).replace(r"\{channel\}", ".*").replace(r"\{week\}", ".*") + "$")
             for key in PROMISES]

State = dict[int, tuple[int, str]]


def snapshot(session: Session, workspace_id: int) -> State:
    """Every outbox row of the workspace: id → (generation, status), before the command runs."""
    rows = session.execute(select(OutboxMessage.id, OutboxMessage.generation, OutboxMessage.status)
                           .where(OutboxMessage.workspace_id == workspace_id))
    return {row.id: (row.generation, row.status) for row in rows}


def take_back(session: Session, workspace_id: int, before: State) -> list[str]:
    """Undo what the command queued for Slack (in its transaction); the kinds of message not sent."""
    kinds = []
    pending = select(OutboxMessage).where(OutboxMessage.workspace_id == workspace_id,
                                          OutboxMessage.status == outbox.PENDING)
    for row in session.execute(pending.order_by(OutboxMessage.id)).scalars():
        if row.id not in before:
            session.delete(row)
        elif before[row.id][1] != outbox.PENDING:
            row.generation, row.status = before[row.id]
        else:
            continue  # queued before the console started: not the console's to take back
        kinds.append(row.kind)
    session.flush()
    return kinds


def not_sent_lines(kinds: list[str]) -> list[str]:
    """One Swedish line per kind of message the console did not send."""
    keys = dict.fromkeys(NOT_SENT.get(kind, "console.not_sent.other") for kind in kinds)
    return [t(key) for key in keys]


def tell(reply, kinds: list[str]):
    """The reply without its promise to send now, and with what was not sent."""
    lines = not_sent_lines(kinds)
    if not isinstance(reply, Notice) or not lines:
        return reply
    kept = tuple(line for line in reply.lines if not _promised(line))
    if _promised(reply.title):  # the whole answer was the promise: the title tells what happened instead
        return dataclasses.replace(reply, tone="info", title=lines[0], lines=kept + tuple(lines[1:]))
    return dataclasses.replace(reply, lines=kept + tuple(lines))


def _promised(text: Text) -> bool:
    return any(p.match(plain(text)) for p in _PROMISED)
