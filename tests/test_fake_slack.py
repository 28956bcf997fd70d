"""Tests proving FakeSlack works with the real slack_sdk WebClient."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fake_slack import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    """Run a FakeSlack for one test."""
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    """Build a real WebClient pointed at the fake."""
    return WebClient(token="xoxb-test", base_url=fake.url, timeout=0.3)


def test_post_message_recorded_with_token_and_decoded_blocks(fake: FakeSlack, client: WebClient) -> None:
    """chat.postMessage is recorded with token, args and decoded blocks."""
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hej"}}]
    first = client.chat_postMessage(channel="C1", text="hej", blocks=blocks)
    second = client.chat_postMessage(channel="C1", text="igen")
    assert first["ok"] and first["channel"] == "C1" and first["message"]["text"] == "hej"
    assert float(second["ts"]) > float(first["ts"])
    (call, _) = fake.calls_to("chat.postMessage")
    assert call.token == "xoxb-test"
    assert call.args["channel"] == "C1" and call.args["text"] == "hej"
    assert call.args["blocks"] == blocks
    assert call.headers["authorization"] == "Bearer xoxb-test"


def test_default_answers(fake: FakeSlack, client: WebClient) -> None:
    """auth.test, views.open, conversations.open and chat.update have useful defaults."""
    assert client.auth_test()["user_id"] == "UBOT"
    view = {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": []}
    opened = client.views_open(trigger_id="t1", view=view)
    assert opened["view"]["id"].startswith("V") and opened["view"]["type"] == "modal"
    assert fake.calls_to("views.open")[0].args["view"] == view
    assert client.conversations_open(users="U42")["channel"]["id"] == "DU42"
    updated = client.chat_update(channel="C1", ts="1.2", text="ny")
    assert (updated["ts"], updated["text"]) == ("1.2", "ny")
    assert client.api_call("reactions.add")["ok"] is True


def test_rate_limit_surfaces_status_and_retry_after(fake: FakeSlack, client: WebClient) -> None:
    """A forced 429 raises SlackApiError carrying status 429 and Retry-After."""
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C1", text="x")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "7"
    assert info.value.response["error"] == "ratelimited"
    assert client.chat_postMessage(channel="C1", text="x")["ok"]


def test_server_error_is_an_html_page_as_from_slack(fake: FakeSlack, client: WebClient) -> None:
    """A forced 5xx answers Slack's HTML error page (not JSON) for `times` calls, then recovers."""
    fake.fail_next("chat.update", status=503, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as info:
            client.chat_update(channel="C1", ts="1.0", text="x")
        assert info.value.response.status_code == 503
        assert "non-JSON" in str(info.value) and "<html>" in str(info.value)
        assert info.value.response.headers["Content-Type"].startswith("text/html")
    assert client.chat_update(channel="C1", ts="1.0", text="x")["ok"]


def test_hang_times_out_and_server_stays_usable(fake: FakeSlack, client: WebClient) -> None:
    """A hang longer than the client timeout raises, and later calls still work."""
    fake.hang_next("chat.postMessage", seconds=1.0)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        client.chat_postMessage(channel="C1", text="slow")
    assert time.monotonic() - started < 0.9
    assert client.chat_postMessage(channel="C1", text="fast")["ok"]
    assert len(fake.calls_to("chat.postMessage")) == 2


def test_stop_returns_promptly_while_handler_hangs() -> None:
    """stop() does not wait for a hanging handler."""
    fake = FakeSlack().start()
    fake.hang_next("auth.test", seconds=1.0)
    with pytest.raises(TimeoutError):
        WebClient(token="xoxb-test", base_url=fake.url, timeout=0.3).auth_test()
    started = time.monotonic()
    fake.stop()
    assert time.monotonic() - started < 0.5


def test_malformed_json_body(fake: FakeSlack, client: WebClient) -> None:
    """A malformed body is surfaced as an error by the client."""
    fake.fail_next("chat.postMessage", status=500, body="<html>oops")
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C1", text="x")
    assert info.value.response.status_code == 500
    fake.fail_next("chat.postMessage", status=200, body="{not json")
    with pytest.raises(ValueError):
        client.chat_postMessage(channel="C1", text="x")


def test_respond_with_overrides_default(fake: FakeSlack, client: WebClient) -> None:
    """respond_with merges a payload over the default answer, persistently."""
    fake.respond_with("users.info", {"user": {"id": "U1", "tz": "Europe/Stockholm"}})
    fake.respond_with("chat.postMessage", {"ok": False, "error": "channel_not_found"})
    assert client.users_info(user="U1")["user"]["tz"] == "Europe/Stockholm"
    assert client.users_info(user="U1")["user"]["id"] == "U1"
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C404", text="x")
    assert info.value.response["error"] == "channel_not_found"


def test_response_url_is_recorded(fake: FakeSlack) -> None:
    """POSTs to response_url() are recorded with the path as method."""
    url = fake.response_url("abc")
    body = json.dumps({"text": "klart", "replace_original": True}).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=2) as resp:
        assert resp.status == 200 and resp.read() == b"ok"
    (call,) = fake.calls_to("/respond/abc")
    assert call.args == {"text": "klart", "replace_original": True}
    assert call.token is None


