"""Submitted modals: the rating form and the event form, all or nothing, errors shown beside their fields."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from bot.slack.event_modal import CALLBACK_ID as EVENT_CALLBACK_ID
from bot.slack.event_modal import read_event_submission
from bot.slack.rating_modal import CALLBACK_ID, done_view, read_submission
from bot.slack.views import form_errors
from commands.core.reply import FieldErrors
from commands.events.report import submit_event_form
from commands.rating.rate_form import submit_form
from storage.db import session_scope

if TYPE_CHECKING:
    from bot.slack.listeners import Listening


def register(app: App, slack: Listening) -> None:
    """The two form submissions."""

    @app.view(EVENT_CALLBACK_ID)
    def event_submitted(ack, body, view) -> None:
        fields = read_event_submission(view)
        submit_once(slack, ack, body, view, lambda inv, session: submit_event_form(inv, session, **fields))

    @app.view(CALLBACK_ID)
    def rating_submitted(ack, body, view) -> None:
        week, entries = read_submission(view)
        with session_scope(slack.engine) as session:
            inv = slack.invocation(session, body)
            reply = submit_form(inv, session, week=week, entries=entries) if inv else slack.not_set_up()
        close_form(ack, reply)


def submit_once(slack: Listening, ack, body, view, submit) -> None:
    """A form that reports something: `submit(invocation, session)` in one transaction keyed by the view id
    (a double-click acts once), then the outbox woken and the form closed."""
    with session_scope(slack.engine) as session:
        inv = slack.invocation(session, body, f"view:{view.get('id')}")
        reply = submit(inv, session) if inv else slack.not_set_up()
    slack.notify()
    close_form(ack, reply)


def close_form(ack, reply) -> None:
    """Errors beside their fields, or the form replaced by what was saved."""
    if isinstance(reply, FieldErrors):
        ack(response_action="errors", errors=form_errors(reply))
    else:
        ack(response_action="update", view=done_view(reply))
