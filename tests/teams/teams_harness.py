"""The real Teams SDK app on 127.0.0.1 against the fake Bot Framework, and signed activities to send it.

`TeamsHarness` starts the fake, builds the app with `bot.teams.app.create_teams_app` (the same factory as
`python -m bot teams`), serves it with uvicorn in a thread and posts activities over HTTP with a token signed by
the fake's key; the SDK validates every one. The connector calls the bot makes arrive in `fake.sent` before
the POST returns (the SDK awaits the handlers), so tests never wait.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx
import pytest
import uvicorn

from bot.teams.app import create_teams_app
from bot.teams.file_consent import CONSENT_TYPE
from bot.teams.settings import load_teams_settings
from tests.teams.fake_bot_framework import FakeBotFramework

CLIENT_ID = "6d1f3c2a-0b7e-4f55-9a3c-1e2d3f4a5b6c"
TENANT_ID = "9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e"
BOT_ID = f"28:{CLIENT_ID}"
# People of the test collaboration by their Entra object ids (tests/conftest.py's set-up, Teams style).
POLICE = "11111111-aaaa-4bbb-8ccc-000000000001"
COORDINATOR = "22222222-aaaa-4bbb-8ccc-000000000002"
STRANGER = "33333333-aaaa-4bbb-8ccc-000000000003"
TEAMS_SETUP_TOML = f"""
timezone = "Europe/Stockholm"
deadline = "måndag 10:00"
team_id = "{TENANT_ID}"
summary_channel = "19:summary0channel0id0aaaaaaaaaaaaaaa@thread.tacv2"
alert_channel = "19:alerts0channel0id0bbbbbbbbbbbbbbbbb@thread.tacv2"
coordinators = ["{COORDINATOR}"]
admins = ["{COORDINATOR}"]
areas = ["Hässelby gård", "Vällingby", "Finnsta", "Grimsta"]

[[partner]]
name = "Polisen"
members = ["{POLICE}"]