def test_unknown_path_is_404(fake: FakeSlack) -> None:
    """Paths outside /api/ and /respond/ answer 404."""
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(fake.url.replace("/api/", "/nope"), timeout=2)
    assert info.value.code == 404
    info.value.close()


def test_bound_to_loopback_only(fake: FakeSlack) -> None:
    """The listening socket is bound to 127.0.0.1 and the URL ends with /api/."""
    assert fake._server is not None
    assert fake._server.socket.getsockname()[0] == "127.0.0.1"
    assert fake.url.startswith("http://127.0.0.1:") and fake.url.endswith("/api/")


class Clock:
    """A test clock the fake's timestamps follow."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


AT = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_timestamps_follow_the_test_clock_and_late_posts_show_later(fake: FakeSlack, client: WebClient) -> None:
    fake.clock = clock = Clock(AT)
    ts = client.chat_postMessage(channel="C1", text="nu")["ts"]
    assert float(ts) == AT.timestamp() and [m["text"] for m in fake.channel("C1")] == ["nu"]
    fake.appear_later(12)
    late = client.chat_postMessage(channel="C1", text="sen")["ts"]
    assert float(late) == AT.timestamp() + 12
    clock.at = AT + timedelta(seconds=11)
    assert [m["text"] for m in client.conversations_history(channel="C1")["messages"]] == ["nu"]
    clock.at = AT + timedelta(seconds=12)
    assert [m["text"] for m in client.conversations_history(channel="C1")["messages"]] == ["sen", "nu"]


def test_history_honours_oldest_latest_limit_and_cursor(fake: FakeSlack, client: WebClient) -> None:
    fake.clock = clock = Clock(AT)
    for n in range(10):
        clock.at = AT + timedelta(seconds=n)
        client.chat_postMessage(channel="C1", text=str(n), metadata={"event_type": "t", "event_payload": {"n": n}})
    client.chat_postMessage(channel="C1", text="svar", thread_ts=f"{AT.timestamp():.6f}")
    window = {"oldest": f"{AT.timestamp() + 2:.6f}", "latest": f"{AT.timestamp() + 8:.6f}"}
    page = client.conversations_history(channel="C1", limit=3, **window)
    assert [m["text"] for m in page["messages"]] == ["7", "6", "5"] and page["has_more"] is True
    assert "metadata" not in page["messages"][0]  # only with include_all_metadata
    rest = client.conversations_history(channel="C1", limit=3, cursor=page["response_metadata"]["next_cursor"],
                                        include_all_metadata=True, **window)
    assert [m["text"] for m in rest["messages"]] == ["4", "3"] and rest["has_more"] is False
    assert rest["messages"][0]["metadata"]["event_payload"] == {"n": 4} and "response_metadata" not in rest
    both = client.conversations_history(channel="C1", inclusive=True, **window)
    assert [m["text"] for m in both["messages"]] == ["8", "7", "6", "5", "4", "3", "2"]
    thread = client.conversations_replies(channel="C1", ts=f"{AT.timestamp():.6f}")
    assert [m["text"] for m in thread["messages"]] == ["0", "svar"]


def test_outside_the_marketplace_history_is_one_request_a_minute_of_15(fake: FakeSlack, client: WebClient) -> None:
    fake.clock = clock = Clock(AT)
    fake.outside_marketplace = True
    for n in range(20):
        client.chat_postMessage(channel="C1", text=str(n))
    first = client.conversations_history(channel="C1", limit=200)
    assert len(first["messages"]) == 15 and first["has_more"] is True
    clock.at = AT + timedelta(seconds=40)
    with pytest.raises(SlackApiError) as info:
        client.conversations_history(channel="C1", limit=200)
    assert info.value.response.status_code == 429 and info.value.response.headers["Retry-After"] == "20"
    clock.at = AT + timedelta(seconds=60)
    assert len(client.conversations_history(channel="C1", cursor=first["response_metadata"]["next_cursor"],
                                            limit=200)["messages"]) == 5


@pytest.mark.parametrize("spelling", ["Retry-After", "retry-after", "RETRY-AFTER", "Retry-after"])
def test_retry_after_is_sent_in_the_spelling_asked_for(fake: FakeSlack, client: WebClient, spelling: str) -> None:
    fake.retry_after_header = spelling
    fake.fail_next("chat.postMessage", status=429, retry_after=3)
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C1", text="x")
    assert info.value.response.headers[spelling] == "3"  # as sent (slack_sdk adds only the two common spellings)
