"""The storbild's kiosk link on Teams: a coordinator asks by @mention in the collaboration's channel and the
signed link comes to their 1:1 chat only (the channel may hold people who must not open the wall)."""

from __future__ import annotations

import re

import pytest

from bot.web.chat_reply import kiosk_presenter
from bot.web.config import WebConfig
from commands.core.texts import t
from tests.conftest import NOW
from tests.teams.teams_harness import COORDINATOR, POLICE, TeamsHarness, now_clock, teams_collaboration

BASE_URL = "https://veckolage.kommun.se"  # only written into the link, never called
SUMMARY = "19:summary0channel0id0aaaaaaaaaaaaaaa@thread.tacv2"


@pytest.fixture
def teams(engine):
    teams_collaboration(engine)
    harness = TeamsHarness(engine, now_clock(NOW),
                           present=kiosk_presenter(WebConfig("teams-test-secret-" + "k" * 24, BASE_URL, None)))
    yield harness
    harness.close()


def test_a_kiosk_link_asked_in_the_channel_comes_to_the_1to1_chat(teams) -> None:
    sent = teams.say("veckolage storbild 7", kind="channel", mention=True, conversation=SUMMARY, user=COORDINATOR)
    assert [s.method for s in sent] == ["create", "send", "send"]
    _, personal, in_channel = sent
    assert re.search(rf"{re.escape(BASE_URL)}/storbild/k/\S+", personal.text()), personal.text()
    assert in_channel.conversation_id.startswith(SUMMARY) and "/storbild/k/" not in in_channel.text()


def test_only_a_coordinator_gets_a_kiosk_link(teams) -> None:
    [answer] = teams.say("veckolage storbild", user=POLICE)
    assert t("storbild.not_coordinator") in answer.text() and "/storbild/k/" not in answer.text()


def test_a_sign_in_link_asked_in_the_channel_comes_to_the_1to1_chat(teams) -> None:
    sent = teams.say("veckolage webb", kind="channel", mention=True, conversation=SUMMARY, user=POLICE)
    personal = [s for s in sent if s.method == "send" and not s.conversation_id.startswith(SUMMARY)]
    assert personal and re.search(rf"{re.escape(BASE_URL)}/storbild/in/\S+", personal[0].text()), sent
    assert not any("/storbild/in/" in s.text() for s in sent if s.conversation_id.startswith(SUMMARY))