[[partner]]
name = "Stadsdelsförvaltningen"
short = "SDF"
members = ["{COORDINATOR}"]
"""
CHANNEL = "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2"


class _Server(uvicorn.Server):
    """uvicorn that says when it listens (an Event, not a sleep)."""

    def __init__(self, config: uvicorn.Config, started: threading.Event) -> None:
        super().__init__(config)
        self._started = started

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets=sockets)
        self._started.set()


class TeamsHarness:
    """The fake Bot Framework and the real Teams app, both on loopback ports."""

    def __init__(self, engine, clock: callable, *, build=None, notify=None, present=None) -> None:
        """`build(settings)` → another SDK app on the same fake (the benchmark's floor); default: ours, calling
        `notify` after each commit as `python -m bot teams` wakes its outbox."""
        self.fake = FakeBotFramework(CLIENT_ID).start()
        env = {"TEAMS_CLIENT_ID": CLIENT_ID, "TEAMS_CLIENT_SECRET": self.fake.client_secret,
               "TEAMS_TENANT_ID": TENANT_ID, "TEAMS_OPENID_METADATA_URL": self.fake.metadata_url,
               "TEAMS_TOKEN_URL": self.fake.token_url}
        self.settings = load_teams_settings(env)
        self.app = build(self.settings) if build else create_teams_app(
            self.settings, engine=engine, clock=clock, notify=notify,
            **({"present": present} if present else {}))
        self._ids = itertools.count(1)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        started = threading.Event()
        self.server = _Server(uvicorn.Config(self.app.server.adapter.app, log_level="warning", lifespan="off"),
                              started)

        async def main() -> None:
            await self.app.initialize()
            await self.server.serve(sockets=[sock])

        self.thread = threading.Thread(target=lambda: asyncio.run(main()), daemon=True)
        self.thread.start()
        if not started.wait(timeout=30):
            raise RuntimeError("the Teams app did not start")
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)

    def close(self) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.fake.stop()

    # --- activities ---

    def activity(self, *, text: str | None = None, user: str | None = POLICE, conversation: str | None = None,
                 kind: str = "personal", value: dict | None = None, mention: bool = False,
                 activity_type: str = "message", name: str = "Anna Andersson") -> dict:
        """An activity as Teams sends it (1:1 chat by default; `kind="channel"` with the bot @mentioned)."""
        number = next(self._ids)
        sender = {"id": f"29:1user-{(user or 'x')[:8]}", "name": name, **({"aadObjectId": user} if user else {})}
        conversation = conversation or (CHANNEL if kind == "channel" else f"a:1on1-{(user or 'x')[:8]}")
        body = {"type": activity_type, "id": f"in-{number}", "timestamp": "2026-11-22T12:00:00.000Z",
                "channelId": "msteams", "serviceUrl": self.fake.service_url, "from": sender,
                "conversation": {"id": conversation + (f";messageid=17000000{number}" if kind == "channel" else ""),
                                 "conversationType": kind, "tenantId": TENANT_ID},
                "recipient": {"id": BOT_ID, "name": "Veckoläge"},
                "channelData": {"tenant": {"id": TENANT_ID}}, "locale": "sv-SE"}
        if text is not None:
            body["text"] = f"<at>Veckoläge</at> {text}" if mention else text
            body["textFormat"] = "plain"
        if mention:
            body["entities"] = [{"type": "mention", "text": "<at>Veckoläge</at>",
                                 "mentioned": {"id": BOT_ID, "name": "Veckoläge"}}]
        if value is not None:
            body["value"] = value
        return body

    def post(self, activity: dict, token: str | None | bool = True) -> httpx.Response:
        """POST an activity to /api/messages; `token=True` signs it with the fake's key, a string sends that."""
        headers = {}
        if token is True:
            token = self.fake.token_for(service_url=activity.get("serviceUrl"))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.post("/api/messages", json=activity, headers=headers)

    def consent(self, offer, *, accept: bool = True, user: str | None = POLICE, context=None) -> httpx.Response:
        """The person's answer on a file consent card (`offer`, what the bot sent), as Teams sends it: a
        fileConsent/invoke in reply to the card, with a new upload session in their OneDrive when accepted."""
        [attachment] = offer.attachments(CONSENT_TYPE)
        content = attachment["content"]
        value = {"type": "fileUpload", "action": "accept" if accept else "decline",
                 "context": content["acceptContext" if accept else "declineContext"] if context is None else context}
        if accept:
            value["uploadInfo"] = self.fake.upload_session(attachment["name"])
        activity = self.activity(user=user, conversation=offer.conversation_id, activity_type="invoke", value=value)
        activity.update(name="fileConsent/invoke", replyToId=offer.new_id)
        return self.post(activity)

    def say(self, text: str, **kw) -> list:
        """Send a message and return what the bot sent in answer (the connector calls it made)."""
        before = len(self.fake.sent)
        answer = self.post(self.activity(text=text, **kw))
        assert answer.status_code in (200, 201), answer.text
        return self.fake.sent[before:]


def teams_env(tmp_path: Path, fake: FakeBotFramework, *, port: int, secret: str | None = None) -> dict[str, str]:
    """The environment of `python -m bot teams` for the Teams test collaboration (written to `tmp_path`) against
    `fake`; `secret` instead of the fake's own client secret."""
    from tests.test_e2e_serve import bot_env

    (tmp_path / "veckolage.toml").write_text(TEAMS_SETUP_TOML, encoding="utf-8")
    return bot_env(DATABASE_URL=f"sqlite:///{tmp_path / 'v.db'}", VECKOLAGE_CONFIG=str(tmp_path / "veckolage.toml"),
                   PORT=str(port), TEAMS_CLIENT_ID=CLIENT_ID, TEAMS_CLIENT_SECRET=secret or fake.client_secret,
                   TEAMS_TENANT_ID=TENANT_ID, TEAMS_OPENID_METADATA_URL=fake.metadata_url,
                   TEAMS_TOKEN_URL=fake.token_url)


@contextmanager
def teams_process(tmp_path: Path) -> Iterator[tuple[FakeBotFramework, int]]:
    """`python -m bot teams` as a real process on a free port, listening, against a new fake Bot Framework;
    yields the fake and the port, and stops both afterwards."""
    from tests.test_e2e_serve import free_port
    from tests.test_processes import Process

    fake = FakeBotFramework(CLIENT_ID).start()
    port = free_port()
    process = Process("teams", tmp_path, teams_env(tmp_path, fake, port=port))
    try:
        process.wait_for_line(f"lyssnar på http://127.0.0.1:{port}/api/messages")
        yield fake, port
    finally:
        process.stop()
        fake.stop()


def personal_message(fake: FakeBotFramework, text: str, user: str = POLICE) -> dict:
    """A message in a 1:1 chat as Teams posts it to the bot (for a process reached over HTTP)."""
    return {"type": "message", "id": "m1", "channelId": "msteams", "serviceUrl": fake.service_url,
            "from": {"id": "29:anna", "aadObjectId": user, "name": "Anna"}, "text": text,
            "conversation": {"id": "a:1on1-anna", "conversationType": "personal", "tenantId": TENANT_ID},
            "recipient": {"id": BOT_ID, "name": "Veckoläge"}}


def now_clock(now: datetime):
    """A clock that always says `now`."""
    return lambda: now


def teams_collaboration(engine) -> int:
    """The collaboration on Teams (TEAMS_SETUP_TOML) set up in the database at NOW; its workspace id."""
    from commands.setup.file import parse_setup
    from commands.setup.sync import sync_setup
    from storage.db import session_scope
    from tests.conftest import NOW

    with session_scope(engine) as session:
        return sync_setup(session, parse_setup(TEAMS_SETUP_TOML), now=NOW).workspace_id


@pytest.fixture
def teams(engine):
    """A collaboration on Teams (TEAMS_SETUP_TOML) and the real app on the fake Bot Framework, at NOW."""
    from tests.conftest import NOW

    teams_collaboration(engine)
    harness = TeamsHarness(engine, now_clock(NOW))
    yield harness
    harness.close()
