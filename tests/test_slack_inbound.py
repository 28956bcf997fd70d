"""Slack's inbound syntax is read in the Slack adapter (bot/slack/inbound.py): the core sees written ids and
plain characters, and user text typed in Slack is still shown escaped, never as a live ping."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.slack.inbound import neutral
from commands.admin.parse import channel, users, without_mentions
from commands.core.texts import t
from storage.db import session_scope
from storage.models import Member, Partner, Workspace
from tests import slack_harness as h
from tests.conftest import NOW
from tests.test_slack_app import stored

fake_slack = h.fake_slack


@pytest.mark.parametrize(("sent", "read"), [
    ("medlem lägg-till Polisen <@U0AAA|anna>", "medlem lägg-till Polisen @U0AAA"),
    ("samordnare lägg-till <@U0SDF>", "samordnare lägg-till @U0SDF"),
    ("kanal larm <#C0NEW|larm>", "kanal larm #C0NEW"),
    ("kanal sammanfattning <#C0SUM>", "kanal sammanfattning #C0SUM"),
    ("<@U0AAA><@U0BBB>", "@U0AAA @U0BBB"),  # ids that would run together are set apart
    ("område byt-namn Grimsta -&gt; Norra Grimsta", "område byt-namn Grimsta -> Norra Grimsta"),
    ("Vällingby 3 &lt;!channel&gt; &amp; co", "Vällingby 3 <!channel> & co"),
    ("&amp;lt;", "&lt;"),  # the entities are undone once: a typed `&lt;` stays as typed
    ("&lt;@U0BOSS&gt;", "<@U0BOSS>"),  # typed text, not a mention: undone after the mentions are read
    ("Vällingby 3 lugnt", "Vällingby 3 lugnt"),
])
def test_slack_syntax_becomes_the_neutral_form(sent, read) -> None:
    assert neutral(sent) == read


def test_the_core_reads_people_and_rooms_from_the_neutral_form() -> None:
    text = neutral("Polisen Västerort <@U0AAA|anna> <@U0BBB>")
    assert users(text) == ["U0AAA", "U0BBB"] and without_mentions(text) == "Polisen Västerort"
    assert channel(neutral("larm <#C0ALERTS|larm>")) == "C0ALERTS"


def test_an_admin_command_with_slack_mentions_works_end_to_end(engine, workspace_id, fake_slack) -> None:
    app = h.inline_app(engine, fake_slack, clock=lambda: NOW)
    assert t("error.unknown_user") in h.texts(h.slash(app, "/lage Vällingby 3", user="U0AAA"))  # not yet a member
    added = h.slash(app, "/lagesadmin medlem lägg-till Polisen <@U0AAA|anna>", user="U0ADMIN")
    assert "<@U0AAA> rapporterar nu för Polisen." in added["blocks"][0]["text"]["text"]
    assert h.slash(app, "/lage Vällingby 3", user="U0AAA")["text"] == "Sparat: Vällingby 3 Oroande läge för Polisen"
    h.slash(app, "/lagesadmin kanal larm <#C0NEW|larm>", user="U0ADMIN")
    h.slash(app, "/lagesadmin partner lägg-till Trygg &amp; Säker", user="U0ADMIN")  # Slack escapes &
    with session_scope(engine) as session:
        member = session.execute(select(Member).where(Member.user_id == "U0AAA")).scalar_one()
        assert session.get(Partner, member.partner_id).name == "Polisen"
        assert session.get(Workspace, workspace_id).alert_channel == "C0NEW"
        assert session.execute(select(Partner).where(Partner.name == "Trygg & Säker")).scalar_one()


def test_a_channel_ping_typed_in_a_comment_is_stored_as_text_and_shown_escaped(engine, workspace_id,
                                                                              fake_slack) -> None:
    app = h.inline_app(engine, fake_slack, clock=lambda: NOW)
    reply = h.slash(app, "/lage Vällingby 3 &lt;!channel&gt; ring mig", user="U0POL1")  # as Slack sends it
    assert stored(engine)[("Vällingby", "Polisen")] == (3, "<!channel> ring mig")
    grid = h.slash(app, "/veckolage", user="U0POL1")
    for payload in (reply, grid):
        dumped = json.dumps(payload, ensure_ascii=False)
        assert "<!channel>" not in dumped and "&lt;!channel&gt; ring mig" in h.texts(payload)
