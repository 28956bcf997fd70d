"""The outbox on Teams: the same claim / lease / retry loop as Slack and Matrix (bot/jobs/outbox_worker.py), with
the Bot Framework connector's calls (bot/teams/delivery.py) behind it and the cards of bot/teams/outbox_messages.py.

- Alerts are cards with Kvittera in the alert channel, updated in place (the activity id Teams returns is kept as
  the row's and the event's `ts`); the one re-notification is a reply in the alert's thread.
- The Monday summary is posted in the summary channel and updated in place; its further tables, the comments and
  the "uppdaterad" notes are replies in its thread. Reminders are proactive messages in the person's 1:1 chat,
  through the conversation reference stored when the app was installed for them or they spoke to the bot.
- 429 with Retry-After holds every row of the workspace for that long without spending an attempt; 429 without
  it, 412 and 5xx, timeouts and dropped connections are retried with back-off; other 4xx fail the row at once.

Exactly once, and its limit: Teams keeps no key of ours and offers the bot no way to read a channel back, so a
post whose answer was lost (a timeout, a dropped connection or a 5xx after the request went out, a crash before the
answer was recorded) cannot be looked for. Losing an alert is worse than showing it twice, so such a post is sent
again: at least once, with at most one duplicate per lost answer (each copy's Kvittera works). Answers that say
nothing landed (429, 412, refusals) are retried without that risk, and updates in place are idempotent.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.jobs.chat_deliverer import ChatDeliverer
from bot.jobs.deliveries import NOTHING, Action, Outcome, Permanent, alert_place, sent_summary, summary_place
from bot.jobs.delivery_errors import RateLimited, RetryLater
from bot.jobs.outbox_worker import Policy
from bot.teams.delivery import PLATFORM, TeamsDelivery, TeamsRefused, TeamsRetry
from bot.teams.outbox_messages import summary_replies, teams_message
from bot.teams.render import TeamsMessage
from bot.teams.token import TokenRefused
from commands.core.identity import TEAMS
from commands.core.texts import t
from commands.rhythm.summary import body_week
from storage.models import OutboxMessage, Workspace
from storage.queries import conversation_refs

log = logging.getLogger("veckolage.teams.outbox")
# Nothing to look for after a lost answer (Teams cannot be searched by our key): no window to wait out.
TEAMS_POLICY = dict(confirm_window=timedelta(0), lookup_pace=timedelta(0))
RATE_LIMIT = "teams"  # the connector limits the bot as a whole: a 429 holds all of the workspace's rows


def _fails(problem: str) -> Action:
    """An action that is retried later without calling Teams (nowhere to send yet)."""
    def action(_uncertain: bool) -> Outcome:
        raise RetryLater(problem)
    return action


class TeamsDeliverer(ChatDeliverer):
    """Delivers due outbox rows to Teams; safe in several threads or processes at once."""

    POLICY = TEAMS_POLICY
    PLATFORM = TEAMS

    def __init__(self, engine: Engine, delivery: TeamsDelivery, *, clock: Callable[[], datetime],
                 policy: Policy | None = None, worker_id: str | None = None, batch: int = 10) -> None:
        super().__init__(engine, clock=clock, policy=policy, worker_id=worker_id, batch=batch)
        self.delivery = delivery

    def thread_parts(self, summary) -> int:
        return len(summary_replies(summary))

    # -- the calls ------------------------------------------------------------------------------------------

    def post(self, endpoint: str, conversation: str, message: TeamsMessage, *, key: str, uncertain: bool,
             reply_to: str | None = None) -> Outcome:
        """A new message (a reply in `reply_to`'s thread when given). After a lost answer it is sent again: Teams
        cannot be asked whether the earlier one landed (see the module's note)."""
        self._token()
        if uncertain:
            log.warning("Teams: %s may have landed in an attempt at %s whose answer was lost; Teams cannot be "
                        "searched for it, so it is posted again (it may show twice)", key, self._unsure)
        earlier, self._unsure = self._unsure, self._now  # from here the post may land without our hearing of it
        try:
            delivered = self.delivery.post(endpoint, conversation, message, reply_to=reply_to)
        except TeamsRetry as error:
            if not error.maybe_landed:
                self._unsure = earlier  # Teams said no (429, 412): this attempt left nothing behind
            raise _again(error) from error
        except TeamsRefused as error:
            self._unsure = earlier
            raise Permanent(t("teams.outbox.refused", status=error.status or "?")) from error
        except (KeyError, TypeError) as error:  # an answer without an activity id: it may have landed
            raise RetryLater(f"{type(error).__name__}: {error}") from error
        return Outcome(delivered.conversation_id, delivered.activity_id)

    def update(self, endpoint: str, conversation: str, activity_id: str, message: TeamsMessage) -> Outcome:
        """Show the current content in the message `activity_id`, for everyone (idempotent)."""
        self._token()
        try:
            self.delivery.update(endpoint, conversation, activity_id, message)
        except TeamsRetry as error:
            raise _again(error) from error
        except TeamsRefused as error:
            raise Permanent(t("teams.outbox.refused", status=error.status or "?")) from error
        return Outcome(conversation, activity_id)

    def _token(self) -> None:
        """The bot's token before any call: a token service that is down or refuses sends nothing, and is retried
        (a secret renewed by an admin makes the waiting messages go out)."""
        try:
            self.delivery.token()
        except (TokenRefused, httpx.HTTPError, KeyError, ValueError) as error:
            raise RetryLater(t("teams.outbox.token", error=error)) from error

    @staticmethod
    def _endpoint(session: Session, workspace: Workspace, conversation: str) -> str | None:
        """The connector address for a conversation: its own stored reference, else the newest one seen from the
        collaboration's tenant (Teams serves a tenant's conversations from one regional address)."""
        ref = conversation_refs.conversation(session, platform=PLATFORM, conversation_id=conversation)
        if ref is not None and ref.endpoint:
            return ref.endpoint
        return conversation_refs.latest_endpoint(session, platform=PLATFORM, team=workspace.key)

    # -- the kinds ------------------------------------------------------------------------------------------

    def _alert(self, session: Session, row: OutboxMessage, workspace: Workspace) -> Action:
        place = alert_place(session, row, workspace)
        if place is None:
            return NOTHING
        event, channel = place
        posted, key = event.alert_ts, row.key
        message = teams_message(session, row, workspace, event=event)
        if row.kind == "alert.update" and not posted:
            return NOTHING  # not posted yet: the post will show the current state
        if row.kind == "alert.renotify" and (not posted or message is None):
            return NOTHING  # acknowledged, withdrawn or no longer critical
        endpoint = self._endpoint(session, workspace, channel)
        if endpoint is None:
            return _fails(t("teams.outbox.no_endpoint"))
        if row.kind in ("alert.post", "alert.update") and posted:
            return lambda _: self.update(endpoint, channel, posted, message)
        if row.kind == "alert.post":
            return lambda uncertain: self.post(endpoint, channel, message, key=key, uncertain=uncertain)
        return lambda uncertain: self.post(endpoint, channel, message, key=key, uncertain=uncertain, reply_to=posted)

    def _summary(self, session: Session, row: OutboxMessage, workspace: Workspace) -> Action:
        week, key = body_week(row.body), row.key
        channel = summary_place(row, workspace)
        root = None
        if row.kind != "summary.post":
            posted = sent_summary(session, workspace, week)
            if posted is None:
                return NOTHING
            root, channel = posted.ts, posted.channel or channel
        message = teams_message(session, row, workspace)
        if message is None:
            return NOTHING  # no thread of nothing
        endpoint = self._endpoint(session, workspace, channel)
        if endpoint is None:
            return _fails(t("teams.outbox.no_endpoint"))
        if row.kind == "summary.post":
            return lambda uncertain: self.post(endpoint, channel, message, key=key, uncertain=uncertain)
        if row.kind == "summary.update":
            return lambda _: self.update(endpoint, channel, root, message)
        return lambda uncertain: self.post(endpoint, channel, message, key=key, uncertain=uncertain, reply_to=root)

    def _reminder(self, session: Session, row: OutboxMessage, workspace: Workspace) -> Action:
        message = teams_message(session, row, workspace)
        if message is None:
            return NOTHING  # reported (or muted) since the reminder was queued
        user, key = json.loads(row.body or "{}")["user"], row.key
        chat = conversation_refs.personal_chat(session, platform=PLATFORM, user_id=user.lower())
        if chat is None or not chat.endpoint:
            raise Permanent(t("teams.outbox.no_personal_chat", user=user))
        endpoint, conversation = chat.endpoint, chat.conversation_id
        return lambda uncertain: self.post(endpoint, conversation, message, key=key, uncertain=uncertain)


def _again(error: TeamsRetry) -> Exception:
    """The outbox's view of a retry: a 429 with Retry-After holds the workspace and costs no attempt."""
    if error.status == 429 and error.retry_after is not None:
        return RateLimited(error.retry_after, method=RATE_LIMIT, problem="HTTP 429")
    cause = error.__cause__
    problem = f"HTTP {error.status}" if error.status else f"{type(cause).__name__}: {cause}"
    return RetryLater(problem, error.retry_after)

