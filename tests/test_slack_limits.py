"""Slack's limits in one helper, and the fake Slack refusing what Slack refuses (as slack_sdk sees it)."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.limits import problems, units
from bot.slack.text import clip, fit, pack
from tests import slack_harness as h

fake_slack = h.fake_slack


def section(text: str, block_id: str | None = None) -> dict:
    block = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    return {**block, "block_id": block_id} if block_id else block


def test_text_is_counted_in_utf16_units_as_slack_counts_it() -> None:
    assert units("🟧3") == 3 and units("Hässelby") == 8
    assert problems([section("🟧" * 1500)]) == []  # 1,500 code points, 3,000 units: just fits
    assert problems([section("🟧" * 1500 + "x")])[0][0] == "invalid_blocks"


@pytest.mark.parametrize(("blocks", "view", "error"), [
    pytest.param([section("x")] * 51, False, "invalid_blocks", id="51-blocks"),
    pytest.param([section("x" * 2999)] * 5, False, "msg_blocks_too_long", id="14995-units"),
    pytest.param([section("a", "same"), section("b", "same")], False, "invalid_blocks", id="same-block-id"),
    pytest.param([{"type": "actions", "elements": [{"type": "button", "action_id": "a", "text": {
        "type": "plain_text", "text": "x"}}] * 2}], False, "invalid_blocks", id="same-action-id"),
    pytest.param([{"type": "table", "rows": [[{"type": "raw_text", "text": "x"}]]}] * 2, False, "invalid_blocks",
                 id="two-tables"),
    pytest.param([{"type": "table", "rows": [[{"type": "raw_text", "text": "x"}]]}], True, "invalid_blocks",
                 id="table-in-a-view"),
    pytest.param([section("x")] * 101, True, "invalid_blocks", id="101-blocks-in-a-view"),
])
def test_what_slack_refuses(blocks, view, error) -> None:
    assert [code for code, _ in problems(blocks, view=view)] == [error]


def test_a_view_may_hold_100_blocks_and_a_message_one_table() -> None:
    assert problems([section("x")] * 100, view=True) == []
    assert problems([{"type": "table", "rows": [[{"type": "raw_text", "text": "x"}] * 20] * 100}]) == []


@pytest.mark.parametrize(("method", "args", "error"), [
    ("chat_postMessage", {"channel": "C1", "text": "x", "blocks": [section("ö" * 2500)] * 5}, "msg_blocks_too_long"),
    ("chat_update", {"channel": "C1", "ts": "1.0", "text": "x", "blocks": [section("x")] * 51}, "invalid_blocks"),
    ("chat_postMessage", {"channel": "C1", "text": "x", "blocks": [section("a", "b1"), section("b", "b1")]},
     "invalid_blocks"),
    ("views_publish", {"user_id": "U1", "view": {"type": "home", "blocks": [section("x" * 3001)]}}, "invalid_blocks"),
])
def test_the_fake_slack_refuses_like_slack(fake_slack, method, args, error) -> None:
    client = WebClient(token="xoxb-test", base_url=fake_slack.url)
    with pytest.raises(SlackApiError) as refused:
        getattr(client, method)(**args)
    assert refused.value.response["error"] == error
    assert getattr(client, method)(**{**args, **({"blocks": [section("ok")]} if "blocks" in args else {
        "view": {"type": "home", "blocks": [section("ok")]}})})["ok"]


def test_clip_cuts_at_a_word_within_utf16_units_and_pack_keeps_whole_lines() -> None:
    text = "ord " * 800 + "🟧" * 10
    cut = clip(text, 3000)
    assert units(cut) <= 3000 and cut.endswith("ord…")
    lines = [f"• händelse {n}: " + "x" * 700 for n in range(10)]
    sections = [b["text"]["text"] for b in pack(lines)]
    assert all(units(s) <= 3000 for s in sections) and "\n".join(sections).split("\n") == lines
    assert fit(lines, 1500) == lines[:2]
