"""Replies Slack shows in a modal rather than as a message: the forms, and the errors in a submitted form."""

from __future__ import annotations

from bot.slack.event_modal import event_view
from bot.slack.insats_modal import insats_view
from bot.slack.rating_modal import rating_view
from bot.slack.text import plain
from commands.core.reply import EventForm, FieldErrors, InsatsForm, RatingForm

VIEWS = {RatingForm: rating_view, EventForm: event_view, InsatsForm: insats_view}  # each builds the modal: (reply, *, channel_id) -> view


def form_errors(reply: FieldErrors) -> dict[str, str]:
    """The errors keyed by the form's block: `when` in the event form (area 0), `level-12` per area when rating."""
    return {field if area_id == 0 else f"{field}-{area_id}": plain(message)
            for (area_id, field), message in reply.errors.items()}


SHOWN_IN_A_MODAL = {**VIEWS, FieldErrors: form_errors}
