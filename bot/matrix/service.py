"""The Matrix bot as a running service: log in (or take the access token), sync from where it stopped,
answer commands, and deliver the outbox from a thread through the same client.

The sync position is kept in MATRIX_STORE_PATH, so commands typed while the bot was away are answered when it
comes back; on the very first start the room history is not answered. The same directory holds the end-to-end
encryption store (matrix-nio with vodozemac: the device's Olm account and the Megolm sessions) and the device id
the bot keeps using, so encrypted rooms and direct chats are read and written in encrypted form."""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    InviteMemberEvent,
    LoginError,
    SyncError,
    WhoamiError,
)
from peewee import DatabaseError as StoreError  # nio's crypto store is peewee on SQLite

from bot.jobs.outbox_worker import OutboxThread
from bot.matrix.adapter import MatrixBot
from bot.matrix.calls import NETWORK, Bridge
from bot.matrix.delivery import MatrixDeliverer
from bot.matrix.settings import MatrixSettings
from commands.core.texts import t

log = logging.getLogger("veckolage.matrix")
SYNC_TIMEOUT_MS = 30_000
BACKOFF = (1, 2, 5, 10, 30, 60)


class Refused(Exception):
    """The homeserver refuses the bot's credentials: starting would send nothing. The message is Swedish."""


def client_config() -> AsyncClientConfig:
    """No hidden retries (the outbox and the sync loop decide); end-to-end encryption on (its store is loaded
    only for a client given a store path: the bot's)."""
    return AsyncClientConfig(encryption_enabled=True, max_limit_exceeded=0, max_timeouts=0, request_timeout=45)


class DeviceFile:
    """The bot's device id, kept in the store directory: a password login goes on as the same device (its
    encryption keys stay valid) instead of becoming a new one at every start."""

    def __init__(self, store_path: str | None, user_id: str) -> None:
        safe = user_id.replace(":", "_").replace("@", "")
        self.path = Path(store_path) / f"device-{safe}" if store_path else None

    def read(self) -> str | None:
        """The kept device id, if any."""
        return self.path.read_text().strip() or None if self.path and self.path.exists() else None

    def save(self, device_id: str) -> None:
        """Keep the device id (written whole, then renamed)."""
        if self.path is None or not device_id or self.read() == device_id:
            return
        partial = self.path.with_suffix(".tmp")
        partial.write_text(device_id)
        partial.replace(self.path)


def store_directory(path: str) -> str:
    """The store directory, made readable by the bot's user only (it holds the encryption keys)."""
    Path(path).mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


async def connect(settings: MatrixSettings, *, wait: Callable[[float], object] | None = None) -> AsyncClient:
    """A logged-in client with its encryption store loaded; raises Refused for a token or password the
    homeserver rejects. The device is MATRIX_DEVICE_ID, else the one kept in the store, else the login's new one
    (then kept); with an access token it is the token's device."""
    kept = DeviceFile(settings.store_path, settings.user_id)
    client = AsyncClient(settings.homeserver, settings.user_id, device_id=settings.device_id or kept.read() or "",
                         store_path=store_directory(settings.store_path), config=client_config())
    attempt = 0
    while True:
        try:
            if settings.access_token:
                client.access_token = settings.access_token
                answer = await client.whoami()
                if isinstance(answer, WhoamiError):
                    if answer.status_code in ("M_UNKNOWN_TOKEN", "M_MISSING_TOKEN", "M_FORBIDDEN"):
                        raise Refused(t("matrix.token_rejected", homeserver=settings.homeserver,
                                        code=answer.status_code, user=settings.user_id))
                    raise OSError(f"{answer.status_code}: {answer.message}")
                if answer.user_id != settings.user_id:
                    raise Refused(t("matrix.wrong_user", actual=answer.user_id, expected=settings.user_id))
                device = answer.device_id or settings.device_id
                if not device:
                    raise Refused(t("matrix.no_device", user=settings.user_id))
                if settings.device_id and device != settings.device_id:
                    log.warning("MATRIX_DEVICE_ID %s is not the access token's device %s: using %s",
                                settings.device_id, device, device)
                client.restore_login(answer.user_id, device, settings.access_token)  # loads the crypto store
            else:
                answer = await client.login(settings.password, device_name="Veckoläge")
                if isinstance(answer, LoginError):
                    if answer.status_code in ("M_FORBIDDEN", "M_USER_DEACTIVATED", "M_INVALID_PARAM", "M_UNKNOWN"):
                        raise Refused(t("matrix.login_refused", homeserver=settings.homeserver,
                                        user=settings.user_id, code=answer.status_code, error=answer.message))
                    raise OSError(f"{answer.status_code}: {answer.message}")
            kept.save(client.device_id)
            return client
        except NETWORK as error:
            seconds = BACKOFF[min(attempt, len(BACKOFF) - 1)]
            log.warning(t("matrix.unreachable", homeserver=settings.homeserver, error=error, seconds=seconds))
            attempt += 1
            await (wait or asyncio.sleep)(seconds)


