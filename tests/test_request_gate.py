"""Garbage at POST /slack/events, over the real WSGI app: a 4xx and one short log line, never a 500,
a traceback or the body in the log; signed requests still reach Bolt."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from urllib.parse import urlencode

import pytest

from bot.http import wsgi_app
from bot.slack.request_gate import MAX_BODY
from tests import slack_harness as h
from tests.conftest import NOW

fake_slack = h.fake_slack
SECRET_TEXT = "hemlig-kommentar-från-användaren"
RESPONSE_URL = "https://hooks.slack.com/commands/T0TEST/999/secret-response-url"
LOG_LINE_LIMIT = 500


def signed(body: bytes, *, timestamp: str | None = None, content_type: str = h.FORM) -> dict:
    """Slack's headers for raw bytes (invalid UTF-8 included)."""
    stamp = timestamp or str(int(time.time()))
    mac = hmac.new(h.SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"content-type": content_type, "x-slack-request-timestamp": stamp, "x-slack-signature": f"v0={mac}"}


def form(payload: object) -> bytes:
    return urlencode({"payload": payload if isinstance(payload, str) else json.dumps(payload)}).encode()


VIEW_WITHOUT_TYPE = {"type": "view_submission", "team": {"id": h.TEAM}, "user": {"id": "U0POL1"},
                     "view": {"id": "V1", "callback_id": "event_form", "state": {"values": {}}}}
GARBAGE = {
    "invalid UTF-8": (b"\xff\xfe text=\xc3(", h.FORM),
    "payload that is not JSON": (b"payload=" + SECRET_TEXT.encode(), h.FORM),
    "JSON garbage": (b'{"type": "event_callback", "event": [1, 2', "application/json"),
    "a JSON list as payload": (form("[1, 2]"), h.FORM),
    "an empty payload": (form({}), h.FORM),
    "a view without type": (form(VIEW_WITHOUT_TYPE), h.FORM),
    "a view that is text": (form({**VIEW_WITHOUT_TYPE, "view": "V1"}), h.FORM),
    "state values that are a list": (form({**VIEW_WITHOUT_TYPE, "view": {"type": "modal", "id": "V1",
                                           "callback_id": "event_form", "state": {"values": [1]}}}), h.FORM),
    "an event without type": (json.dumps({"type": "event_callback", "event": {"user": "U0POL1"}}).encode(),
                              "application/json"),
    "actions that are text": (form({"type": "block_actions", "team": {"id": h.TEAM}, "user": {"id": "U0POL1"},
                                    "actions": "ack"}), h.FORM),
    "a user id that is a number": (urlencode({"payload": json.dumps({"type": "block_actions", "user": 7,
                                              "actions": [{"action_id": "x"}]})}).encode(), h.FORM),
    "1 MB of garbage": (b"x" * 1_000_000, h.FORM),
}


@pytest.fixture
def web(engine, workspace_id, fake_slack):
    """The production WSGI app (bot/http.py) around the production Bolt app."""
    return wsgi_app(h.build_app(engine, fake_slack, clock=lambda: NOW))


def post(web, body: bytes, headers: dict) -> tuple[int, str]:
    status, _, answer = h.wsgi_request(web, "POST", "/slack/events", headers=headers, body=body)
    return status, answer


def assert_quiet(caplog) -> None:
    """Nothing above INFO, no traceback, every line short, no body text in the log."""
    assert not [r for r in caplog.records if r.levelno > logging.INFO or r.exc_info], caplog.text
    for record in caplog.records:
        line = record.getMessage()
        assert len(line) <= LOG_LINE_LIMIT and SECRET_TEXT not in line and "hooks.slack.com" not in line


@pytest.mark.parametrize("name", list(GARBAGE))
def test_unsigned_garbage_is_refused_with_401_before_it_is_parsed(web, caplog, name) -> None:
    caplog.set_level(logging.DEBUG)
    body, content_type = GARBAGE[name]
    assert post(web, body, {"content-type": content_type}) == (401, '{"error": "unsigned"}')
    assert "Refused a request to /slack/events (401, unsigned)" in caplog.text
    assert_quiet(caplog)


@pytest.mark.parametrize("name", list(GARBAGE))
def test_signed_garbage_is_refused_with_400(web, engine, caplog, name) -> None:
    caplog.set_level(logging.DEBUG)
    body, content_type = GARBAGE[name]
    status, answer = post(web, body, signed(body, content_type=content_type))
    assert status == 400 and json.loads(answer)["error"] in ("not UTF-8", "not JSON", "not a Slack payload")
    assert_quiet(caplog)


@pytest.mark.parametrize("stamp", ["abc", "1e9", "-1", "١٢٣", "", "99999999999999999999"])
def test_a_timestamp_that_is_not_a_number_is_refused_with_401(web, caplog, stamp) -> None:
    caplog.set_level(logging.DEBUG)
    body = h.slash_body("/lage", "Vällingby 3").encode()
    headers = {**signed(body), "x-slack-request-timestamp": stamp}
    assert post(web, body, headers)[0] == 401
    assert_quiet(caplog)


def test_a_wrong_signature_and_an_old_timestamp_are_refused(web) -> None:
    body = h.slash_body("/lage", "Vällingby 3").encode()
    assert post(web, body, {**signed(body), "x-slack-signature": "v0=" + "0" * 64}) == (
        401, '{"error": "bad signature"}')
    assert post(web, body, signed(body, timestamp=str(int(time.time()) - 600))) == (
        401, '{"error": "stale timestamp"}')


def test_a_body_over_the_limit_is_refused_unread(web, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    body = b"text=" + b"y" * MAX_BODY
    status, _, _ = h.wsgi_request(web, "POST", "/slack/events", headers=signed(body), body=body)
    assert status == 413
    assert_quiet(caplog)


def test_an_unsigned_10_mb_post_leaves_one_short_line_without_user_text(web, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    body = urlencode({"command": "/lage", "text": SECRET_TEXT * 300_000, "response_url": RESPONSE_URL}).encode()
    assert len(body) > 10_000_000
    status, _, _ = h.wsgi_request(web, "POST", "/slack/events", headers={"content-type": h.FORM}, body=body)
    assert status == 413
    assert_quiet(caplog)
    (line,) = [r.getMessage() for r in caplog.records if "Refused" in r.getMessage()]
    assert "413, body too large" in line


def test_signed_requests_still_work_through_the_door(web, engine) -> None:
    body = h.slash_body("/lage", "Vällingby 3 lugnt").encode()
    status, answer = post(web, body, signed(body))
    assert status == 200 and "Sparat: Vällingby 3" in json.dumps(json.loads(answer), ensure_ascii=False)
    event = h.event_body({"type": "app_home_opened", "user": "U0POL1", "tab": "home"}).encode()
    assert post(web, event, signed(event, content_type="application/json"))[0] == 200
