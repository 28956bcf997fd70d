"""The Matrix bot's listeners: a message with a command → the reply in its thread (or the direct chat),
an invitation from a member of the collaboration → join, a ✅ reaction on an alert → acknowledged.

Database work runs in a worker thread (asyncio.to_thread), so the sync loop never waits on it; each command is
committed before anything is sent, and the outbox is woken after it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from nio import AsyncClient, InviteMemberEvent, MatrixRoom, MegolmEvent, ReactionEvent, RoomMessageText
from sqlalchemy.engine import Engine

from bot.files.chat_file import FILE_REPLIES
from bot.matrix import calls
from bot.matrix.commands import run, shared_rooms
from bot.matrix.files import send_files
from bot.matrix.inbound import read
from bot.matrix.render import render
from bot.matrix.text import Doc
from commands.core.context import Invocation, load_caller
from commands.core.refusals import refusal
from commands.core.reply import Notice
from commands.core.texts import t
from commands.events.manage import acknowledge
from commands.registry import dispatch
from commands.storbild.kiosk import SecretLink
from storage import queries
from storage.db import session_scope
from storage.queries import events as event_queries

log = logging.getLogger("veckolage.matrix")
CHECK_MARKS = {"✅", "✔️", "✔", "☑️", "☑"}
REPLY_TRIES = 3


class MatrixBot:
    """Listens on one client for the collaboration of one homeserver (`team`: the bot's server name)."""

    def __init__(self, client: AsyncClient, engine: Engine, *, team: str, clock: Callable[[], datetime],
                 notify: Callable[[], None] = lambda: None,
                 present: Callable[[object], object] = lambda reply: reply) -> None:
        self.client, self.engine, self.team, self.clock, self.notify = client, engine, team, clock, notify
        self.present = present  # what only this process adds to a reply (a kiosk link's address, bot/web/)
        self.told_unreadable: set[str] = set()  # rooms told (once per process) a message could not be decrypted

    def listen(self) -> None:
        """Attach the listeners to the client (after the first sync: history is not answered again)."""
        self.client.add_event_callback(self.on_message, RoomMessageText)
        self.client.add_event_callback(self.on_invite, InviteMemberEvent)
        self.client.add_event_callback(self.on_reaction, ReactionEvent)
        self.client.add_event_callback(self.on_encrypted, MegolmEvent)

    async def on_encrypted(self, room: MatrixRoom, event: MegolmEvent) -> None:
        """An encrypted message nio could not decrypt (its room key has not reached this device): logged, its key
        asked for, and the room told once that a message could not be read; the sync goes on."""
        if event.sender == self.client.user_id:
            return
        log.warning("Could not decrypt %s from %s in %s (session %s)", event.event_id, event.sender, room.room_id,
                    event.session_id)
        try:
            await self.client.request_room_key(event)
        except Exception as error:  # noqa: BLE001 - a key request is best effort (one already sent, no network)
            log.info("No key request for %s: %s", event.event_id, error)
        if room.room_id in self.told_unreadable:
            return
        self.told_unreadable.add(room.room_id)
        try:
            await calls.send(self.client, room.room_id, Doc().add(t("matrix.encrypted.unreadable"), lead="🔒 ")
                             .content())
        except (calls.Permanent, calls.RetryLater, calls.RateLimited) as error:
            log.warning("Could not say so in %s: %s", room.room_id, error)

    async def on_message(self, room: MatrixRoom, event: RoomMessageText) -> None:
        """A command → its reply, where it was typed."""
        if event.sender == self.client.user_id:
            return
        typed = read(event.body)
        if typed is None:
            return
        if set(room.users) == {self.client.user_id, event.sender}:
            try:
                await calls.wrote_directly(self.client, event.sender, room.room_id)
            except (calls.Permanent, calls.RetryLater, calls.RateLimited) as error:  # kept here; said next time
                log.warning("Could not keep %s as the direct chat with %s: %s", room.room_id, event.sender, error)
        try:
            reply = await asyncio.to_thread(run, self.engine, typed, team=self.team, user=event.sender,
                                            room=room.room_id, event_id=event.event_id, now=self.clock,
                                            dispatch=dispatch)
        except Exception:  # one error handler: log it, tell the user in Swedish, keep listening
            log.exception("Matrix command failed: %s", typed.family)
            reply = refusal(t("error.internal"))
        self.notify()
        if isinstance(reply, SecretLink) and room.member_count > 2:  # a secret: for the asker's eyes only
            await self._in_direct_chat(room, event, render(self.present(reply)))
            return
        try:
            await self.answer(room, event, render(self.present(reply)))
        except (calls.Permanent, calls.RetryLater, calls.RateLimited) as error:  # committed; the answer is lost
            log.warning("Could not answer %s in %s: %s", typed.family, room.room_id, error)
            return
        if isinstance(reply, FILE_REPLIES):
            await send_files(self, reply, room=room, asker=event.sender)

    async def _in_direct_chat(self, room: MatrixRoom, event, doc: Doc) -> None:
        """Send to the asker's direct chat, and say so in the thread where they asked."""
        _, shared = await asyncio.to_thread(shared_rooms, self.engine, self.team)
        direct = await calls.direct_room(self.client, event.sender, shared=shared | {room.room_id})
        await self.say(direct, doc.content())
        await self.answer(room, event, Doc().add(t("matrix.sent_direct")))

    async def answer(self, room: MatrixRoom, event, doc: Doc) -> None:
        """The reply in the command's thread in a shared room; as it is in a direct chat."""
        content = doc.content()
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": event.event_id}}
        if room.member_count > 2:
            source = (event.source.get("content") or {}).get("m.relates_to") or {}
            root = source.get("event_id") if source.get("rel_type") == "m.thread" else event.event_id
            content["m.relates_to"].update({"rel_type": "m.thread", "event_id": root, "is_falling_back": True})
        await self.say(room.room_id, content)

    async def say(self, room_id: str, content: dict) -> None:
        """Send, waiting out the homeserver's rate limit a few times (M_LIMIT_EXCEEDED: retry_after_ms)."""
        for attempt in range(REPLY_TRIES):
            try:
                await calls.send(self.client, room_id, content)
                return
            except calls.RateLimited as limited:
                if attempt == REPLY_TRIES - 1:
                    raise
                await asyncio.sleep(limited.seconds)

    async def on_invite(self, room: MatrixRoom, event: InviteMemberEvent) -> None:
        """Join a room only when a member of the collaboration invited the bot."""
        if event.state_key != self.client.user_id or event.membership != "invite":
            return
        if await asyncio.to_thread(self.known, event.sender):
            await self.client.join(room.room_id)
            log.info("Joined %s, invited by %s", room.room_id, event.sender)
        else:
            log.info("Declined %s: %s is not in the collaboration", room.room_id, event.sender)
            await self.client.room_leave(room.room_id)

    def known(self, user: str) -> bool:
        """A member, coordinator or admin of the collaboration."""
        with session_scope(self.engine) as session:
            workspace = queries.workspace_for(session, key=self.team)
            if workspace is None:
                return False
            return load_caller(session, Invocation(workspace.id, user, self.clock(), None, None, workspace)).known

    async def on_reaction(self, room: MatrixRoom, event: ReactionEvent) -> None:
        """✅ on an alert acknowledges it; refusals are answered in the alert's thread."""
        if event.sender == self.client.user_id or event.key.replace("\ufe0f", "") not in {
                mark.replace("\ufe0f", "") for mark in CHECK_MARKS}:
            return
        reply = await asyncio.to_thread(self._acknowledge, event.sender, room.room_id, event.reacts_to)
        if reply is None:
            return
        self.notify()
        if reply.tone != "ok":
            content = render(reply).content()
            content["m.relates_to"] = {"rel_type": "m.thread", "event_id": event.reacts_to, "is_falling_back": True,
                                       "m.in_reply_to": {"event_id": event.reacts_to}}
            await self.say(room.room_id, content)

    def _acknowledge(self, user: str, room: str, alert: str) -> Notice | None:
        with session_scope(self.engine) as session:
            workspace = queries.workspace_for(session, key=self.team)
            if workspace is None:
                return None
            number = event_queries.event_by_alert(session, workspace_id=workspace.id, alert_ts=alert)
            if number is None:
                return None  # a reaction on some other message
            return acknowledge(number, Invocation(workspace.id, user, self.clock(), room, None, workspace), session)