class SyncPosition:
    """Where the sync stopped, kept in a file of the store directory."""

    def __init__(self, store_path: str | None, user_id: str) -> None:
        safe = user_id.replace(":", "_").replace("@", "")
        self.path = Path(store_path) / f"sync-{safe}" if store_path else None

    def read(self) -> str | None:
        """The saved position, if any."""
        return self.path.read_text().strip() or None if self.path and self.path.exists() else None

    def save(self, token: str) -> None:
        """Remember the position (written whole, then renamed)."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        partial.write_text(token)
        partial.replace(self.path)


async def run_sync(bot: MatrixBot, position: SyncPosition, *, stop: asyncio.Event,
                   ready: threading.Event | None = None, homeserver: str = "") -> None:
    """Sync until `stop`: the first time without answering history, then every event as it comes."""
    client, saved, attempt = bot.client, position.read(), 0
    first = await _first_sync(client)  # the rooms' state, without answering their history
    await keep_keys(client)  # the device's keys published before anyone is told the bot is ready
    since = saved or first.next_batch
    client.next_batch = since  # nio skips an answer whose position it has seen: the first sync's is later
    if saved is None:
        position.save(since)
        for room_id, info in first.rooms.invite.items():  # invitations that came while nobody listened
            for event in info.invite_state:
                if isinstance(event, InviteMemberEvent):
                    await bot.on_invite(client.invited_rooms.get(room_id) or client.rooms.get(room_id), event)
    bot.listen()
    while not stop.is_set():
        try:
            answer = await _until_stopped(client.sync(timeout=0 if ready and not ready.is_set() else SYNC_TIMEOUT_MS,
                                                      since=since), stop)
            if answer is None:
                break
            if isinstance(answer, SyncError):
                raise OSError(f"{answer.status_code}: {answer.message}")
        except (*NETWORK, StoreError) as error:  # a store error: the same answer is fetched and stored again
            seconds = BACKOFF[min(attempt, len(BACKOFF) - 1)]
            log.warning(t("matrix.waiting", homeserver=homeserver, reason=error, seconds=seconds))
            attempt += 1
            try:
                await asyncio.wait_for(stop.wait(), seconds)
            except TimeoutError:
                pass
            continue
        attempt, since = 0, answer.next_batch
        position.save(since)
        await keep_keys(client)
        if ready is not None and not ready.is_set():
            ready.set()


async def keep_keys(client: AsyncClient) -> None:
    """What end-to-end encryption needs after a sync (as nio's sync_forever does it): the device's keys
    uploaded, new devices of people in encrypted rooms queried, Olm sessions claimed, queued to-device messages
    (key requests, key shares) sent. A refusal or an error of nio's store is logged (nio asks again after the
    next sync); a network failure is the sync loop's to wait out."""
    if client.olm is None:
        return
    pending = []
    if client.should_upload_keys:
        pending.append(client.keys_upload())
    if client.should_query_keys:
        pending.append(client.keys_query())
    if client.should_claim_keys:
        pending.append(client.keys_claim(client.get_users_for_key_claiming()))
    if client.outgoing_to_device_messages:
        pending.append(client.send_to_device_messages())
    for call in pending:
        try:
            answer = await call
        except StoreError as error:  # nio's store refused a write (seen: a device's keys saved twice); asked again
            log.warning("Matrix encryption store: %s: %s", type(error).__name__, error)
            continue
        for part in answer if isinstance(answer, list) else [answer]:
            if isinstance(part, ErrorResponse):
                log.warning("Matrix encryption keys: %s %s", part.status_code, part.message)


