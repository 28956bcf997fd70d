"""The fake Slack's rate limits: one post a second per channel, each method counted per workspace, 429 with
Retry-After in whole seconds; off unless asked for."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fake_slack import FakeSlack
from tests.fake_slack_limits import Limit, RateLimits


def client(fake: FakeSlack, team: str) -> WebClient:
    return WebClient(token=f"xoxb-{team}", base_url=fake.url, timeout=5, retry_handlers=[])


def refused(call) -> int:
    """Retry-After of a call Slack refused; 0 when it went through."""
    try:
        call()
    except SlackApiError as error:
        assert error.response.status_code == 429 and error.response["error"] == "ratelimited"
        return int(error.response.headers["Retry-After"])
    return 0


def test_one_post_a_second_per_channel() -> None:
    seconds = [0.0]
    with FakeSlack(limits=RateLimits(channel=Limit(per_minute=60), clock=lambda: seconds[0])) as fake:
        a, b = client(fake, "A"), client(fake, "B")
        assert refused(lambda: a.chat_postMessage(channel="C1", text="1")) == 0
        assert refused(lambda: a.chat_postMessage(channel="C1", text="2")) == 1
        assert refused(lambda: a.chat_postMessage(channel="C2", text="other channel")) == 0
        assert refused(lambda: b.chat_postMessage(channel="C9", text="other workspace")) == 0
        seconds[0] = 0.4
        assert refused(lambda: a.chat_postMessage(channel="C1", text="3")) == 1  # 0.6 s left: Slack says 1
        seconds[0] = 1.0
        assert refused(lambda: a.chat_postMessage(channel="C1", text="4")) == 0
        assert [c.args["text"] for c in fake.limits.refused] == ["2", "3"]


def test_each_method_is_limited_per_workspace_with_its_burst() -> None:
    seconds = [0.0]
    limits = RateLimits({"conversations.open": Limit(per_minute=20, burst=2)}, clock=lambda: seconds[0])
    with FakeSlack(limits=limits) as fake:
        a, b = client(fake, "A"), client(fake, "B")
        assert [refused(lambda u=u: a.conversations_open(users=u)) for u in ("U1", "U2", "U3")] == [0, 0, 3]
        assert refused(lambda: b.conversations_open(users="U4")) == 0  # B has its own allowance
        assert refused(lambda: a.chat_postMessage(channel="DU1", text="hej")) == 0  # another method
        seconds[0] = 3.0
        assert refused(lambda: a.conversations_open(users="U3")) == 0
        assert refused(lambda: a.conversations_open(users="U5")) == 3


def test_the_floor_of_a_limit() -> None:
    assert Limit(per_minute=60).floor(1) == 0 and Limit(per_minute=60).floor(5) == 4.0
    assert Limit(per_minute=5, burst=2).floor(6) == pytest.approx(48.0)


def test_no_limits_unless_asked_for() -> None:
    with FakeSlack() as fake:
        a = client(fake, "A")
        assert all(refused(lambda n=n: a.chat_postMessage(channel="C1", text=str(n))) == 0 for n in range(30))
