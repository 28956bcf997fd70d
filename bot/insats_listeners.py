"""Slack listeners of the insats feature: the form's submission and the alert's "Planera insats" button."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_bolt import App
from sqlalchemy.engine import Engine

from bot.blocks import render
from bot.insats_modal import CALLBACK_ID, PLAN_ACTION, insats_view, read_insats_submission
from bot.rating_modal import done_view
from bot.slack_views import form_errors
from commands.context import Invocation, load_caller
from commands.insats.register import form, submit_insats_form
from commands.matching import plain_int
from commands.rate import unknown_user_notice
from commands.reply import FieldErrors, Notice
from commands.texts import t
from storage import event_queries, queries
from storage.db import session_scope


def register_insats_listeners(app: App, *, engine: Engine, clock: Callable[[], datetime],
                              notify: Callable[[], None] = lambda: None) -> None:
    """The form's submit and the alert button; the slash command itself goes through the registry."""

    def invocation(session, body: dict, request_id: str | None = None) -> Invocation | None:
        team = body.get("team_id") or (body.get("team") or {}).get("id")
        user = body.get("user_id") or (body.get("user") or {}).get("id")
        workspace = queries.workspace_for(session, key=team)
        if workspace is None or not user:
            return None
        channel = (body.get("channel") or {}).get("id")
        return Invocation(workspace.id, user, clock(), channel, request_id, workspace)

    @app.view(CALLBACK_ID)
    def insats_submitted(ack, body, view) -> None:
        fields = read_insats_submission(view)
        with session_scope(engine) as session:  # the view id makes a double-click one insats
            inv = invocation(session, body, f"view:{view.get('id')}")
            reply = submit_insats_form(inv, session, **fields) if inv else \
                Notice("error", t("error.title"), (t("error.workspace"),))
        notify()
        if isinstance(reply, FieldErrors):
            ack(response_action="errors", errors=form_errors(reply))
        else:
            ack(response_action="update", view=done_view(reply))

    @app.action(PLAN_ACTION)
    def plan_from_alert(ack, body, action, client, respond) -> None:
        """Open the insats form with the alerted event's area chosen (the value is a number we put there)."""
        with session_scope(engine) as session:
            inv = invocation(session, body)
            caller = load_caller(session, inv) if inv else None
            if caller is None or not caller.known or (caller.partner is None and not caller.coordinator):
                reply = unknown_user_notice() if caller is None or not caller.known else \
                    Notice("error", t("error.title"), (t("insats.error.not_member"),))
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
