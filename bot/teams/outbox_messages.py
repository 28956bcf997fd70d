"""What each kind of outbox row shows in Teams, read fresh from the database at delivery time: the content half
of a Teams delivery (bot/teams/delivery.py makes the calls, bot/teams/deliverer.py drives both).

`teams_message(session, row, workspace)` → the message to post or update, or None when there is nothing to
deliver (an alert withdrawn before its reminder, a reminder whose partner has reported since). Where it goes
(the channel, the thread, the person's 1:1 chat) is the row's, as for Slack.
"""

from __future__ import annotations

import json

from sqlmodel import Session

from bot.jobs.deliveries import renotify_due, row_reminder
from bot.teams.alert_card import alert_card, alert_summary
from bot.teams.card_text import block, card, mentions_block
from bot.teams.names import names_for, names_shown
from bot.teams.reminder_card import reminder_card
from bot.teams.render import TeamsMessage
from bot.teams.summary_card import comment_cards, note_card, summary_cards
from commands.core.spans import rich
from commands.core.texts import t
from commands.events.view import alert_view
from commands.rhythm.summary import Summary, body_week, build_summary
from storage.models import Event, OutboxMessage, Workspace
from storage.queries import events as event_queries


def teams_message(session: Session, row: OutboxMessage, workspace: Workspace, *,
                  event: Event | None = None) -> TeamsMessage | None:
    """The Teams message for an outbox row (alert.*, summary.*, reminder), or None: nothing to send (`event`:
    an alert row's event when the caller has read it already). People are named as Teams last showed them."""
    with names_shown(names_for(session, workspace.id)):
        return _message(session, row, workspace, event)


def _message(session: Session, row: OutboxMessage, workspace: Workspace, event: Event | None) -> TeamsMessage | None:
    kind = row.kind.split(".")[0]
    if kind == "alert":
        return _alert(session, row, workspace, event)
    if kind == "summary":
        return _summary(session, row, workspace)
    if kind == "reminder":
        reminder = row_reminder(session, row, workspace)
        return None if reminder is None else TeamsMessage(t("reminder.button"), reminder_card(reminder))
    raise ValueError(t("outbox.unknown_kind", kind=row.kind))


def _alert(session: Session, row: OutboxMessage, workspace: Workspace, event: Event | None) -> TeamsMessage | None:
    if event is None:
        event = event_queries.event_by_id(session, workspace_id=row.workspace_id, event_id=row.subject_id)
    if event is None:
        return None
    view = alert_view(session, workspace, event)
    if row.kind in ("alert.post", "alert.update"):
        return TeamsMessage(alert_summary(view), alert_card(view))
    if row.kind == "alert.renotify":
        if not renotify_due(view):
            return None
        text = rich("alert.renotify", type=view.type_name, area=view.area, minutes=view.renotify_minutes,
                    coordinators="").rstrip()
        pinged, entities = mentions_block(list(view.coordinators), t("teams.mention.coordinator"))
        body = [block(text), pinged] if entities else [block(text)]  # the coordinators are notified
        return TeamsMessage(t("alert.title", type=view.type_name, area=view.area), card(body, entities=entities))
    raise ValueError(t("outbox.unknown_kind", kind=row.kind))


def summary_replies(summary: Summary) -> list[dict]:
    """The summary's thread on Teams: the grid's tables that did not fit the post, then the comments' cards."""
    return summary_cards(summary)[1:] + comment_cards(summary)


def _summary(session: Session, row: OutboxMessage, workspace: Workspace) -> TeamsMessage | None:
    week = body_week(row.body)
    title = t("summary.title", week=week.label)
    if row.kind in ("summary.post", "summary.update"):
        cards = summary_cards(build_summary(session, workspace, week))
        return TeamsMessage(title, cards[0])  # a grid wider than one message continues in the thread
    if row.kind == "summary.comments":
        part = json.loads(row.body or "{}").get("part", 0)
        replies = summary_replies(build_summary(session, workspace, week))
        return TeamsMessage(title, replies[part]) if part < len(replies) else None
    if row.kind == "summary.note":
        return TeamsMessage(title, note_card(json.loads(row.body or "{}").get("text", "")))
    raise ValueError(t("outbox.unknown_kind", kind=row.kind))
