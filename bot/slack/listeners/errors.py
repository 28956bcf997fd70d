"""The one error handler: log the traceback, tell the user in Swedish what happened to what they sent."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from slack_bolt import App, BoltResponse
from slack_sdk.errors import SlackClientError
from sqlalchemy.exc import DBAPIError, OperationalError, TimeoutError

from bot.slack.blocks import render
from bot.slack.event_modal import CALLBACK_ID as EVENT_CALLBACK_ID
from bot.slack.insats_modal import CALLBACK_ID as INSATS_CALLBACK_ID
from bot.slack.rating_modal import done_view
from commands.core.refusals import refusal
from commands.core.texts import t
from commands.registry import canonical
from storage.db import CommitUnknown, rolled_back

if TYPE_CHECKING:
    from bot.slack.listeners import Listening


def register(app: App, _slack: Listening) -> None:
    """The error handler every listener shares."""

    @app.error
    def on_error(error: Exception, body: dict, logger: logging.Logger) -> BoltResponse:
        """Log the traceback; tell the user in Swedish what happened to what they sent."""
        logger.error("Request failed (%s): %s", body.get("command") or body.get("type"), error, exc_info=error)
        text = t(_failure_text(error), check=_where_to_check(body))
        if body.get("type") == "view_submission":
            payload = {"response_action": "update", "view": done_view(refusal(text))}
        else:
            payload = {"response_type": "ephemeral", **render(refusal(text))}
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
    is_event = canonical(body.get("command") or "") == "/handelse" or \
        (body.get("view") or {}).get("callback_id") == EVENT_CALLBACK_ID
    if canonical(body.get("command") or "") == "/insats" or \
            (body.get("view") or {}).get("callback_id") == INSATS_CALLBACK_ID:
        return "/insats lista alla"
    return "/handelse lista" if is_event else "/veckolage"
