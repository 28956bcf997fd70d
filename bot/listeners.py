"""Thin listeners: payload → Invocation → command → rendered reply; one error handler for all."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from slack_bolt import App, BoltResponse
from slack_sdk.errors import SlackClientError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError, TimeoutError

from bot.alerts import ACK_ACTION
from bot.blocks import render
from bot.event_modal import CALLBACK_ID as EVENT_CALLBACK_ID
from bot.event_modal import read_event_submission
from bot.home_view import home_view
from bot.rating_modal import CALLBACK_ID, done_view, rating_view, read_submission
from bot.reminder_blocks import OPEN_FORM_ACTION
from bot.slack_inbound import neutral
from bot.slack_manifest import family, slash_commands
from bot.slack_views import VIEWS, form_errors
from bot.year_delivery import send_export, send_file, send_year_picture
from commands.context import Invocation
from commands.event_manage import acknowledge
from commands.event_report import submit_event_form
from commands.home import Home, home
from commands.matching import plain_int
from commands.rate_form import submit_form
from commands.registry import canonical, dispatch
from commands.reply import EventForm, ExportRequest, FieldErrors, FileReply, Notice, RatingForm, YearRequest
from commands.texts import t
from storage import answered, queries
from storage.db import CommitUnknown, rolled_back, session_scope

log = logging.getLogger("veckolage.slack")


@functools.cache
def _executor() -> ThreadPoolExecutor:
    """A small pool for work after the ack (year pictures, exports)."""
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="veckolage-files")


def register_listeners(
    app: App, *, engine: Engine, clock: Callable[[], datetime], notify: Callable[[], None] = lambda: None,
    background: Callable[[Callable[[], None]], object] | None = None,
    present: Callable[[object], object] = lambda reply: reply,
) -> None:
    """Attach every listener and the error handler; `notify` wakes the outbox after a commit,
    `background` runs slow work (drawing, uploads) after the ack, and `present` adds what only this
    process knows to a reply (a kiosk link's web address, bot/web/chat_reply.py)."""
    background = background or _executor().submit

    def invocation(session, body: dict, request_id: str | None = None) -> Invocation | None:
        team = body.get("team_id") or (body.get("team") or {}).get("id")
        user = body.get("user_id") or (body.get("user") or {}).get("id")
        workspace = queries.workspace_for(session, key=team)
        if workspace is None or not user:
            return None
        channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
        return Invocation(workspace.id, user, clock(), channel, request_id, workspace)

    def not_set_up() -> Notice:
        return Notice("error", t("error.title"), (t("error.workspace"),))

    def slash(ack, body, client, respond) -> None:
        trigger = body.get("trigger_id")
        # One request, one effect: a retried request gets the first answer. /lage needs no record (a
        # report that repeats the cell changes nothing, storage/rating_write.py) and is the hot path.
        once = bool(trigger) and canonical(family(body["command"])) != "lage"
        try:
            with session_scope(engine) as session:  # committed before anything goes to Slack
                inv = invocation(session, body, f"trigger:{trigger}" if trigger else None)
                first = answered.answer_to(session, workspace_id=inv.workspace_id, key=inv.request_id) \
                    if inv and once else None
                if first is None:
                    reply = dispatch(family(body["command"]), neutral(body.get("text", "")), inv, session) if inv else not_set_up()
                    reply = present(reply)
                    answer = _answer(reply)
                    if inv and once and answer is not None and _acted(reply):
                        answered.remember(session, workspace_id=inv.workspace_id, key=inv.request_id,
                                          answer=answer, now=inv.now)
        except answered.AlreadyAnswered:  # the same request, at the same time, committed first
            with session_scope(engine) as session:
                first = answered.answer_to(session, workspace_id=inv.workspace_id, key=inv.request_id)
        if first is not None:
            ack(**first)
            return
        notify()
        if isinstance(reply, YearRequest | ExportRequest | FileReply):
            ack(**answer)
            background(lambda: _send_file(reply, inv, client, respond))
            return
        if isinstance(reply, RatingForm | EventForm):
            client.views_open(trigger_id=trigger, view=VIEWS[type(reply)](reply, channel_id=inv.channel_id))
            ack()
            return
        ack(**answer)

    for command in slash_commands():
        app.command(command["command"])(slash)

    @app.view(EVENT_CALLBACK_ID)
    def event_submitted(ack, body, view) -> None:
        fields = read_event_submission(view)
        with session_scope(engine) as session:  # the view id makes a double-click one event
            inv = invocation(session, body, f"view:{view.get('id')}")
            reply = submit_event_form(inv, session, **fields) if inv else not_set_up()
        notify()
        if isinstance(reply, FieldErrors):
            ack(response_action="errors", errors=form_errors(reply))
        else:
            ack(response_action="update", view=done_view(reply))

    @app.event("app_home_opened")
    def home_opened(event, body, client) -> None:
        if event.get("tab") not in (None, "home"):
            return
        with session_scope(engine) as session:
            inv = invocation(session, {"team_id": body.get("team_id"), "user_id": event.get("user")})
            view = home_view(home(inv, session)) if inv else home_view(Home(known=False))
        client.views_publish(user_id=event["user"], view=view)

    @app.action(OPEN_FORM_ACTION)
    def open_form_from_reminder(ack, body, action, client, respond) -> None:
        with session_scope(engine) as session:
            inv = invocation(session, body)
            reply = dispatch("lage", action.get("value", ""), inv, session) if inv else not_set_up()
        if isinstance(reply, RatingForm):
            client.views_open(trigger_id=body["trigger_id"], view=rating_view(reply, channel_id=None))
            ack()
            return
        ack()
        respond(response_type="ephemeral", replace_original=False, **render(reply))

    @app.action(ACK_ACTION)
    def acknowledged(ack, body, action, respond) -> None:
        with session_scope(engine) as session:
            inv = invocation(session, body)
            number = plain_int(str(action.get("value") or "")) or 0  # a number we put there; never trusted
            reply = acknowledge(number, inv, session) if inv else not_set_up()
        notify()
        ack()
        if reply.tone != "ok":
            respond(response_type="ephemeral", replace_original=False, **render(reply))

    @app.view(CALLBACK_ID)
    def rating_submitted(ack, body, view) -> None:
        week, entries = read_submission(view)
        with session_scope(engine) as session:
            inv = invocation(session, body)
            reply = submit_form(inv, session, week=week, entries=entries) if inv else not_set_up()
        if isinstance(reply, FieldErrors):
            ack(response_action="errors", errors=form_errors(reply))
        else:
            ack(response_action="update", view=done_view(reply))

    def _answer(reply) -> dict | None:
        """The slash command's ack: the rendered reply ("working on it" for files), None for a form."""
        if isinstance(reply, RatingForm | EventForm):
            return None
        return {"response_type": "ephemeral", **render(reply)}

    def _acted(reply) -> bool:
        """The reply says something changed (an ok notice) or a file is on its way."""
        return isinstance(reply, YearRequest | ExportRequest | FileReply) or (
            isinstance(reply, Notice) and reply.tone == "ok")

    def _send_file(reply, inv: Invocation, client, respond) -> None:
        try:
            if isinstance(reply, YearRequest):
                send_year_picture(engine, client, reply, workspace_id=inv.workspace_id, user_id=inv.user_id,
                                  respond=respond)
            elif isinstance(reply, FileReply):
                send_file(client, reply, respond=respond)
            else:
                send_export(engine, client, reply, workspace_id=inv.workspace_id, respond=respond)
        except Exception:  # after the ack no error handler sees this: log it and tell the user
            log.exception("Building or sending a file failed")
            respond(response_type="ephemeral", replace_original=False, text=t("error.internal"))

    @app.error
    def on_error(error: Exception, body: dict, logger: logging.Logger) -> BoltResponse:
        """Log the traceback; tell the user in Swedish what happened to what they sent."""
        logger.error("Request failed (%s): %s", body.get("command") or body.get("type"), error, exc_info=error)
        payload_type = body.get("type")
        text = t(_failure_text(error), check=_where_to_check(body))
        if payload_type == "view_submission":
            payload = {"response_action": "update", "view": done_view(Notice("error", t("error.title"), (text,)))}
        else:
            payload = {"response_type": "ephemeral", **render(Notice("error", t("error.title"), (text,)))}
        return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})


def _failure_text(error: Exception) -> str:
    """"inget sparades" only when the transaction surely rolled back; a lost COMMIT is said to be unknown."""
    if isinstance(error, CommitUnknown):
        return "error.commit_unknown"
    unreachable = isinstance(error, OperationalError | TimeoutError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)
    if unreachable and rolled_back(error):
        return "error.database"
    # A Slack call that fails in a listener opens or publishes a view: those paths only read.
    return "error.internal" if rolled_back(error) or isinstance(error, SlackClientError) else "error.internal_unknown"


def _where_to_check(body: dict) -> str:
    """The command that shows whether a request's change is stored."""
    is_event = canonical(body.get("command") or "") == "/handelse" or (body.get("view") or {}).get("callback_id") == EVENT_CALLBACK_ID
    return "/handelse lista" if is_event else "/veckolage"
