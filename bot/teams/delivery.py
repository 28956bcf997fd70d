"""Delivering to Teams from the outbox's thread: post to a conversation, reply in a thread, update an activity
in place, and a proactive 1:1 message through the stored conversation reference.

The connector half of the outbox on Teams (bot/teams/deliverer.py drives it): it makes one connector call and either
returns the activity id Teams gave (kept with the outbox key, so an update finds the message) or raises
`TeamsRetry` (429, 412, 502, 504, other 5xx, timeouts: try again after `delay`) or `TeamsRefused` (wrong id,
no 1:1 chat stored, no rights: trying again changes nothing). Teams has no search by our key, so a call whose
answer was lost is marked `maybe_landed` for the loop to weigh.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import httpx
from sqlalchemy.engine import Engine

from bot.teams.app import activity_input
from bot.teams.render import TeamsMessage
from storage.db import session_scope
from storage.queries import conversation_refs

PLATFORM = "teams"
RETRY = frozenset({412, 429, 502, 504})  # Microsoft's advice for the connector; other 5xx are retried too
BASE_DELAY, MAX_DELAY = 2.0, 600.0


class TeamsRetry(Exception):
    """Nothing is known to have landed, or it may have (`maybe_landed`): try again after `delay` seconds."""

    def __init__(self, status: int | None, delay: float, *, maybe_landed: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(f"Teams answered {status or 'nothing'}; retry in {delay:.0f} s")
        self.status, self.delay, self.maybe_landed = status, delay, maybe_landed
        self.retry_after = retry_after  # Teams' own Retry-After, when it gave one


class TeamsRefused(Exception):
    """Teams refused for good (or there is nowhere to send): trying again changes nothing."""

    def __init__(self, problem: str, status: int | None = None) -> None:
        super().__init__(problem)
        self.status = status  # Teams' HTTP status, when it answered


@dataclass(frozen=True)
class Delivered:
    """Where a message landed: the conversation and the activity id Teams gave it."""

    conversation_id: str
    activity_id: str


def backoff(attempt: int, retry_after: float | None = None, *, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait before attempt `attempt + 1`: Teams' Retry-After when given, else exponential with jitter."""
    if retry_after is not None:
        return min(max(retry_after, 0.0), MAX_DELAY)
    ceiling = min(MAX_DELAY, BASE_DELAY * 2 ** max(attempt, 0))
    return ceiling / 2 + rand() * ceiling / 2


class TeamsDelivery:
    """The connector calls of a delivery, with the bot's own token (`token()` → bearer token)."""

    def __init__(self, *, engine: Engine, token: Callable[[], str], bot_id: str, tenant_id: str,
                 client: httpx.Client | None = None) -> None:
        self.engine, self.token, self.bot_id, self.tenant_id = engine, token, bot_id, tenant_id
        self.client = client or httpx.Client(timeout=10.0)

    def post(self, endpoint: str, conversation_id: str, message: TeamsMessage, *, attempt: int = 0,
             reply_to: str | None = None) -> Delivered:
        """A new message in a conversation (a reply in `reply_to`'s thread when given)."""
        path = f"v3/conversations/{quote(conversation_id, safe=':@;=')}/activities"
        answer = self._call("POST", endpoint, path + (f"/{quote(reply_to, safe='')}" if reply_to else ""),
                            self._body(message, conversation_id), attempt, may_land=True)
        return Delivered(conversation_id, answer["id"])

    def update(self, endpoint: str, conversation_id: str, activity_id: str, message: TeamsMessage, *,
               attempt: int = 0) -> Delivered:
        """Replace a message in place, for everyone who sees it (a summary after later changes, an alert)."""
        path = f"v3/conversations/{quote(conversation_id, safe=':@;=')}/activities/{quote(activity_id, safe='')}"
        body = {**self._body(message, conversation_id), "id": activity_id}
        self._call("PUT", endpoint, path, body, attempt, may_land=False)  # an update is idempotent
        return Delivered(conversation_id, activity_id)

    def direct(self, user_id: str, message: TeamsMessage, *, attempt: int = 0) -> Delivered:
        """A proactive 1:1 message (a reminder) through the person's stored chat with the bot."""
        with session_scope(self.engine) as session:
            ref = conversation_refs.personal_chat(session, platform=PLATFORM, user_id=user_id)
            found = (ref.endpoint, ref.conversation_id) if ref else None
        if found is None:
            raise TeamsRefused(f"no 1:1 chat with {user_id} stored: the app is not installed for them")
        return self.post(*found, message, attempt=attempt)

    def _body(self, message: TeamsMessage, conversation_id: str) -> dict:
        activity = activity_input(message).model_dump(by_alias=True, exclude_none=True, mode="json")
        return {**activity, "type": "message", "from": {"id": self.bot_id},
                "conversation": {"id": conversation_id}}

    def _call(self, method: str, endpoint: str, path: str, body: dict, attempt: int, *, may_land: bool) -> dict:
        url = endpoint.rstrip("/") + "/" + path  # the serviceUrl's own path (/emea/) is kept
        token = self.token()  # before the call: a token service that fails has sent nothing
        try:
            answer = self.client.request(method, url, json=body, headers={"Authorization": f"Bearer {token}"})
        except (httpx.TimeoutException, httpx.TransportError) as error:
            raise TeamsRetry(None, backoff(attempt), maybe_landed=may_land) from error
        if answer.status_code in RETRY or answer.status_code >= 500:
            landed = may_land and answer.status_code >= 500  # 429 and 412: Teams did not take it
            wait = _retry_after(answer)
            raise TeamsRetry(answer.status_code, backoff(attempt, wait), maybe_landed=landed, retry_after=wait)
        if answer.status_code >= 400:
            raise TeamsRefused(f"Teams refused {method} {path}: HTTP {answer.status_code}", answer.status_code)
        return answer.json() if answer.content else {}


def _retry_after(answer: httpx.Response) -> float | None:
    value = answer.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
