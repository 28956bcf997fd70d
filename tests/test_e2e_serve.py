"""End to end: `python -m bot serve` as a real process (gunicorn) against the fake Slack and a real database."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import ProxyHandler, Request, build_opener

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text

from storage.db import make_engine
from tests.conftest import SMALL_SETUP_TOML as CONFIG
from tests.fake_slack import FakeSlack

pytestmark = pytest.mark.e2e

SECRET = "e2e-signing-secret"
READY_TIMEOUT = 30
PG_ADMIN_URL = os.environ.get("VECKOLAGE_TEST_POSTGRES_URL",
                              "postgresql://postgres@127.0.0.1:5432/test").replace("+psycopg", "")
PG_OFF = os.environ.get("VECKOLAGE_TEST_POSTGRES", "").lower() in {"0", "off", "no"}
OWN_VARIABLES = ("DATABASE_URL", "VECKOLAGE_CONFIG", "PORT", "HOST", "LOG_LEVEL")
# No proxy anywhere: the client and the bot talk to 127.0.0.1 only.
http = build_opener(ProxyHandler({}))


def stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM a process we started in its own session, then SIGKILL its whole process group."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def free_port() -> int:
    """A port nobody listens on right now (127.0.0.1 only)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bot_env(**values: str) -> dict[str, str]:
    """The test's environment without Slack, proxy or bot variables, plus `values`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SLACK_") and k not in OWN_VARIABLES and "proxy" not in k.lower()}
    return {**env, "PYTHONIOENCODING": "utf-8", **values}


class Server:
    """A running `python -m bot serve` (or `web`) and everything it logged."""

    def __init__(self, proc: subprocess.Popen, port: int) -> None:
        self.proc, self.url, self.log = proc, f"http://127.0.0.1:{port}", []
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    @classmethod
    def start(cls, mode: str, tmp_path: Path, env: dict[str, str], port: int) -> Server:
        """`python -m bot <mode>` in its own process group, run from `tmp_path`, its output collected."""
        proc = subprocess.Popen([sys.executable, "-m", "bot", mode], cwd=tmp_path, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, encoding="utf-8", errors="replace", start_new_session=True)
        return cls(proc, port)

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.log.append(line)
            self._lines.put(line)
        self._lines.put(None)

    def wait_until_ready(self) -> None:
        """Read the log until gunicorn has booted its worker; fail on exit or after READY_TIMEOUT."""
        deadline = time.monotonic() + READY_TIMEOUT
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                pytest.fail(f"serve exited with {self.proc.wait()} before listening:\n{''.join(self.log)}")
            if "Booting worker" in line:
                return
        pytest.fail(f"serve not ready after {READY_TIMEOUT} s:\n{''.join(self.log)}")

    def stop(self) -> None:
        """SIGTERM (gunicorn shuts down gracefully), then SIGKILL the whole process group."""
        stop_group(self.proc)

    def get(self, path: str) -> tuple[int, str]:
        return _send(Request(self.url + path))

    def slash(self, command: str, words: str, *, secret: str = SECRET, age: int = 0) -> tuple[int, str]:
        """A slash command from U0POL1, signed with `secret`, sent `age` seconds ago."""
        body = urlencode({"command": command, "text": words, "user_id": "U0POL1", "team_id": "T0001",
                          "channel_id": "C0E2E", "trigger_id": "1.2.3"}).encode()
        stamp = str(int(time.time()) - age)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": stamp,
                   "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)}
        return _send(Request(self.url + "/slack/events", data=body, headers=headers))


def _send(request: Request) -> tuple[int, str]:
    try:
        with http.open(request, timeout=15) as response:
            return response.status, response.read().decode("utf-8")
    except HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@contextmanager
def serving(tmp_path: Path, fake: FakeSlack, database_url: str) -> Iterator[Server]:
    """Start `python -m bot serve` on a free port; always stopped afterwards."""
    (tmp_path / "veckolage.toml").write_text(CONFIG, encoding="utf-8")
    port = free_port()
    env = bot_env(PORT=str(port), HOST="127.0.0.1", SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET,
                  SLACK_API_URL=fake.url, DATABASE_URL=database_url,
                  VECKOLAGE_CONFIG=str(tmp_path / "veckolage.toml"),
                  XDG_RUNTIME_DIR=str(tmp_path))  # gunicorn's control socket: not the shared ~/.gunicorn
    server = Server.start("serve", tmp_path, env, port)
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


def as_text(body: str) -> str:
    """A JSON answer as readable text (no \\u escapes), for `in` checks."""
    return json.dumps(json.loads(body), ensure_ascii=False)


def round_trip(server: Server, fake: FakeSlack) -> None:
    """Health, a signed /lage, two forged ones, then the grid shows the rating."""
    assert server.get("/healthz") == (200, "ok\n")
    status, body = server.slash("/lage", "hasselby gard 4 lugnt")
    assert status == 200, server.log
    assert "Sparat" in as_text(body) and "Hässelby gård" in as_text(body)
    assert server.slash("/lage", "hasselby gard 1 fel nyckel", secret="not-the-secret")[0] == 401
    assert server.slash("/lage", "hasselby gard 1 för gammal", age=600)[0] == 401
    status, body = server.slash("/veckolage", "")
    assert status == 200, server.log
    assert "🟥4" in as_text(body)
    assert fake.calls, "the bot never called the fake Slack (SLACK_API_URL ignored?)"
    assert {(call.method, call.token) for call in fake.calls} == {("auth.test", "xoxb-test")}


def stored(database_url: str) -> tuple[list[tuple], list[tuple]]:
    """(ratings, rating audit entries) as the process left them."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            ratings = connection.execute(text(
                "SELECT a.name, r.level, r.comment, r.reported_by FROM rating r JOIN area a ON a.id = r.area_id"
            )).all()
            audit = connection.execute(text(
                "SELECT actor, subject, new_value FROM auditentry WHERE action = 'rating.set'")).all()
    finally:
        engine.dispose()
    return [tuple(row) for row in ratings], [tuple(row) for row in audit]


