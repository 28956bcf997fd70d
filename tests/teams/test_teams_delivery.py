"""The Teams delivery against the fake connector: post, reply in a thread, update in place, proactive 1:1
through the stored reference; 429/412/502/504 classified as retry with back-off, refusals as final."""

from __future__ import annotations

import pytest

from bot.teams.delivery import MAX_DELAY, TeamsDelivery, TeamsRefused, TeamsRetry, backoff
from bot.teams.render import TeamsMessage, render
from bot.teams.settings import load_teams_settings
from bot.teams.token import ClientCredentialsToken
from commands.core.reply import Notice
from storage.db import session_scope
from storage.queries import conversation_refs
from tests.conftest import NOW
from tests.teams.fake_bot_framework import FakeBotFramework
from tests.teams.teams_harness import BOT_ID, CHANNEL, CLIENT_ID, POLICE, TENANT_ID


@pytest.fixture
def fake():
    server = FakeBotFramework(CLIENT_ID).start()
    yield server
    server.stop()


@pytest.fixture
def delivery(fake, engine):
    settings = load_teams_settings({"TEAMS_CLIENT_ID": CLIENT_ID, "TEAMS_CLIENT_SECRET": fake.client_secret,
                                    "TEAMS_TENANT_ID": TENANT_ID, "TEAMS_TOKEN_URL": fake.token_url})
    return TeamsDelivery(engine=engine, token=ClientCredentialsToken(settings).get, bot_id=BOT_ID, tenant_id=TENANT_ID)


def message(title: str):
    [rendered] = render(Notice("info", title, ("Vällingby 🟪5‼",)))
    return rendered


def test_post_reply_and_update_in_place(delivery, fake) -> None:
    posted = delivery.post(fake.service_url, CHANNEL, message("Larm: skjutning i Vällingby"))
    reply = delivery.post(fake.service_url, CHANNEL, message("Påminnelse: inte kvitterat"), reply_to=posted.activity_id)
    delivery.update(fake.service_url, CHANNEL, posted.activity_id, message("Larm: kvitterat av Polisen"))
    assert [(s.method, s.conversation_id, s.activity_id) for s in fake.sent] == [
        ("send", CHANNEL, None), ("reply", CHANNEL, posted.activity_id), ("update", CHANNEL, posted.activity_id)]
    assert "ℹ️ Larm: kvitterat av Polisen\nVällingby 🟪5‼" == fake.sent[2].text()
    assert {s.service_path for s in fake.sent} == {"/emea"} and reply.activity_id != posted.activity_id
    assert len(fake.token_requests) == 1


def test_a_reminder_goes_to_the_stored_1to1_chat(delivery, fake, engine) -> None:
    with pytest.raises(TeamsRefused):
        delivery.direct(POLICE, message("Dags att rapportera"))
    with session_scope(engine) as session:
        conversation_refs.remember(session, platform="teams", conversation_id="a:1on1-anna", kind="personal",
                                   endpoint=fake.service_url, user_id=POLICE, team=TENANT_ID, now=NOW)
    delivered = delivery.direct(POLICE, message("Dags att rapportera"))
    assert (fake.sent[-1].conversation_id, delivered.conversation_id) == ("a:1on1-anna", "a:1on1-anna")
    assert fake.sent[-1].text().startswith("ℹ️ Dags att rapportera")


@pytest.mark.parametrize(("status", "landed"), [(429, False), (412, False), (502, True), (504, True), (500, True)])
def test_throttling_and_gateway_errors_are_retried(delivery, fake, status, landed) -> None:
    fake.fail_next(status, retry_after=7 if status == 429 else None)
    with pytest.raises(TeamsRetry) as caught:
        delivery.post(fake.service_url, CHANNEL, message("Larm"), attempt=3)
    assert caught.value.status == status and caught.value.maybe_landed is landed
    assert caught.value.delay == 7 if status == 429 else 8 <= caught.value.delay <= 16
    assert fake.sent == []
    assert delivery.post(fake.service_url, CHANNEL, message("Larm")).activity_id  # the next try lands


def test_a_refusal_is_final(delivery, fake) -> None:
    delivery.token = lambda: "not-the-bot-token"
    with pytest.raises(TeamsRefused):
        delivery.post(fake.service_url, CHANNEL, message("Larm"))


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    assert [backoff(n, rand=lambda: 0.0) for n in range(4)] == [1.0, 2.0, 4.0, 8.0]
    assert backoff(3, rand=lambda: 1.0) == 16.0 and backoff(30) <= MAX_DELAY and backoff(1, 3.5) == 3.5


def test_a_reminder_card_opens_the_form_for_its_week(engine) -> None:
    from bot.teams.reminder_card import reminder_card
    from commands.core.weeks import Week
    from commands.rhythm.reminders import Reminder
    from tests.teams.teams_harness import TeamsHarness, now_clock, teams_collaboration

    teams_collaboration(engine)
    teams = TeamsHarness(engine, now_clock(NOW))
    try:
        teams.say("hej")  # the 1:1 chat is known from here on
        delivery = TeamsDelivery(engine=engine, token=ClientCredentialsToken(teams.settings).get, bot_id=BOT_ID,
                                 tenant_id=TENANT_ID)
        reminder = Reminder(POLICE, "Polisen", Week(2026, 47), ("Vällingby", "Grimsta"), 4)
        delivery.direct(POLICE, TeamsMessage("Påminnelse", reminder_card(reminder)))
        sent = teams.fake.sent[-1]
        assert sent.conversation_id == f"a:1on1-{POLICE[:8]}"
        assert sent.text().startswith("⏰ Påminnelse: Polisen har inte bedömt 2 av 4 områden för vecka 47, 2026")
        button = sent.cards()[0]["actions"][0]
        assert button["title"] == "Rapportera nu"
        before = len(teams.fake.sent)
        assert teams.post(teams.activity(value=button["data"])).status_code in (200, 201)
        [form] = teams.fake.sent[before:]
        assert "Bedöm veckan för Polisen" in form.text() and "vecka 47, 2026" in form.text()
    finally:
        teams.close()
