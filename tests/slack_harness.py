"""Drive the real Bolt app the way bolt-python's own tests do: signed bodies into `app.dispatch`."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from urllib.parse import urlencode

import pytest
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack.app import create_app
from tests.fake_slack import FakeSlack

SECRET = "test-signing-secret"
TEAM = "T0TEST"
BOT_TOKEN = "xoxb-test-token"
BOT_USER = "UBOT"
FORM = "application/x-www-form-urlencoded"
_TRIGGERS = itertools.count(111)


def signed_headers(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict:
    """The headers Slack sends: a v0 signature of the body at a timestamp (default: now)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"content-type": [FORM], "x-slack-request-timestamp": [stamp], "x-slack-signature": [signature]}


def slash_body(command: str, text: str, *, user: str = "U0POL1", team: str = TEAM, channel: str = "C0TEST",
               trigger_id: str | None = None, response_url: str | None = None) -> str:
    """A slash command as Slack posts it (urlencoded form); each gets its own trigger id, as in Slack,
    unless one is given (a retried request has the same)."""
    return urlencode({
        "token": "verification-token-unused", "team_id": team, "team_domain": "test",
        "channel_id": channel, "channel_name": "test", "user_id": user, "user_name": user.lower(),
        "command": command, "text": text, "api_app_id": "A0TEST",
        "response_url": response_url or "https://hooks.slack.com/commands/T0TEST/1/abc",
        "trigger_id": trigger_id or f"{next(_TRIGGERS)}.222.abc",
    })


def view_submission_body(view: dict, values: dict, *, user: str = "U0POL1", team: str = TEAM) -> str:
    """A modal submission: `payload=<json>` with the view (as opened) and the state the user filled in."""
    submitted = {**view, "id": view.get("id", "V0TEST"), "team_id": team, "hash": "1.abc",
                 "state": {"values": values}}
    payload = {
        "type": "view_submission", "team": {"id": team, "domain": "test"},
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "api_app_id": "A0TEST", "token": "verification-token-unused", "trigger_id": "333.444.def",
        "view": submitted, "response_urls": [],
    }
    return urlencode({"payload": json.dumps(payload)})


def authorize(**kwargs) -> AuthorizeResult:
    """A fixed installation, so Bolt never calls auth.test."""
    return AuthorizeResult(enterprise_id=None, team_id=TEAM, bot_user_id=BOT_USER, bot_id="B0TEST",
                           bot_token=BOT_TOKEN)


def build_app(engine: Engine, fake: FakeSlack, *, clock: Callable[[], datetime]) -> App:
    """The production app factory, pointed at the fake Slack API."""
    settings = Settings(signing_secret=SECRET, slack_api_url=fake.url)
    return create_app(settings, engine=engine, clock=clock, authorize=authorize)


def dispatch(app: App, body: str, headers: dict) -> BoltResponse:
    """One HTTP request through Bolt (signature check, middleware, listener, ack)."""
    return app.dispatch(BoltRequest(body=body, headers=headers))


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A running fake Slack Web API for one test."""
    with FakeSlack() as fake:
        yield fake


def block_actions_body(action_id: str, value: str, *, user: str = "U0POL1", team: str = TEAM,
                       channel: str = "C0TEST", response_url: str | None = None) -> str:
    """A button click in a message: `payload=<json>` of type block_actions."""
    payload = {
        "type": "block_actions", "team": {"id": team, "domain": "test"},
        "user": {"id": user, "username": user.lower(), "team_id": team}, "api_app_id": "A0TEST",
        "token": "verification-token-unused", "trigger_id": "555.666.ghi", "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel},
        "actions": [{"type": "button", "action_id": action_id, "value": value, "action_ts": "1"}],
        "response_url": response_url or "https://hooks.slack.com/actions/T0TEST/1/abc",
    }
    return urlencode({"payload": json.dumps(payload)})



def event_body(event: dict, *, team: str = TEAM) -> str:
    """An Events API callback as Slack posts it (JSON), e.g. `{"type": "app_home_opened", "user": …}`."""
    return json.dumps({
        "token": "verification-token-unused", "team_id": team, "api_app_id": "A0TEST", "type": "event_callback",
        "event": {"event_ts": "1700000000.000100", **event}, "event_id": "Ev0TEST", "event_time": 1700000000,
        "authorizations": [{"team_id": team, "user_id": BOT_USER, "is_bot": True}],
    })


def event_headers(body: str) -> dict:
    """Signed headers for a JSON body (the Events API)."""
    return {**signed_headers(body), "content-type": ["application/json"]}


def texts(payload) -> str:
    """Every `text` string in a payload, one per line: what the user reads."""
    if isinstance(payload, list):
        return "\n".join(texts(item) for item in payload)
    if not isinstance(payload, dict):
        return ""
    parts = [v if k == "text" and isinstance(v, str) else texts(v) for k, v in payload.items()]
    return "\n".join(p for p in parts if p)


# --- Helpers for the admin, rights and isolation tests (appended) -------------------------------------------


def inline_app(engine: Engine, fake: FakeSlack, *, clock: Callable[[], datetime], settings: Settings | None = None,
               **options) -> App:
    """The production app with slow work (uploads) run inline: the upload is done when `dispatch` returns.

    Without `oauth` (or an explicit `authorize`) the fixed test installation is used."""
    settings = settings or Settings(signing_secret=SECRET, slack_api_url=fake.url)
    if "oauth" not in options:
        options.setdefault("authorize", authorize)
    return create_app(settings, engine=engine, clock=clock, background=lambda job: job(), **options)


def slash(app: App, line: str, *, user: str, team: str = TEAM, secret: str = SECRET) -> dict:
    """`/lagesadmin visa` as a signed slash command → the parsed ack body (empty dict for an empty ack)."""
    command, _, text = line.partition(" ")
    body = slash_body(command, text, user=user, team=team)
    response = dispatch(app, body, signed_headers(body, secret=secret))
    assert response.status == 200, response.body
    return json.loads(response.body) if response.body else {}


def wsgi_request(application: Callable, method: str, path: str, *, query: str = "", headers: dict | None = None,
                 body: bytes = b"") -> tuple[int, dict[str, list[str]], str]:
    """Call a WSGI app directly with an environ dict: (status code, headers by lower-case name, body text)."""
    import io

    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1",
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "3000", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
    for name, value in (headers or {}).items():
        value = value[0] if isinstance(value, list) else value
        if name.lower() == "content-type":
            environ["CONTENT_TYPE"] = value
        else:
            environ["HTTP_" + name.upper().replace("-", "_")] = value
    answer: dict = {}

    def start_response(status: str, response_headers: list) -> None:
        answer["status"] = int(status.split()[0])
        answer["headers"] = {}
        for name, value in response_headers:
            answer["headers"].setdefault(name.lower(), []).append(value)

    data = b"".join(application(environ, start_response))
    return answer["status"], answer["headers"], data.decode("utf-8")