def assert_one_rating(database_url: str) -> None:
    ratings, audit = stored(database_url)
    assert ratings == [("Hässelby gård", 4, "lugnt", "U0POL1")]
    assert len(audit) == 1 and audit[0][:2] == ("U0POL1", "Hässelby gård / Polisen")


def test_serve_sqlite_round_trip(tmp_path, fake):
    database_url = f"sqlite:///{tmp_path / 'e2e.db'}"
    with serving(tmp_path, fake, database_url) as server:
        round_trip(server, fake)
    assert server.proc.returncode == 0, server.log
    assert_one_rating(database_url)


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """A database of its own on the test server (the shared `test` database is left alone)."""
    if PG_OFF:
        pytest.skip("VECKOLAGE_TEST_POSTGRES=off: the PostgreSQL end-to-end test is not run")
    import psycopg
    from psycopg import sql

    name = f"vl_e2e_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({error}); start it or set "
                    "VECKOLAGE_TEST_POSTGRES=off.", pytrace=False)
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_serve_postgresql_round_trip(tmp_path, fake, fresh_postgres):
    with serving(tmp_path, fake, fresh_postgres) as server:
        round_trip(server, fake)
    assert server.proc.returncode == 0, server.log
    assert_one_rating(fresh_postgres)


def test_serve_refuses_garbage_without_a_traceback_or_the_body_in_its_log(tmp_path, fake):
    """Point 8 and 9 over gunicorn: 400/401 for garbage, and a log with no user text and no long line."""
    secret_text, response_url = "hemlig-text-från-formuläret", "https://hooks.slack.com/commands/T1/2/hemlig"
    garbage = urlencode({"command": "/lage", "text": secret_text * 25_000, "response_url": response_url}).encode()

    def post(body: bytes, *, sign: bool, stamp: str | None = None) -> int:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if sign:
            stamp = stamp or str(int(time.time()))
            mac = hmac.new(SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
            headers |= {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={mac}"}
        return _send(Request(f"{server.url}/slack/events", data=body, headers=headers))[0]

    with serving(tmp_path, fake, f"sqlite:///{tmp_path / 'e2e.db'}") as server:
        assert len(garbage) > 800_000 and post(garbage, sign=False) == 401  # unsigned
        assert post(b"\xff\xfe" + secret_text.encode(), sign=True) == 400
        assert post(b"payload=" + secret_text.encode(), sign=True) == 400
        assert post(b"command=%2Flage&text=" + secret_text.encode(), sign=True, stamp="soon") == 401
        assert server.slash("/lage", "hasselby gard 4 lugnt")[0] == 200
    log = "".join(server.log)
    assert "Refused a request to /slack/events (401, unsigned)" in log
    assert "Traceback" not in log and secret_text not in log and "hooks.slack.com" not in log
    assert max(len(line) for line in server.log) < 500