async def _until_stopped(call, stop: asyncio.Event):
    """The call's answer, or None when `stop` is set first (a long poll is not waited out)."""
    task, stopped = asyncio.ensure_future(call), asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    if task not in done:
        task.cancel()
        return None
    stopped.cancel()
    return task.result()


def first_sync_filter() -> dict:
    """The first sync's filter: the rooms' state with one timeline event each (history is not answered), and a
    never-seen type excluded so that the homeserver cannot answer from its cache of an earlier start's sync
    (Synapse keeps identical sync answers for minutes: a stale one would replay commands already answered)."""
    return {"room": {"timeline": {"limit": 1}},
            "account_data": {"not_types": [f"se.veckolage.start.{secrets.token_hex(8)}"]}}


async def _first_sync(client: AsyncClient):
    """One sync with the whole state, waiting out a homeserver that does not answer yet."""
    attempt = 0
    while True:
        try:
            answer = await client.sync(timeout=0, full_state=True, sync_filter=first_sync_filter())
            if not isinstance(answer, SyncError):
                return answer
            raise OSError(f"{answer.status_code}: {answer.message}")
        except NETWORK as error:
            seconds = BACKOFF[min(attempt, len(BACKOFF) - 1)]
            log.warning(t("matrix.waiting", homeserver=client.homeserver, reason=error, seconds=seconds))
            attempt += 1
            await asyncio.sleep(seconds)


class Service:
    """The bot, its outbox thread and (optionally) the clock, on one event loop: `python -m bot matrix`."""

    def __init__(self, settings: MatrixSettings, engine, *, clock: Callable[[], datetime],
                 outbox: bool = True, notify: Callable[[], None] | None = None,
                 present: Callable[[object], object] = lambda reply: reply) -> None:
        """`outbox=False` delivers nothing (tests deliver themselves); `notify` is called after each commit;
        `present` adds what only this process knows to a reply (a kiosk link's address, bot/web/chat_reply.py)."""
        self.settings, self.engine, self.clock, self.outbox = settings, engine, clock, outbox
        self.notify, self.present = notify, present
        self.thread: OutboxThread | None = None
        self.bot: MatrixBot | None = None
        self.bridge: Bridge | None = None

    async def serve(self, *, stop: asyncio.Event, ready: threading.Event | None = None,
                    started: Callable[[MatrixBot], None] = lambda bot: None) -> None:
        """Connect, start delivering, and sync until `stop`."""
        client = await connect(self.settings)
        self.bridge = Bridge(client, asyncio.get_running_loop())
        if self.outbox:
            self.thread = OutboxThread(MatrixDeliverer(self.engine, self.bridge, clock=self.clock)).start()
        self.bot = MatrixBot(client, self.engine, team=self.settings.server_name, clock=self.clock,
                             notify=self.notify or (self.thread.wake if self.thread else (lambda: None)),
                             present=self.present)
        started(self.bot)
        try:
            await run_sync(self.bot, SyncPosition(self.settings.store_path, self.settings.user_id), stop=stop,
                           ready=ready, homeserver=self.settings.homeserver)
        finally:
            if self.thread is not None:
                self.thread.stop()
            await client.close()
