"""Slash commands: one listener for every command the registry has, answered once per request."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from slack_bolt import App

from bot.files.chat_file import FILE_REPLIES
from bot.slack.blocks import render
from bot.slack.inbound import neutral
from bot.slack.manifest import family, slash_commands
from bot.slack.views import VIEWS
from bot.slack.year_delivery import send_to_dm, send_year_picture
from commands.core.context import Invocation
from commands.core.reply import Notice, YearRequest
from commands.core.texts import t
from commands.registry import canonical, dispatch
from storage.db import session_scope
from storage.queries import answered

if TYPE_CHECKING:
    from bot.slack.listeners import Listening

log = logging.getLogger("veckolage.slack")


def register(app: App, slack: Listening) -> None:
    """One listener for every slash command."""

    def slash(ack, body, client, respond) -> None:
        trigger = body.get("trigger_id")
        # One request, one effect: a retried request gets the first answer. /lage needs no record (a
        # report that repeats the cell changes nothing, storage/queries/rating_write.py) and is the hot path.
        once = bool(trigger) and canonical(family(body["command"])) != "lage"
        try:
            with session_scope(slack.engine) as session:  # committed before anything goes to Slack
                inv = slack.invocation(session, body, f"trigger:{trigger}" if trigger else None)
                first = answered.answer_to(session, workspace_id=inv.workspace_id, key=inv.request_id) \
                    if inv and once else None
                if first is None:
                    reply = dispatch(family(body["command"]), neutral(body.get("text", "")), inv, session) \
                        if inv else slack.not_set_up()
                    reply = slack.present(reply)
                    answer = _answer(reply)
                    if inv and once and answer is not None and _acted(reply):
                        answered.remember(session, workspace_id=inv.workspace_id, key=inv.request_id,
                                          answer=answer, now=inv.now)
        except answered.AlreadyAnswered:  # the same request, at the same time, committed first
            with session_scope(slack.engine) as session:
                first = answered.answer_to(session, workspace_id=inv.workspace_id, key=inv.request_id)
        if first is not None:
            ack(**first)
            return
        slack.notify()
        if isinstance(reply, FILE_REPLIES):  # made after the ack, then uploaded
            ack(**answer)
            slack.background(lambda: _send_file(slack, reply, inv, client, respond))
            return
        if type(reply) in VIEWS:
            client.views_open(trigger_id=trigger, view=VIEWS[type(reply)](reply, channel_id=inv.channel_id))
            ack()
            return
        ack(**answer)

    for command in slash_commands():
        app.command(command["command"])(slash)


def _answer(reply) -> dict | None:
    """The slash command's ack: the rendered reply ("working on it" for files), None for a form."""
    if type(reply) in VIEWS:
        return None
    return {"response_type": "ephemeral", **render(reply)}


def _acted(reply) -> bool:
    """The reply says something changed (an ok notice) or a file is on its way."""
    return isinstance(reply, FILE_REPLIES) or (
        isinstance(reply, Notice) and reply.tone == "ok")


def _send_file(slack: Listening, reply, inv: Invocation, client, respond) -> None:
    try:
        if isinstance(reply, YearRequest):
            send_year_picture(slack.engine, client, reply, workspace_id=inv.workspace_id, user_id=inv.user_id,
                              respond=respond)
        else:
            send_to_dm(slack.engine, client, reply, workspace_id=inv.workspace_id, respond=respond)
    except Exception:  # after the ack no error handler sees this: log it and tell the user
        log.exception("Building or sending a file failed")
        respond(response_type="ephemeral", replace_original=False, text=t("error.internal"))
