"""The homeserver calls Veckoläge makes (send, edit, find by outbox key, direct room, upload), each failure
classified for the outbox (bot/jobs/delivery_errors.py): M_LIMIT_EXCEEDED waits its retry_after_ms, a server error
or a lost answer is tried again, a refusal (M_FORBIDDEN, M_NOT_FOUND …) is permanent.

Into an encrypted room every event is sent encrypted (Megolm), its room key shared with every device of the
room's members, verified or not (a closed collaboration's bot cannot verify people's devices interactively);
the relation (thread, reply, edit) stays outside the ciphertext, as the specification asks, so threads and
edits show. A room the client has not synced yet is asked whether it is encrypted before anything is sent.

nio is asynchronous and runs in the bot's event loop; the outbox delivers from a thread, so `Bridge` runs a
call in that loop and waits for its answer."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import weakref
from collections.abc import Coroutine
from typing import Any
from uuid import uuid4

from aiohttp import ClientError
from nio import (
    AsyncClient,
    DirectRoomsErrorResponse,
    ErrorResponse,
    MatrixRoom,
    RoomGetStateEventError,
    RoomMessagesResponse,
    RoomSendResponse,
)
from nio.api import Api
from nio.responses import EmptyResponse

from bot.jobs.deliveries import Permanent
from bot.jobs.delivery_errors import RateLimited, RetryLater
from commands.core.texts import t

log = logging.getLogger("veckolage.matrix")
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


async def send(client: AsyncClient, room: str, content: dict, *, txn: str | None = None) -> str:
    """Post an event; its id. Encrypted in an encrypted room, never in plain text there."""
    try:
        known = client.rooms.get(room)
        if client.olm is not None and known is None:
            await _plain_or_wait(client, room)
        if client.olm is not None and known is not None and known.encrypted:
            kind, body = await _encrypted(client, known, content)
        else:
            kind, body = "m.room.message", content
        method, path, data = Api.room_send(client.access_token, room, kind, body, txn or uuid4())
        response = await client._send(RoomSendResponse, method, path, data, (room,))
    except NETWORK as error:
        raise RetryLater(f"{type(error).__name__}: {error}") from error
    return check(response, "send").event_id


async def _plain_or_wait(client: AsyncClient, room: str) -> None:
    """A room the client has not synced: plain text is right only when it is not encrypted; an encrypted one
    waits for the sync (its members and keys); a room the bot is not in is refused by the homeserver here."""
    answer = await client.room_get_state_event(room, "m.room.encryption")
    if isinstance(answer, RoomGetStateEventError) and answer.status_code == "M_NOT_FOUND":
        return
    check(answer, "state")
    raise RetryLater(f"the encrypted room {room} is not synced yet")


async def _encrypted(client: AsyncClient, room: MatrixRoom, content: dict) -> tuple[str, dict]:
    """The event encrypted for the room (what nio's room_send does, with the relation kept in the clear)."""
    if not room.members_synced:
        check(await client.joined_members(room.room_id), "members")
        if client.should_query_keys:
            check(await client.keys_query(), "keys")
    if client.olm.should_share_group_session(room.room_id):
        sharing = client.sharing_session.get(room.room_id)
        if sharing is not None:
            await sharing.wait()
        else:
            check(await client.share_group_session(room.room_id, ignore_unverified_devices=True), "keys")
    kind, body = client.encrypt(room.room_id, "m.room.message", content)
    if "m.relates_to" in content:
        body["m.relates_to"] = content["m.relates_to"]
    return kind, body


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


DIRECTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # client → its m.direct: person → rooms


async def _directs(client: AsyncClient) -> dict[str, list[str]]:
    """The bot's m.direct account data (person → direct rooms, the one they last wrote in first), read from the
    homeserver once per process: it outlives a restart, a new device and a lost store."""
    known = DIRECTS.get(client)
    if known is None:
        try:
            answer = await client.list_direct_rooms()
        except NETWORK as error:
            raise RetryLater(f"{type(error).__name__}: {error}") from error
        if isinstance(answer, DirectRoomsErrorResponse) and answer.status_code == "M_NOT_FOUND":
            known = {}  # never written
        else:
            rooms = check(answer, "directs").rooms
            known = {user: [room for room in listed if isinstance(room, str)] for user, listed in rooms.items()
                     if isinstance(listed, list)}
        DIRECTS[client] = known
    return known


async def _remember_direct(client: AsyncClient, user: str, room: str) -> None:
    """Put `room` first among the person's direct rooms, here and in m.direct on the homeserver."""
    directs = await _directs(client)
    listed = directs.get(user) or []
    if listed[:1] == [room]:
        return
    directs[user] = [room, *(other for other in listed if other != room)]
    path = Api._build_path(["user", client.user_id, "account_data", "m.direct"],
                           {"access_token": client.access_token})
    try:
        response = await client._send(EmptyResponse, "PUT", path, json.dumps(directs))
    except NETWORK as error:
        raise RetryLater(f"{type(error).__name__}: {error}") from error
    check(response, "directs")


async def wrote_directly(client: AsyncClient, user: str, room: str) -> None:
    """A person wrote to the bot in a room of just the two of them: their direct chat from now on (kept in the
    bot's m.direct, so a restart or a new device of the bot goes on using it)."""
    await _remember_direct(client, user, room)


ENCRYPTION = {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}


async def direct_room(client: AsyncClient, user: str, *, shared: set[str] = frozenset()) -> str:
    """The bot's direct chat with a person: a room with just the two of them (encrypted or not) that is not one
    of the collaboration's `shared` rooms (an alert room may have only two members), else a new one, encrypted
    as Element makes them. There may be several: the one the person last wrote in comes first (the bot's
    m.direct account data), then the one the bot opened last; without either, encrypted rooms before plain ones,
    then by room id (the same choice at every start)."""
    def direct(room: MatrixRoom | None) -> bool:
        return (room is not None and room.room_id not in shared
                and set(room.users) | set(room.invited_users) == {client.user_id, user})

    directs = await _directs(client)
    for room_id in directs.get(user) or []:
        if direct(client.rooms.get(room_id)):
            return room_id
    others = sorted((room for room in client.rooms.values() if direct(room)),
                    key=lambda room: (not room.encrypted, room.room_id))
    if others:
        return others[0].room_id
    encrypted = client.olm is not None
    try:
        response = await client.room_create(is_direct=True, invite=[user], initial_state=[ENCRYPTION] if encrypted
                                            else ())
    except NETWORK as error:
        raise RetryLater(f"{type(error).__name__}: {error}") from error
    room_id = check(response, "createRoom").room_id
    if encrypted and room_id not in client.rooms:  # known before the sync brings it: sent to at once
        room = MatrixRoom(room_id, client.user_id, encrypted=True)
        room.add_member(client.user_id, None, None)
        room.add_member(user, None, None, invited=True)
        client.rooms[room_id] = room
        client.encrypted_rooms.add(room_id)
        client.olm.update_tracked_users(room)
    try:
        await _remember_direct(client, user, room_id)
    except (RetryLater, Permanent, RateLimited) as error:  # the room is known: it is found again without it
        log.warning("Could not keep %s as the direct chat with %s: %s", room_id, user, error)
    return room_id


async def upload(client: AsyncClient, data: bytes, *, name: str, mimetype: str, room: str) -> dict:
    """A file into the homeserver's media store: the content fields that point to it (`url`, or in an
    encrypted room `file`: the media store holds only ciphertext, its key travels in the encrypted event)."""
    import io

    known = client.rooms.get(room)
    encrypt = client.olm is not None and known is not None and known.encrypted
    try:
        response, keys = await client.upload(io.BytesIO(data), content_type="application/octet-stream" if encrypt
                                             else mimetype, filename=name, filesize=len(data), encrypt=encrypt)
    except NETWORK as error:
        raise RetryLater(f"{type(error).__name__}: {error}") from error
    uri = check(response, "upload").content_uri
    return {"file": {**keys, "url": uri, "mimetype": mimetype}} if encrypt else {"url": uri}


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
