"""The Slack calls an outbox delivery makes: post (after looking for an earlier copy when an attempt's answer
was lost), update in place, open a DM. A mixin of `Deliverer`, whose state (the row, its unconfirmed attempt,
the pacing) these read and keep."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError

from bot.jobs.deliveries import Outcome, Permanent
from commands.core.texts import t
from storage import outbox
from storage.db import session_scope

log = logging.getLogger("veckolage.outbox")
SKEW = timedelta(seconds=10)  # our clock against Slack's, for the lookup window
LOOKUP_LIMIT = 15  # messages a conversations.history/replies request returns outside the Marketplace (2025)


class LookingFurther(Exception):
    """The lookup has another page: continue on the next check (Slack allows one request a minute)."""


class SlackCalls:
    """post, update, open_dm and the lookup, as `bot.jobs.deliveries` calls them on the Deliverer."""

    def post(self, channel: str | None, message: dict, *, key: str, check_first: bool,
             thread_ts: str | None = None) -> Outcome:
        """chat.postMessage, after looking for an earlier copy when a previous attempt may have landed."""
        if not channel:
            raise Permanent(t("outbox.no_channel"))
        if check_first and self._unsure is not None:
            found = self._find(channel, key, self._unsure, thread_ts)
            if found:  # it landed; bring it up to date, since it may have changed while unconfirmed
                log.info("Outbox %s was already in Slack (%s); not posting again", key, found)
                return self.update(channel, found, message)
            with session_scope(self.engine) as session:  # not there: from now on this post may land
                outbox.attempting(session, row_id=self._row[0], worker=self.worker_id, now=self._now)
        self._unsure, self._cursor = self._now, None
        self._last_post[channel] = self._now  # (a post whose answer is lost still counts for the pace)
        if thread_ts:
            message = {**message, "thread_ts": thread_ts}
        try:
            response = self.client.chat_postMessage(channel=channel, **message)
        except SlackApiError as error:
            refused = isinstance(error.response.data, dict) and error.response.get("error")
            if error.response.status_code == 429 or (refused and error.response.status_code < 500):
                self._unsure = None  # Slack said no: nothing landed
            raise
        except OSError as error:
            if isinstance(getattr(error, "reason", error), ConnectionRefusedError):
                self._unsure = None  # never reached Slack
            raise
        self._last_post[response["channel"]] = self._now
        return Outcome(response["channel"], response["ts"])

    def open_dm(self, user: str) -> str:
        """The DM channel with a user (remembered: a retry after a rate-limited post does not spend another
        of the workspace's conversations.open calls)."""
        if self._known_dm:  # opened by an earlier attempt of this row, in whichever process
            return self._known_dm
        key = (self.client.token, user)
        if key not in self._dms:
            if len(self._dms) >= 100_000:
                self._dms.clear()
            self._dms[key] = self.client.conversations_open(users=user)["channel"]["id"]
        self._opened_dm = self._dms[key]
        return self._opened_dm

    def update(self, channel: str, ts: str, message: dict) -> Outcome:
        """chat.update of a message we posted (the message keeps its ts)."""
        payload = {k: v for k, v in message.items() if k in ("text", "blocks", "metadata")}
        response = self.client.chat_update(channel=channel, ts=ts, **payload)
        self._last_post[channel] = self._now
        return Outcome(response.get("channel", channel), response.get("ts", ts))

    def _find(self, channel: str, key: str, attempted: datetime, thread_ts: str | None) -> str | None:
        """The ts of a message posted for this key by the attempt that started at `attempted`, if Slack has it:
        one request over [attempted - SKEW, attempted + confirm_window]; LookingFurther when it has more pages."""
        window = {"oldest": f"{(attempted - SKEW).timestamp():.6f}", "inclusive": True, "limit": LOOKUP_LIMIT,
                  "latest": f"{(attempted + self.policy.confirm_window).timestamp():.6f}",
                  "include_all_metadata": True, **({"cursor": self._cursor} if self._cursor else {})}
        self._last_lookup[self._row[1]] = self._now
        try:
            if thread_ts:
                response = self.client.conversations_replies(channel=channel, ts=thread_ts, **window)
            else:
                response = self.client.conversations_history(channel=channel, **window)
        except SlackApiError as error:
            if error.response.status_code == 429 or error.response.status_code >= 500:
                raise
            log.warning("Cannot check %s for an earlier post (%s); posting", channel, error.response.get("error"))
            return None
        for message in response.get("messages", []):
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("key") == key:
                return message["ts"]
        self._cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if response.get("has_more") and self._cursor:
            raise LookingFurther
        return None
