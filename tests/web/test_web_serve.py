"""End to end: `python -m bot serve` (gunicorn) serves the web view beside Slack's requests; a member signs in
with Slack in Chromium and a coordinator's kiosk link, asked for over HTTP, opens on the wall."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import Request

import pytest

from tests.conftest import SMALL_SETUP_TOML as CONFIG
from tests.fake_slack import FakeSlack
from tests.slack_harness import texts
from tests.test_e2e_serve import Server, _send, bot_env, free_port
from tests.web.web_harness import CLIENT_ID, CLIENT_SECRET, WEB_SECRET

pytestmark = pytest.mark.e2e


def slash(server: Server, command: str, words: str, *, user: str) -> tuple[int, str]:
    """A signed slash command from `user` (its own trigger id)."""
    import time

    from slack_sdk.signature import SignatureVerifier

    body = urlencode({"command": command, "text": words, "user_id": user, "team_id": "T0001",
                      "channel_id": "C0E2E", "trigger_id": f"9.{user}.{words}"}).encode()
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": stamp,
               "X-Slack-Signature": SignatureVerifier("s3cret").generate_signature(timestamp=stamp, body=body)}
    return _send(Request(server.url + "/slack/events", data=body, headers=headers))


def test_serve_answers_slack_and_the_web_view_on_one_port(tmp_path: Path, browser) -> None:
    (tmp_path / "veckolage.toml").write_text(CONFIG, encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with FakeSlack() as fake:
        fake.openid.register(CLIENT_ID, CLIENT_SECRET, f"{base}/storbild/logga-in/klar")
        env = bot_env(PORT=str(port), HOST="127.0.0.1", SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="s3cret",
                      SLACK_API_URL=fake.url, DATABASE_URL=f"sqlite:///{tmp_path}/v.db",
                      VECKOLAGE_CONFIG=str(tmp_path / "veckolage.toml"), XDG_RUNTIME_DIR=str(tmp_path),
                      WEB_SECRET=WEB_SECRET, WEB_BASE_URL=base, SIGNIN_CLIENT_ID=CLIENT_ID,
                      SIGNIN_CLIENT_SECRET=CLIENT_SECRET)
        server = Server.start("serve", tmp_path, env, port)
        try:
            server.wait_until_ready()
            assert server.slash("/lage", "vallingby 4 klotter", secret="s3cret")[0] == 200
            status, body = slash(server, "/veckolage", "storbild 1", user="U0COORD")
            assert status == 200, server.log
            link = next(w for w in texts(json.loads(body)).split() if w.startswith(base + "/storbild/k/"))
            page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
            page.goto(link)
            assert page.locator('tr[data-area="Vällingby"] td[data-partner="Polisen"]').inner_text() == "4 Allvarligt"
            assert "klotter" not in page.content()
            fake.openid.sign_in_as("T0001", "U0POL1")
            page.goto(base + "/storbild/")
            page.get_by_role("link", name="Logga in med Slack").click()
            page.wait_for_load_state()
            assert "klotter" in page.locator("main").inner_text()
            assert server.get("/storbild/tillganglighet")[0] == 200
            assert server.get("/storbild/ar/2026?" + urlencode({"x": 1}))[0] in (200, 303)  # never an error
            page.context.close()
        finally:
            server.stop()


def test_web_alone_serves_the_storbild_without_slack(tmp_path: Path) -> None:
    """`python -m bot web`: a Teams or Matrix collaboration's wall, with no Slack setting at all."""
    from datetime import UTC, datetime

    from bot.web.config import WebConfig, kiosk_url
    from commands.storbild.kiosk import create_kiosk_link
    from storage import queries
    from storage.db import make_engine, session_scope

    (tmp_path / "veckolage.toml").write_text(CONFIG, encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = bot_env(PORT=str(port), HOST="127.0.0.1", DATABASE_URL=f"sqlite:///{tmp_path}/v.db",
                  VECKOLAGE_CONFIG=str(tmp_path / "veckolage.toml"), XDG_RUNTIME_DIR=str(tmp_path),
                  WEB_SECRET=WEB_SECRET, WEB_BASE_URL=base)
    server = Server.start("web", tmp_path, env, port)
    try:
        server.wait_until_ready()
        engine = make_engine(f"sqlite:///{tmp_path}/v.db")
        with session_scope(engine) as session:
            workspace = queries.workspace_for(session, key="T0001")
            link = create_kiosk_link(session, workspace_id=workspace.id, timezone=workspace.timezone,
                                     user_id="U0COORD", now=datetime.now(UTC), days=1)
        url = kiosk_url(WebConfig(WEB_SECRET, base, None), link)
        status, page = _send(Request(url))
        assert status == 200 and "Lägesbild vecka" in page, server.log
        assert _send(Request(base + "/slack/events", data=b"{}"))[0] == 404  # no Slack here
    finally:
        server.stop()


def test_web_alone_without_a_secret_says_what_is_missing(tmp_path: Path) -> None:
    env = bot_env(DATABASE_URL=f"sqlite:///{tmp_path}/v.db", XDG_RUNTIME_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "bot", "web"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and "WEB_SECRET saknas" in done.stderr and "Traceback" not in done.stderr
