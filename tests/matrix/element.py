"""A person in Element, as the tests see them: a real Matrix client (matrix-nio) of a test user on the test
homeserver, reading what the bot posted the way Element shows it (an edit shows its newest content).

Given a store, the client encrypts as Element does (matrix-nio with vodozemac): it logs in as a new device of its
own, publishes its keys, encrypts what it sends into encrypted rooms (for every device, verified or not) and
decrypts what it reads there; on close it logs out, so the device and its keys are gone again."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import peewee
from nio import (
    AsyncClient,
    AsyncClientConfig,
    LoginResponse,
    MegolmEvent,
    RoomCreateResponse,
    RoomPreset,
    RoomSendResponse,
    SyncResponse,
)

WAIT = 30.0  # seconds a test waits for something the homeserver should show far sooner
STORES = threading.RLock()


class _OneStoreAtATime:
    """A binding of nio's store models to one store's database, holding STORES while it lasts."""

    def __init__(self, binding) -> None:
        self.binding = binding

    def __enter__(self):
        STORES.acquire()
        try:
            return self.binding.__enter__()
        except BaseException:
            STORES.release()
            raise

    def __exit__(self, *exc) -> None:
        try:
            self.binding.__exit__(*exc)
        finally:
            STORES.release()


@contextmanager
def one_store_at_a_time() -> Iterator[None]:
    """nio's crypto store binds its peewee models (classes shared by every store of the process) to its own
    database for each call (`bind_ctx`). The bot has one store in one thread; these tests run the bot's client in
    a thread and the people's clients in the test's thread, so two stores would be bound at once and one
    client's keys read from, or written to, the other's database (seen as UNIQUE constraint failed:
    devicekeys). While this lasts, a store call waits until no other thread's store call is running."""
    original = peewee.Database.bind_ctx

    def bind_ctx(self, *args, **kwargs):
        return _OneStoreAtATime(original(self, *args, **kwargs))

    peewee.Database.bind_ctx = bind_ctx
    try:
        yield
    finally:
        peewee.Database.bind_ctx = original


