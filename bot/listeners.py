"""Thin listeners: payload → Invocation → command → rendered reply; one error handler for all."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime

from slack_bolt import App, BoltResponse
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.alerts import ACK_ACTION
from bot.blocks import render
from bot.event_modal import CALLBACK_ID as EVENT_CALLBACK_ID
from bot.event_modal import event_view, read_event_submission
from bot.rating_modal import CALLBACK_ID, done_view, errors_for, rating_view, read_submission
from bot.reminder_blocks import OPEN_FORM_ACTION
from commands.context import Invocation
from commands.event_manage import acknowledge
from commands.event_report import submit_event_form
from commands.rate_form import submit_form
from commands.registry import SLASH_COMMANDS, dispatch
from commands.reply import EventForm, FieldErrors, Notice, RatingForm
from commands.texts import t
from storage import queries
from storage.db import session_scope

log = logging.getLogger("veckolage.slack")


def register_listeners(
    app: App, *, engine: Engine, clock: Callable[[], datetime], notify: Callable[[], None] = lambda: None
) -> None:
    """Attach every listener and the error handler; `notify` wakes the outbox after a commit."""

    def invocation(session, body: dict, request_id: str | None = None) -> Invocation | None:
        team = body.get("team_id") or (body.get("team") or {}).get("id")
        user = body.get("user_id") or (body.get("user") or {}).get("id")
        workspace = queries.workspace_for(session, key=team)
        if workspace is None or not user:
            return None
        channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
        return Invocation(workspace.id, user, clock(), channel, request_id)

    def not_set_up() -> Notice:
        return Notice("error", t("error.title"), (t("error.workspace"),))

    def slash(ack, body, client) -> None:
        trigger = body.get("trigger_id")
        with session_scope(engine) as session:  # committed before anything goes to Slack
            inv = invocation(session, body, f"trigger:{trigger}" if trigger else None)
            reply = dispatch(body["command"], body.get("text", ""), inv, session) if inv else not_set_up()
        notify()
        if isinstance(reply, RatingForm | EventForm):
            build = rating_view if isinstance(reply, RatingForm) else event_view
            client.views_open(trigger_id=trigger, view=build(reply, channel_id=inv.channel_id))
            ack()
            return
        ack(response_type="ephemeral", **render(reply))

    for command in SLASH_COMMANDS:
        for name in (command.name, *command.aliases):
            app.command(name)(slash)

    @app.view(EVENT_CALLBACK_ID)
    def event_submitted(ack, body, view) -> None:
        fields = read_event_submission(view)
        with session_scope(engine) as session:  # the view id makes a double-click one event
            inv = invocation(session, body, f"view:{view.get('id')}")
            reply = submit_event_form(inv, session, **fields) if inv else not_set_up()
        notify()
        if isinstance(reply, FieldErrors):
            ack(response_action="errors", errors={field: message for (_, field), message in reply.errors.items()})
        else:
            ack(response_action="update", view=done_view(reply))

    @app.action(OPEN_FORM_ACTION)
    def open_form_from_reminder(ack, body, action, client, respond) -> None:
        with session_scope(engine) as session:
            inv = invocation(session, body)
            reply = dispatch("/lage", action.get("value", ""), inv, session) if inv else not_set_up()
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
            reply = acknowledge(int(action["value"]), inv, session) if inv else not_set_up()
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
            ack(response_action="errors", errors=errors_for(reply.errors))
        else:
            ack(response_action="update", view=done_view(reply))

    @app.error
    def on_error(error: Exception, body: dict, logger: logging.Logger) -> BoltResponse:
        """Log the traceback; tell the user in Swedish; nothing was saved (the session rolled back)."""
        logger.error("Request failed (%s): %s", body.get("command") or body.get("type"), error, exc_info=error)
        unreachable = isinstance(error, OperationalError) or (isinstance(error, DBAPIError) and
                                                               error.connection_invalidated)
        text = t("error.database") if unreachable else t("error.internal")
        if body.get("type") == "view_submission":
            payload = {"response_action": "update", "view": done_view(Notice("error", t("error.title"), (text,)))}
        else:
            payload = {"response_type": "ephemeral", **render(Notice("error", t("error.title"), (text,)))}
        return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})
