"""Slack listeners of the insats feature: the form's submission and the alert's "Planera insats" button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from bot.slack.blocks import render
from bot.slack.insats_modal import CALLBACK_ID, PLAN_ACTION, insats_view, read_insats_submission
from bot.slack.listeners.forms import submit_once
from commands.core.matching import plain_int
from commands.core.refusals import unknown_user_refusal
from commands.insats.register import plan_form, submit_insats_form
from commands.insats.replies import InsatsForm
from storage.db import session_scope

if TYPE_CHECKING:
    from bot.slack.listeners import Listening


def register(app: App, slack: Listening) -> None:
    """The form's submit and the alert button; the slash command itself goes through the registry."""

    @app.view(CALLBACK_ID)
    def insats_submitted(ack, body, view) -> None:
        fields = read_insats_submission(view)
        submit_once(slack, ack, body, view, lambda inv, session: submit_insats_form(inv, session, **fields))

    @app.action(PLAN_ACTION)
    def plan_from_alert(ack, body, action, client, respond) -> None:
        """Open the insats form with the alerted event's area chosen (the value is a number we put there)."""
        with session_scope(slack.engine) as session:
            inv = slack.invocation(session, body)
            number = plain_int(str(action.get("value") or "")) or 0
            reply = plan_form(inv, session, number) if inv else unknown_user_refusal()
        ack()
        if not isinstance(reply, InsatsForm):
            respond(response_type="ephemeral", replace_original=False, **render(reply))
            return
        client.views_open(trigger_id=body["trigger_id"], view=insats_view(reply, channel_id=None))
