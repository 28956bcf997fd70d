"""Buttons: the reminder's "open the form" and the alert's Kvittera."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from bot.slack.alert_blocks import ACK_ACTION
from bot.slack.blocks import render
from bot.slack.rating_modal import rating_view
from bot.slack.reminder_blocks import OPEN_FORM_ACTION
from commands.core.matching import plain_int
from commands.core.reply import RatingForm
from commands.events.manage import acknowledge
from commands.registry import dispatch
from storage.db import session_scope

if TYPE_CHECKING:
    from bot.slack.listeners import Listening


def register(app: App, slack: Listening) -> None:
    """The two buttons."""

    @app.action(OPEN_FORM_ACTION)
    def open_form_from_reminder(ack, body, action, client, respond) -> None:
        with session_scope(slack.engine) as session:
            inv = slack.invocation(session, body)
            reply = dispatch("lage", action.get("value", ""), inv, session) if inv else slack.not_set_up()
        if isinstance(reply, RatingForm):
            client.views_open(trigger_id=body["trigger_id"], view=rating_view(reply, channel_id=None))
            ack()
            return
        ack()
        respond(response_type="ephemeral", replace_original=False, **render(reply))

    @app.action(ACK_ACTION)
    def acknowledged(ack, body, action, respond) -> None:
        with session_scope(slack.engine) as session:
            inv = slack.invocation(session, body)
            number = plain_int(str(action.get("value") or "")) or 0  # a number we put there; never trusted
            reply = acknowledge(number, inv, session) if inv else slack.not_set_up()
        slack.notify()
        ack()
        if reply.tone != "ok":
            respond(response_type="ephemeral", replace_original=False, **render(reply))
