"""Start-up against a Slack that fails: real `serve`, `clock` and Socket Mode processes, the fake Slack.

A Slack outage at start (429, 500, a hang, nobody listening) leaves a running service that stores
reports and delivers when Slack is back; a rejected token stops the process with a Swedish explanation.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import SMALL_SETUP_TOML
from tests.fake_slack import FakeSlack
from tests.test_e2e_serve import SECRET, Server, bot_env, free_port

pytestmark = pytest.mark.e2e

CONFIG = 'alert_channel = "C0ALERTS"\n' + SMALL_SETUP_TOML
WAIT = 60  # generous: only so that a broken start fails instead of hanging


def environment(tmp_path: Path, api_url: str, port: int, **extra: str) -> dict[str, str]:
    (tmp_path / "veckolage.toml").write_text(CONFIG, encoding="utf-8")
    return bot_env(PORT=str(port), HOST="127.0.0.1", SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET,
                   SLACK_API_URL=api_url, DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
                   VECKOLAGE_CONFIG=str(tmp_path / "veckolage.toml"), XDG_RUNTIME_DIR=str(tmp_path), **extra)


@contextmanager
def process(tmp_path: Path, mode: str, api_url: str, **extra: str) -> Iterator[Server]:
    """`python -m bot <mode>` with its output collected; always stopped afterwards."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot", mode], cwd=tmp_path,
                            env=environment(tmp_path, api_url, port, **extra), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                            errors="replace", start_new_session=True)
    server = Server(proc, port)
    try:
        yield server
    finally:
        server.stop()


def wait_for(server: Server, text: str) -> None:
    """Read the process's output until a line contains `text`; fail if it exits or after WAIT seconds."""
    if any(text in line for line in server.log):
        return
    deadline = time.monotonic() + WAIT
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            line = server._lines.get(timeout=remaining)
        except queue.Empty:
            break
        if line is None:
            pytest.fail(f"exited with {server.proc.wait()} while waiting for {text!r}:\n{''.join(server.log)}")
        if text in line:
            return
    pytest.fail(f"no {text!r} after {WAIT} s:\n{''.join(server.log)}")


def until(condition, what: str, server: Server) -> None:
    """Poll the fake Slack's record until `condition()` holds (a real process delivers on its own time)."""
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline or server.proc.poll() is not None:
            pytest.fail(f"{what} did not happen:\n{''.join(server.log)}")
        time.sleep(0.1)


def no_traceback(server: Server) -> None:
    log = "".join(server.log)
    assert "Traceback" not in log and "BoltError" not in log, log
    assert "As you gave" not in log, log  # Bolt's English warning about our explicit client token


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.mark.parametrize("outage", ["500", "429", "hang"])
def test_serve_started_during_a_slack_outage_stores_reports_and_delivers_when_slack_is_back(tmp_path, fake, outage):
    if outage == "hang":  # the first auth.test never answers in time; the next one does
        fake.hang_next("auth.test", seconds=WAIT, times=1)
    else:
        fake.fail_next("auth.test", status=int(outage), retry_after=1, times=1)
    # The alert's first attempt meets the outage too: refused (429), so it is sent again as soon as Slack answers. A
    # 5xx would count as maybe-landed and wait out the outbox's two-minute confirm window (tests/test_rhythm.py).
    fake.fail_next("chat.postMessage", status=429, retry_after=1, times=1)
    with process(tmp_path, "serve", fake.url) as server:
        wait_for(server, "Väntar på Slack")
        wait_for(server, "Booting worker")
        status, body = server.slash("/lage", "hasselby gard 4 lugnt")
        assert status == 200 and "Sparat" in json.dumps(json.loads(body), ensure_ascii=False), "".join(server.log)
        status, body = server.slash("/handelse", "vällingby skjutning skott mot port")
        assert status == 200 and "#1" in json.dumps(json.loads(body), ensure_ascii=False), "".join(server.log)
        wait_for(server, "Slack svarar igen")
        until(lambda: len(fake.calls_to("chat.postMessage")) >= 2, "the alert's delivery after the outage", server)
        alert = fake.calls_to("chat.postMessage")[-1]
        assert alert.args["channel"] == "C0ALERTS" and "Skjutning" in json.dumps(alert.args, ensure_ascii=False)
        assert server.proc.poll() is None
    assert server.proc.returncode == 0, "".join(server.log)
    no_traceback(server)


def test_clock_started_while_slack_is_not_there_keeps_running_and_says_what_it_waits_for(tmp_path):
    nobody = f"http://127.0.0.1:{free_port()}/api/"  # a closed port: connection refused
    with process(tmp_path, "clock", nobody) as server:
        wait_for(server, "Väntar på Slack: Slack svarar inte")
        wait_for(server, "Veckolägets klocka går")
        wait_for(server, "Väntar fortfarande på Slack")
        assert server.proc.poll() is None
    no_traceback(server)


def test_socket_mode_waits_out_slack_errors_and_connects_when_slack_answers(tmp_path, fake):
    fake.fail_next("auth.test", status=500, times=1)
    fake.fail_next("apps.connections.open", status=500, times=2)
    with process(tmp_path, "socket", fake.url, SLACK_APP_TOKEN="xapp-test") as server:
        wait_for(server, "Väntar på Slack: Slack svarar med fel (HTTP 500")
        wait_for(server, "Väntar på Slack för Socket Mode")
        until(lambda: len(fake.calls_to("apps.connections.open")) >= 3, "a third apps.connections.open", server)
        wait_for(server, "Slack svarar igen")
        assert server.proc.poll() is None
    no_traceback(server)


@pytest.mark.parametrize("mode", ["serve", "clock", "socket"])
def test_a_rejected_token_stops_the_process_with_a_swedish_explanation(tmp_path, fake, mode):
    fake.respond_with("auth.test", {"ok": False, "error": "invalid_auth"})
    with process(tmp_path, mode, fake.url, SLACK_APP_TOKEN="xapp-test") as server:
        assert server.proc.wait(timeout=WAIT) == 2
    output = "".join(server.log)
    assert "Slack avvisar SLACK_BOT_TOKEN (invalid_auth), så Veckoläge startar inte" in output
    assert "OAuth & Permissions → Bot User OAuth Token" in output
    assert len(output.strip().splitlines()) <= 6, output
    no_traceback(server)


def test_a_rejected_app_token_in_socket_mode_is_explained(tmp_path, fake):
    fake.respond_with("apps.connections.open", {"ok": False, "error": "invalid_auth"})
    with process(tmp_path, "socket", fake.url, SLACK_APP_TOKEN="xapp-wrong") as server:
        assert server.proc.wait(timeout=WAIT) == 2
    output = "".join(server.log)
    assert "Slack avvisar SLACK_APP_TOKEN (invalid_auth)" in output and "App-Level Tokens" in output
    no_traceback(server)
