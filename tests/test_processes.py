"""The Procfile's processes as real subprocesses against the fake Slack (SLACK_API_URL) and one SQLite file:
`clock` posts what is due and delivers the outbox, `serve` delivers an alert reported to it on its own, and
both at once deliver every alert exactly once. Waits are on conditions (log lines, the fake's channel)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import Request
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import select, update

from bot.cli.startup import prepare
from commands.core.weeks import Week
from commands.rhythm.calendar import scheduled_moment
from storage.db import make_engine, session_scope
from storage.models import OutboxMessage, Workspace
from tests.conftest import SMALL_SETUP_TOML, Chat
from tests.fake_slack import FakeSlack
from tests.test_e2e_serve import _send, bot_env, free_port, stop_group

pytestmark = pytest.mark.e2e
SECRET = "procfile-secret"
SETUP = 'summary_channel = "C0SUMMARY"\nalert_channel = "C0ALERTS"\n' + SMALL_SETUP_TOML
EARLY = datetime(2026, 1, 1, tzinfo=UTC)  # set up long before the weeks the clock posts about


class Process:
    """`python -m bot MODE` with its output collected; `wait_for_line` waits on a condition."""

    def __init__(self, mode: str, cwd: Path, env: dict[str, str]) -> None:
        self.mode, self.lines, self._seen = mode, [], threading.Condition()
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", mode], cwd=cwd, env=env, text=True,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     encoding="utf-8", errors="replace", start_new_session=True)
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            with self._seen:
                self.lines.append(line)
                self._seen.notify_all()
        with self._seen:
            self.lines.append(None)
            self._seen.notify_all()

    def wait_for_line(self, text: str, timeout: float = 60) -> None:
        with self._seen:
            found = self._seen.wait_for(lambda: any(text in (line or "") for line in self.lines)
                                        or None in self.lines, timeout)
        log = "".join(line for line in self.lines if line)
        assert found and None not in self.lines, f"{self.mode}: no {text!r} (exit {self.proc.poll()}):\n{log}"

    def stop(self) -> None:
        """SIGTERM, then SIGKILL the process group."""
        stop_group(self.proc)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def place(tmp_path) -> tuple[Path, str]:
    """A set-up file and a SQLite database set up (migrated, synced) before any process starts."""
    (tmp_path / "veckolage.toml").write_text(SETUP, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'veckolage.db'}"
    ready = prepare(url, str(tmp_path / "veckolage.toml"), now=EARLY)
    with session_scope(ready.engine) as session:
        session.execute(update(Workspace).values(reminder_slots=""))
    ready.engine.dispose()
    return tmp_path, url


def engine_of(url: str):
    return make_engine(url)


@contextmanager
def running(mode: str, place: tuple[Path, str], fake: FakeSlack, **extra: str) -> Iterator[Process]:
    cwd, url = place
    env = bot_env(SLACK_BOT_TOKEN=f"xoxb-{mode}", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.url,
                  DATABASE_URL=url, VECKOLAGE_CONFIG=str(cwd / "veckolage.toml"), LOG_LEVEL="INFO",
                  XDG_RUNTIME_DIR=str(cwd), **extra)
    process = Process(mode, cwd, env)
    try:
        yield process
    finally:
        process.stop()


def report_to(port: int, text: str, trigger: str) -> None:
    """A signed /handelse to a running `serve`."""
    body = urlencode({"command": "/handelse", "text": text, "user_id": "U0POL1", "team_id": "T0001",
                      "channel_id": "C0E2E", "trigger_id": trigger}).encode()
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": stamp,
               "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)}
    status, answer = _send(Request(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers))
    assert status == 200 and "registrerad" in answer, answer


def alert_keys(fake: FakeSlack) -> list[str]:
    return [m["metadata"]["event_payload"]["key"] for m in fake.channel("C0ALERTS") if "thread_ts" not in m]


def test_serve_delivers_an_alert_reported_to_it_on_its_own(place, fake) -> None:
    port = free_port()
    with running("serve", place, fake, PORT=str(port), HOST="127.0.0.1") as web:
        web.wait_for_line("Booting worker")
        report_to(port, "Vällingby skjutning skott mot port", "T-serve")
        fake.wait_for(lambda f: alert_keys(f), timeout=20)
    assert alert_keys(fake) == ["alert.post:1"]
    (post,) = [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == "C0ALERTS"]
    assert "Skjutning i Vällingby" in post.args["text"] and post.token == "xoxb-serve"


def test_the_clock_process_posts_what_is_due_and_delivers_the_outbox(place, fake) -> None:
    cwd, url = place
    engine = engine_of(url)
    now = datetime.now(UTC)
    local = now.astimezone(ZoneInfo("Europe/Stockholm"))
    with session_scope(engine) as session:  # the summary falls due today at 00:00 (moved on a holiday)
        session.execute(update(Workspace).values(summary_weekday=local.weekday(), summary_minute=0))
        workspace_id = session.execute(select(Workspace.id)).scalar_one()
    Chat(engine, workspace_id)("U0POL1", "/handelse Vällingby skjutning före start", now=now)  # queued, not sent
    due = scheduled_moment(Week.of(local.date()), local.weekday(), 0, "Europe/Stockholm") <= local
    with running("clock", place, fake) as clock:
        clock.wait_for_line("executed successfully")  # the APScheduler job ran once (at start)
        fake.wait_for(lambda f: alert_keys(f) and (not due or [m for m in f.channel("C0SUMMARY")]), timeout=20)
    assert alert_keys(fake) == ["alert.post:1"]
    summaries = [m for m in fake.channel("C0SUMMARY") if "thread_ts" not in m]
    last_week = Week.of(local.date()).shift(-1)
    assert [f"vecka {last_week.week}, {last_week.year}" in s["text"] for s in summaries] == ([True] if due else [])
    engine.dispose()


def test_web_and_clock_on_one_sqlite_file_deliver_each_alert_exactly_once(place, fake) -> None:
    """The Procfile: `web` and `clock` both deliver the outbox; rows due at one moment are raced for."""
    cwd, url = place
    engine = engine_of(url)
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        workspace_id = session.execute(select(Workspace.id)).scalar_one()
    chat = Chat(engine, workspace_id)
    for n in range(8):
        chat("U0POL1", f"/handelse Vällingby skjutning nummer {n}", now=now)
    together = now + timedelta(seconds=12)  # both processes are up by then and wake for it at once
    with session_scope(engine) as session:
        session.execute(update(OutboxMessage).values(due_at=together))
    port = free_port()
    with running("clock", place, fake) as clock, running("serve", place, fake, PORT=str(port),
                                                         HOST="127.0.0.1") as web:
        clock.wait_for_line("executed successfully")
        web.wait_for_line("Booting worker")
        report_to(port, "Grimsta brandattentat via web", "T-web")
        fake.wait_for(lambda f: len(alert_keys(f)) >= 9, timeout=60)
        web.stop()
        clock.stop()
    keys = alert_keys(fake)
    assert sorted(keys) == sorted(f"alert.post:{n}" for n in range(1, 10))  # each exactly once
    (web_report,) = [c.token for c in fake.calls_to("chat.postMessage") if c.args["channel"] == "C0ALERTS"
                     and c.args["metadata"]["event_payload"]["key"] == "alert.post:9"]
    assert web_report in ("xoxb-serve", "xoxb-clock")  # delivered once, by one of the two
    engine.dispose()
