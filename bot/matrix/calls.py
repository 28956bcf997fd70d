"""The homeserver calls Veckoläge makes (send, edit, find by outbox key, direct room, upload), each failure
classified for the outbox (bot/delivery_errors.py): M_LIMIT_EXCEEDED waits its retry_after_ms, a server error
or a lost answer is tried again, a refusal (M_FORBIDDEN, M_NOT_FOUND …) is permanent.

nio is asynchronous and runs in the bot's event loop; the outbox delivers from a thread, so `Bridge` runs a
call in that loop and waits for its answer."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Coroutine
from typing import Any

from aiohttp import ClientError
from nio import AsyncClient, ErrorResponse, RoomMessagesResponse

from bot.delivery_errors import RateLimited, RetryLater
from bot.jobs.deliveries import Permanent
from commands.core.texts import t

KEY_FIELD = "se.veckolage.outbox_key"  # the outbox key in the event's content: found again after a lost answer
NETWORK = (OSError, TimeoutError, ClientError)  # no answer: refused, reset, timed out, disconnected
CALL_TIMEOUT = 30.0
LOOKBACK = 100  # events looked through, newest first, for a post whose answer was lost


def txn_id(workspace_id: int, key: str) -> str:
    """The transaction id of a post: the same for every attempt of a row, so the homeserver stores it once."""
    return re.sub(r"[^A-Za-z0-9._~-]", "_", f"veckolage.{workspace_id}.{key}")


def check(response: Any, method: str) -> Any:
    """The response, or the outbox's exception for what went wrong."""
    if not isinstance(response, ErrorResponse):
        return response
    status = getattr(getattr(response, "transport_response", None), "status", None)
    code = response.status_code or str(status or "")
    if code == "M_LIMIT_EXCEEDED" or status == 429:
        seconds = (response.retry_after_ms or 5000) / 1000
        raise RateLimited(seconds, method=method, problem=f"HTTP 429 {code} ({seconds:g} s)")
    if status is None or status >= 500 or code in ("M_UNKNOWN", ""):
        raise RetryLater(f"HTTP {status} {code}: {response.message}".strip())
    raise Permanent(t("outbox.refused", code=f"{code}: {response.message}"))


async def send(client: AsyncClient, room: str, content: dict, *, txn: str | None = None,
               into_encrypted: bool = False) -> str:
    """Post an event; its id. Never in plain text into an encrypted room (its people expect confidentiality),
    unless `into_encrypted` (the notice that says the bot cannot read it)."""
    known = client.rooms.get(room)
    if known is not None and known.encrypted and not into_encrypted:
        raise Permanent(t("matrix.encrypted.refused", room=room))
    try:
        response = await client.room_send(room, "m.room.message", content, tx_id=txn)
    except NETWORK as error:
        raise RetryLater(f"{type(error).__name__}: {error}") from error
    return check(response, "send").event_id


def edit_of(event_id: str, content: dict) -> dict:
    """An edit (m.replace) that makes `event_id` show `content`; it pings nobody again."""
    new = {k: v for k, v in content.items() if k != "m.relates_to"}
    return {"msgtype": content.get("msgtype", "m.text"), "body": "* " + content["body"],
            "format": "org.matrix.custom.html", "formatted_body": content["formatted_body"],
            "m.new_content": new, "m.mentions": {}, "m.relates_to": {"rel_type": "m.replace", "event_id": event_id}}


async def find(client: AsyncClient, room: str, key: str) -> str | None:
    """The event we posted for an outbox key, among the room's latest events (after an answer was lost)."""
    try:
        response = await client.room_messages(room, start=None, limit=LOOKBACK)
    except NETWORK as error:
        raise RetryLater(f"{type(error).__name__}: {error}") from error
    check(response, "messages")
    assert isinstance(response, RoomMessagesResponse)
    for event in response.chunk:
        content = event.source.get("content") or {}
        if event.sender == client.user_id and content.get(KEY_FIELD) == key:
            return event.event_id
    return None


async def direct_room(client: AsyncClient, user: str, *, shared: set[str] = frozenset()) -> str:
    """The bot's direct chat with a person: an unencrypted room with just the two of them that is not one of the
    collaboration's `shared` rooms (an alert room may have only two members), else a new one."""
    for room in client.rooms.values():
        members = set(room.users) | set(room.invited_users)
        if members == {client.user_id, user} and room.room_id not in shared and not room.encrypted:
            return room.room_id
    try:
        response = await client.room_create(is_direct=True, invite=[user])
    except NETWORK as error:
        raise RetryLater(f"{type(error).__name__}: {error}") from error
    return check(response, "createRoom").room_id


async def upload(client: AsyncClient, data: bytes, *, name: str, mimetype: str) -> str:
    """A file into the homeserver's media store; its mxc:// address."""
    import io

    try:
        response, _ = await client.upload(io.BytesIO(data), content_type=mimetype, filename=name,
                                          filesize=len(data))
    except NETWORK as error:
        raise RetryLater(f"{type(error).__name__}: {error}") from error
    return check(response, "upload").content_uri


class Bridge:
    """Runs the client's calls in the bot's event loop for a thread (the outbox's) and waits for them."""

    def __init__(self, client: AsyncClient, loop: asyncio.AbstractEventLoop) -> None:
        self.client, self.loop = client, loop

    def run(self, call: Coroutine) -> Any:
        """The call's result; a call that does not finish in time is tried again later."""
        future = asyncio.run_coroutine_threadsafe(call, self.loop)
        try:
            return future.result(CALL_TIMEOUT)
        except TimeoutError as error:
            future.cancel()
            raise RetryLater("timeout") from error
