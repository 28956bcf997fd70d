"""Thin listeners: payload → Invocation → command → rendered reply; one error handler for all."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime

from slack_bolt import App, BoltResponse
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.blocks import render
from bot.rating_modal import CALLBACK_ID, done_view, errors_for, rating_view, read_submission
from commands.context import Invocation
from commands.rate_form import submit_form
from commands.registry import SLASH_COMMANDS, dispatch
from commands.reply import FieldErrors, Notice, RatingForm
from commands.texts import t
from storage import queries
from storage.db import session_scope

log = logging.getLogger("veckolage.slack")


def register_listeners(app: App, *, engine: Engine, clock: Callable[[], datetime]) -> None:
    """Attach every listener and the error handler to the app."""

    def invocation(session, body: dict) -> Invocation | None:
        team = body.get("team_id") or (body.get("team") or {}).get("id")
        user = body.get("user_id") or (body.get("user") or {}).get("id")
        workspace = queries.workspace_for(session, key=team)
        if workspace is None or not user:
            return None
        return Invocation(workspace.id, user, clock(), body.get("channel_id"))

    def slash(ack, body, client) -> None:
        with session_scope(engine) as session:  # committed before anything goes to Slack
            inv = invocation(session, body)
            reply = (dispatch(body["command"], body.get("text", ""), inv, session) if inv
                     else Notice("error", t("error.title"), (t("error.workspace"),)))
        if isinstance(reply, RatingForm):
            client.views_open(trigger_id=body["trigger_id"], view=rating_view(reply, channel_id=inv.channel_id))
            ack()
            return
        ack(response_type="ephemeral", **render(reply))

    for command in SLASH_COMMANDS:
        app.command(command.name)(slash)

    @app.view(CALLBACK_ID)
    def rating_submitted(ack, body, view) -> None:
        week, entries = read_submission(view)
        with session_scope(engine) as session:
            inv = invocation(session, body)
            reply = (submit_form(inv, session, week=week, entries=entries) if inv
                     else Notice("error", t("error.title"), (t("error.workspace"),)))
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
