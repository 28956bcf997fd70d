"""Mentions are typed spans (commands/core/spans.py), never markers in the text: private-use characters (the markers
an earlier renderer used) typed into any input must never come out as a live `<@U…>` or `<#C…>`: not in the
alert, not in its update."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.slack.text import escape
from commands.core.matching import sanitize
from commands.setup.file import parse_setup
from commands.year.import_csv import parse_year_csv
from storage.db import session_scope
from storage.models import Event
from tests import slack_harness as h
from tests.conftest import NOW, SETUP_TOML
from tests.test_alerts_outbox import Bot, number

fake_slack = h.fake_slack
MENTION_OPEN, MENTION_CLOSE = "\ue000", "\ue001"
FORGED = f"kolla {MENTION_OPEN}U0BOSS{MENTION_CLOSE} och {MENTION_OPEN}C0GENERAL{MENTION_CLOSE} nu"
LIVE = ("<@U0BOSS>", "<#C0GENERAL>")


@pytest.fixture
def bot(engine, workspace_id, fake_slack) -> Bot:
    return Bot(engine, fake_slack)


def slack_text(calls) -> str:
    """Everything the bot sent in these calls, as Slack reads it."""
    return json.dumps([c.args for c in calls], ensure_ascii=False)


def assert_no_forged_mention(bot: Bot, n: int) -> None:
    """The alert and its update (after Kvittera) carry the description, without a live mention."""
    bot.run()
    assert bot.click(n, user="U0COORD") == {}
    bot.run()
    (post,), (update,) = bot.posts(), bot.updates()
    for call in (post, update):
        sent = slack_text([call])
        assert "kolla" in sent and "U0BOSS" in sent and "<@U0COORD>" in slack_text([update])
        assert not any(live in sent for live in LIVE), sent


def test_a_forged_mention_in_the_event_form_stays_text(bot) -> None:
    assert bot.command("/handelse") == {}
    view = {**bot.fake.calls_to("views.open")[-1].args["view"], "id": "V0FORGED"}
    area = next(o["value"] for b in view["blocks"] if b.get("block_id") == "area"
                for o in b["element"]["options"] if o["text"]["text"] == "Vällingby")
    values = {"area": {"area": {"selected_option": {"value": area}}},
              "type": {"type": {"selected_option": {"value": "skjutning"}}},
              "when": {"when": {"selected_date_time": int(NOW.timestamp())}},
              "description": {"description": {"value": FORGED}}}
    ack = bot.send(h.view_submission_body(view, values))
    assert ack["response_action"] == "update" and not any(live in json.dumps(ack) for live in LIVE)
    with session_scope(bot.engine) as session:  # the id PostgreSQL's sequence gave it
        (n,) = session.execute(select(Event.id)).scalars().all()
    assert_no_forged_mention(bot, n)


def test_a_forged_mention_in_a_slash_command_stays_text(bot) -> None:
    n = number(bot.command(f"/handelse Vällingby skjutning {FORGED}"))
    assert_no_forged_mention(bot, n)


def test_a_forged_mention_in_the_rating_form_comment_is_not_stored(bot, engine) -> None:
    from tests.test_slack_app import form_state, stored

    assert bot.command("/lage") == {}
    view = bot.fake.calls_to("views.open")[-1].args["view"]
    ack = bot.send(h.view_submission_body(view, form_state(view, {"Grimsta": ("2", FORGED)})))
    assert not any(live in json.dumps(ack) for live in LIVE)
    assert stored(engine)[("Grimsta", "Polisen")] == (2, "kolla U0BOSS och C0GENERAL nu")


def test_names_from_files_cannot_carry_the_markers() -> None:
    setup = parse_setup(SETUP_TOML.replace('"Grimsta"', f'"Grimsta {MENTION_OPEN}U0BOSS{MENTION_CLOSE}"'))
    assert "Grimsta U0BOSS" in setup.areas and "<@U0BOSS>" not in escape(" ".join(setup.areas))
    year = parse_year_csv(f"vecka;Grimsta {MENTION_OPEN}C0GENERAL{MENTION_CLOSE}\n1;2\n", year=2025)
    assert year.areas == ("Grimsta C0GENERAL",) and "<#C0GENERAL>" not in escape(year.areas[0])
    assert sanitize(f"rad ett\n{MENTION_OPEN}U1{MENTION_CLOSE}\x07", keep_controls=True) == "rad ett\nU1\x07"