class Element:
    """One user's client; `wait_for` syncs (long-polling, never sleeping) until an event matches."""

    def __init__(self, homeserver: str, user_id: str, token: str, *, password: str | None = None,
                 store: Path | None = None) -> None:
        self.user_id, self.encrypted = user_id, store is not None
        self.loop = asyncio.new_event_loop()
        self.events: list[dict] = []  # every timeline event seen, with its room id (decrypted when we could)
        self.history: list[dict] = []  # what the first sync showed (from before this client logged in)
        self.undecrypted: list[dict] = []  # encrypted events we had no key for
        self.invites: list[str] = []
        if store is None:
            self.client = AsyncClient(homeserver, user_id, config=AsyncClientConfig(encryption_enabled=False))
            self.client.access_token, self.client.user_id = token, user_id
        else:
            store.mkdir(parents=True, exist_ok=True)
            self.client = AsyncClient(homeserver, user_id, store_path=str(store),
                                      config=AsyncClientConfig(encryption_enabled=True))
            answer = self.run(self.client.login(password, device_name="Element (test)"))
            assert isinstance(answer, LoginResponse), answer
            assert self.client.olm is not None, "no encryption: is matrix-nio's e2e extra installed?"
        self.since = self._sync(0)
        # What the first sync brought is history: earlier tests' rooms of the same account (the homeserver lives
        # for the whole run). Kept apart, so that no test finds an earlier test's message as its own.
        self.history, self.events = self.events, []

    def run(self, call):
        """Run one client call to its end."""
        return self.loop.run_until_complete(call)

    def close(self) -> None:
        """Close the client and its loop (an encrypting client logs out: its device is deleted)."""
        if self.encrypted:
            self.run(self.client.logout())
        self.run(self.client.close())
        self.loop.close()

    def _keys(self) -> None:
        """What Element does for encryption after a sync: publish, query, claim, send to devices."""
        client = self.client
        if client.olm is None:
            return
        if client.should_upload_keys:
            self.run(client.keys_upload())
        if client.should_query_keys:
            self.run(client.keys_query())
        if client.should_claim_keys:
            self.run(client.keys_claim(client.get_users_for_key_claiming()))
        self.run(client.send_to_device_messages())

    def _sync(self, timeout_ms: int, since: str | None = None) -> str:
        answer = self.run(self.client.sync(timeout=timeout_ms, since=since))
        assert isinstance(answer, SyncResponse), answer
        for room_id, room in answer.rooms.join.items():
            for event in room.timeline.events:  # nio has replaced what it could decrypt by the decrypted event
                if isinstance(event, MegolmEvent):
                    self.undecrypted.append({**event.source, "room_id": room_id})
                else:
                    self.events.append({**event.source, "room_id": room_id,
                                        "decrypted": getattr(event, "decrypted", False)})
        self.invites += list(answer.rooms.invite)
        self._keys()
        return answer.next_batch

    def wait_for(self, match: Callable[[dict], bool], *, what: str = "an event") -> dict:
        """The first event (seen before or arriving now) that matches."""
        deadline, seen = time.monotonic() + WAIT, 0
        while True:
            for event in self.events[seen:]:
                if match(event):
                    return event
            seen = len(self.events)
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.user_id} never saw {what}")
            self.since = self._sync(1000, self.since)

    def create_room(self, *, invite: tuple[str, ...] = (), direct: bool = False, name: str | None = None,
                    encrypted: bool = False) -> str:
        """A new room (private chat preset), inviting people; encrypted as Element makes direct chats."""
        state = [{"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]
        answer = self.run(self.client.room_create(name=name, invite=list(invite), is_direct=direct,
                                                  preset=RoomPreset.trusted_private_chat if direct else
                                                  RoomPreset.private_chat, initial_state=state if encrypted else ()))
        assert isinstance(answer, RoomCreateResponse), answer
        return answer.room_id

    def join(self, room_id: str) -> None:
        """Accept an invitation."""
        self.wait_invited(room_id)
        self.run(self.client.join(room_id))

    def wait_invited(self, room_id: str) -> None:
        """Wait until an invitation to the room arrives."""
        deadline = time.monotonic() + WAIT
        while room_id not in self.invites:
            assert time.monotonic() < deadline, f"{self.user_id} was never invited to {room_id}"
            self.since = self._sync(1000, self.since)

    def direct_message(self, sender: str, contains: str) -> dict:
        """A message from `sender` with some text in a direct chat: one we are in, or one it invites us to."""
        deadline, joined = time.monotonic() + WAIT, set(self.client.rooms)  # an invite seen earlier counts too
        while True:
            for event in self.events:
                if event["sender"] == sender and contains in (event.get("content") or {}).get("body", ""):
                    return event
            for room in [room for room in self.invites if room not in joined]:
                joined.add(room)
                self.run(self.client.join(room))
            assert time.monotonic() < deadline, f"{self.user_id} never got a direct message with {contains!r}"
            self.since = self._sync(1000, self.since)

    def _known(self, room_id: str) -> None:
        """An encrypting client sends only into a room it has synced (it must know whether it is encrypted)."""
        deadline = time.monotonic() + WAIT
        while self.client.olm is not None and room_id not in self.client.rooms:
            assert time.monotonic() < deadline, f"{self.user_id} never synced {room_id}"
            self.since = self._sync(1000, self.since)

    def send(self, room_id: str, body: str, *, thread: str | None = None) -> str:
        """Type a message (in a thread when given); its event id."""
        content = {"msgtype": "m.text", "body": body}
        if thread:
            content["m.relates_to"] = {"rel_type": "m.thread", "event_id": thread}
        self._known(room_id)
        answer = self.run(self.client.room_send(room_id, "m.room.message", content, ignore_unverified_devices=True))
        assert isinstance(answer, RoomSendResponse), answer
        return answer.event_id

    def send_raw(self, room_id: str, event_type: str, content: dict) -> str:
        """Send an event of any type as it is (through the client-server API)."""
        from uuid import uuid4

        answer = self.run(self.client._send(RoomSendResponse, "PUT", f"/_matrix/client/v3/rooms/{room_id}/send/"
                                            f"{event_type}/{uuid4().hex}?access_token={self.client.access_token}",
                                            __import__("json").dumps(content), response_data=(room_id,)))
        assert isinstance(answer, RoomSendResponse), answer
        return answer.event_id

    def react(self, room_id: str, event_id: str, key: str = "✅") -> None:
        """React to a message."""
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
        self._known(room_id)
        answer = self.run(self.client.room_send(room_id, "m.reaction", content, ignore_unverified_devices=True))
        assert isinstance(answer, RoomSendResponse), answer

    def reply_to(self, room_id: str, event_id: str, sender: str) -> dict:
        """The bot's answer to a message: the event from `sender` replying to it."""
        def match(event: dict) -> bool:
            relates = (event.get("content") or {}).get("m.relates_to") or {}
            return (event["room_id"] == room_id and event["sender"] == sender
                    and (relates.get("m.in_reply_to") or {}).get("event_id") == event_id)
        return self.wait_for(match, what=f"a reply to {event_id}")

    def message_from(self, room_id: str, sender: str, contains: str, *, after: int = 0) -> dict:
        """A message from `sender` in the room whose text contains something (edits excluded)."""
        def match(event: dict) -> bool:
            content = event.get("content") or {}
            return (event["room_id"] == room_id and event["sender"] == sender and event["type"] == "m.room.message"
                    and (content.get("m.relates_to") or {}).get("rel_type") != "m.replace"
                    and contains in content.get("body", ""))
        return self.wait_for(match, what=f"a message with {contains!r}")

    def edited(self, room_id: str, event_id: str, contains: str) -> dict:
        """The newest content of a message once an edit shows `contains` (as Element shows it)."""
        def match(event: dict) -> bool:
            content = event.get("content") or {}
            relates = content.get("m.relates_to") or {}
            return (event["room_id"] == room_id and relates.get("rel_type") == "m.replace"
                    and relates.get("event_id") == event_id and contains in content["m.new_content"]["body"])
        return self.wait_for(match, what=f"an edit of {event_id} with {contains!r}")["content"]["m.new_content"]

    def messages(self, room_id: str, sender: str) -> list[dict]:
        """Every message (no edits) from `sender` in a room, as the room's history holds them now."""
        answer = self.run(self.client.room_messages(room_id, start=None, limit=100))
        assert not [e for e in answer.chunk if isinstance(e, MegolmEvent) and e.sender == sender], "undecryptable"
        return [e.source for e in reversed(answer.chunk) if e.sender == sender and e.source["type"] == "m.room.message"
                and ((e.source["content"].get("m.relates_to") or {}).get("rel_type") != "m.replace")]

    def joined(self, room_id: str, user: str, membership: str = "join") -> dict:
        """Wait until `user`'s membership of the room is `membership`."""
        return self.wait_for(lambda e: e["room_id"] == room_id and e["type"] == "m.room.member"
                             and e.get("state_key") == user and e["content"].get("membership") == membership,
                             what=f"{user} {membership} {room_id}")
