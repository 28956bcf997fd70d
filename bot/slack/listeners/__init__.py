"""Thin Slack listeners, grouped by kind, each module with its `register(app, slack)`: payload → Invocation →
command → rendered reply; one error handler for all."""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from slack_bolt import App
from sqlalchemy.engine import Engine

from bot.slack.listeners import actions, errors, forms, home, insats, slash
from commands.core.context import Invocation
from commands.core.refusals import refusal
from commands.core.reply import Notice
from commands.core.texts import t
from storage import queries


@functools.cache
def _executor() -> ThreadPoolExecutor:
    """A small pool for work after the ack (year pictures, exports)."""
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="veckolage-files")


@dataclass(frozen=True)
class Listening:
    """What every listener needs: the database, the time, how to wake the outbox and to work after the ack."""

    engine: Engine
    clock: Callable[[], datetime]
    notify: Callable[[], None]
    background: Callable[[Callable[[], None]], object]
    present: Callable[[object], object] = lambda reply: reply  # what only this process adds (bot/web/chat_reply.py)

    def invocation(self, session, body: dict, request_id: str | None = None) -> Invocation | None:
        """Who asks, where and now, from a Slack payload; None when the workspace is not set up."""
        team = body.get("team_id") or (body.get("team") or {}).get("id")
        user = body.get("user_id") or (body.get("user") or {}).get("id")
        workspace = queries.workspace_for(session, key=team)
        if workspace is None or not user:
            return None
        channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
        return Invocation(workspace.id, user, self.clock(), channel, request_id, workspace)

    @staticmethod
    def not_set_up() -> Notice:
        """The answer in a workspace Veckoläge does not serve."""
        return refusal(t("error.workspace"))


def register_listeners(
    app: App, *, engine: Engine, clock: Callable[[], datetime], notify: Callable[[], None] = lambda: None,
    background: Callable[[Callable[[], None]], object] | None = None,
    present: Callable[[object], object] = lambda reply: reply,
) -> None:
    """Attach every listener and the error handler; `notify` wakes the outbox after a commit,
    `background` runs slow work (drawing, uploads) after the ack, and `present` adds what only this
    process knows to a reply (a kiosk link's web address, bot/web/chat_reply.py)."""
    listening = Listening(engine, clock, notify, background or _executor().submit, present)
    for group in (slash, forms, actions, home, insats, errors):
        group.register(app, listening)
