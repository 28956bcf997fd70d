"""The Matrix fixtures: one real Synapse per test session, its users, and a running bot per test (on the
test's SQLite or PostgreSQL database), with people in Element reading what it posts (their clients encrypt
and decrypt as Element does)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from bot.matrix.delivery import MatrixDeliverer
from bot.matrix.service import Service
from bot.matrix.settings import MatrixSettings
from bot.web.chat_reply import kiosk_presenter
from bot.web.config import WebConfig
from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from storage.db import session_scope
from tests.conftest import NOW
from tests.matrix.element import WAIT, Element, one_store_at_a_time
from tests.matrix.synapse_server import SERVER_NAME, Synapse, start

WEB_SECRET, WEB_BASE_URL = "matrix-test-secret-" + "k" * 24, "https://veckolage.kommun.se"  # never called
PEOPLE = ("anna", "per", "sara", "eve")  # anna: coordinator and admin; per: Polisen; sara: Stadsdelen; eve: outsider
REMOTE = "@pia.polis:polisen.example"  # a member from another homeserver (federation): rules only


@pytest.fixture(scope="session")
def synapse(tmp_path_factory) -> Iterator[Synapse]:
    """A real homeserver on 127.0.0.1, started once for the whole run; while it runs, the bot's and the
    people's encryption stores are used one at a time (element.one_store_at_a_time)."""
    server = start(tmp_path_factory.mktemp("synapse"))
    with one_store_at_a_time():
        yield server
    server.stop()


@pytest.fixture(scope="session")
def accounts(synapse: Synapse) -> dict[str, tuple[str, str]]:
    """The bot and the people: name → (user id, access token)."""
    return {name: synapse.register(name) for name in ("veckolage", *PEOPLE)}


@dataclass
class Clock:
    """The time the bot reads (injected; a test moves it)."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    """A collaboration on the homeserver: its rooms, the people's clients, the bot and its outbox."""

    bot_id: str
    room: str  # the collaboration's shared room (also the summary room)
    alerts: str  # the alert room
    people: dict[str, Element]
    ids: dict[str, str]
    workspace_id: int
    clock: Clock
    service: Service
    engine: object
    handled: threading.Event = field(default_factory=threading.Event)
    halt: object = None  # stops the running bot
    start: object = None  # starts it again (same store: it goes on where its sync stopped)
    synapse: Synapse | None = None  # the homeserver (to read an event as it stores it)

    def service_halt(self) -> None:
        """Stop the bot (as a process stops)."""
        self.halt()
        self.halt = lambda: None

    def restart(self) -> None:
        """Start the bot again on the same store and database."""
        self.service, self.halt = self.start()

    def wait_handled(self) -> None:
        """Wait until the bot has committed what it was sent last (it wakes the outbox then)."""
        assert self.handled.wait(WAIT), "the bot never handled it"
        self.handled.clear()

    def deliver(self, now: datetime | None = None) -> int:
        """One round of the outbox at the test's time."""
        deliverer = MatrixDeliverer(self.engine, self.service.bridge, clock=self.clock)
        return deliverer.run_once(now or self.clock.now)

    def ask(self, who: str, text: str, room: str | None = None) -> dict:
        """Type a message as someone and return the bot's answer to it."""
        room = room or self.room
        event = self.people[who].send(room, text)
        reply = self.people[who].reply_to(room, event, self.bot_id)
        self.handled.clear()  # it was handled before it was answered
        return reply


def setup_toml(ids: dict[str, str], room: str, alerts: str) -> str:
    """The collaboration: Matrix ids for people, room ids for the summary and alert rooms."""
    return f"""
team_id = "{SERVER_NAME}"
timezone = "Europe/Stockholm"
deadline = "måndag 10:00"
summary_channel = "{room}"
alert_channel = "{alerts}"
coordinators = ["{ids['anna']}"]
admins = ["{ids['anna']}"]
areas = ["Finnsta", "Råby", "Vällingby", "Hässelby gård"]

[[partner]]
name = "Polisen"
members = ["{ids['per']}", "{REMOTE}"]

[[partner]]
name = "Stadsdelen"
members = ["{ids['sara']}"]
"""


def start_bot(service: Service) -> tuple[threading.Thread, callable]:
    """Run the bot's service on a loop of its own in a thread; returns it and a function that stops it."""
    ready, failed = threading.Event(), []
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    def main() -> None:
        try:
            loop.run_until_complete(service.serve(stop=stop, ready=ready))
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            failed.append(error)
            ready.set()
        finally:
            loop.close()

    thread = threading.Thread(target=main, name="matrix-bot", daemon=True)
    thread.start()
    assert ready.wait(WAIT), "the bot never finished its first sync"
    assert not failed, failed

    def halt() -> None:
        loop.call_soon_threadsafe(stop.set)
        thread.join(WAIT + 40)

    return thread, halt


def bot_settings(synapse: Synapse, account: tuple[str, str], store: str) -> MatrixSettings:
    """The bot's settings for the test homeserver: a password login, so each test's bot is a device of its own
    (its encryption keys in the test's store; the device id kept there for a restart)."""
    return MatrixSettings(homeserver=synapse.url, user_id=account[0], access_token=None,
                          password=synapse.password(account[0]), device_id=None, store_path=store)


@pytest.fixture
def world(engine, synapse, accounts, tmp_path) -> Iterator[World]:
    """A collaboration with a shared room (everyone joined) and an alert room, and the bot running."""
    ids = {name: accounts[name][0] for name in PEOPLE}
    bot_id = accounts["veckolage"][0]
    people = {name: Element(synapse.url, *accounts[name], password=synapse.password(accounts[name][0]),
                            store=tmp_path / "element" / name) for name in PEOPLE}
    room = people["anna"].create_room(invite=(bot_id, ids["per"], ids["sara"], ids["eve"]), name="Samverkan")
    alerts = people["anna"].create_room(invite=(bot_id,), name="Larm")
    for name in ("per", "sara", "eve"):
        people[name].join(room)
    with session_scope(engine) as session:
        workspace_id = sync_setup(session, parse_setup(setup_toml(ids, room, alerts)), now=NOW).workspace_id
    clock, handled = Clock(), threading.Event()

    def start() -> tuple[Service, object]:
        service = Service(bot_settings(synapse, accounts["veckolage"], str(tmp_path / "store")), engine,
                          clock=clock, outbox=False, notify=handled.set,
                          present=kiosk_presenter(WebConfig(WEB_SECRET, WEB_BASE_URL, None)))
        return service, start_bot(service)[1]

    service, halt = start()
    world = World(bot_id, room, alerts, people, ids, workspace_id, clock, service, engine, handled, halt, start,
                  synapse)
    try:
        people["anna"].joined(room, bot_id)  # the bot accepted the coordinator's invitations
        people["anna"].joined(alerts, bot_id)
        yield world
    finally:
        world.halt()
        for person in people.values():
            person.close()
