"""Slack listeners of the insats feature: the form's submission and the alert's "Planera insats" button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from bot.slack.blocks import render
from bot.slack.insats_modal import CALLBACK_ID, PLAN_ACTION, insats_view, read_insats_submission
from bot.slack.listeners.forms import submit_once
from commands.core.context import load_caller
from commands.core.matching import plain_int
from commands.core.refusals import refusal, unknown_user_refusal
from commands.core.texts import t
from commands.insats.register import form, submit_insats_form
from storage import queries
from storage.db import session_scope
from storage.queries import events as event_queries

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
            caller = load_caller(session, inv) if inv else None
            if caller is None or not caller.known or (caller.partner is None and not caller.coordinator):
                reply = unknown_user_refusal() if caller is None or not caller.known else \
                    refusal(t("insats.error.not_member"))
                view = None
            else:
                number = plain_int(str(action.get("value") or "")) or 0
                event = event_queries.event_by_id(session, workspace_id=caller.workspace.id, event_id=number)
                partners = queries.active_partners(session, workspace_id=caller.workspace.id)
                view = insats_view(form(caller, partners, event.area_id if event else None), channel_id=None)
        ack()
        if view is None:
            respond(response_type="ephemeral", replace_original=False, **render(reply))
            return
        client.views_open(trigger_id=body["trigger_id"], view=view)
