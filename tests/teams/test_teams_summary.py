"""The Monday summary as Teams cards, posted and updated in place through the Teams delivery against the fake
connector: critical events first, what rose, disagreements, the grid; every comment in the thread."""

from __future__ import annotations

from sqlalchemy import select

from bot.teams.delivery import TeamsDelivery
from bot.teams.render import TeamsMessage
from bot.teams.summary_card import comment_cards, note_card, summary_cards
from bot.teams.token import ClientCredentialsToken
from commands.core.spans import mention, rich, to_data
from commands.core.weeks import Week
from commands.rhythm.summary import build_summary
from storage.db import session_scope
from storage.models import Workspace
from tests.teams import teams_harness
from tests.teams.teams_harness import (
    BOT_ID,
    COORDINATOR,
    POLICE,
    TENANT_ID,
)

SUMMARY = "19:summary0channel0id0aaaaaaaaaaaaaaa@thread.tacv2"


teams = teams_harness.teams  # a fixture


def summary(engine):
    with session_scope(engine) as session:
        workspace = session.execute(select(Workspace)).scalars().one()
        return build_summary(session, workspace, Week(2026, 47))


def test_the_summary_is_posted_with_its_comments_in_the_thread_and_updated_in_place(teams, engine) -> None:
    teams.say("lage Finnsta 1", user=COORDINATOR)
    teams.say("lage Finnsta 4 stenkastning mot buss")
    teams.say("handelse Vällingby skjutning 11:15 skott mot port")
    delivery = TeamsDelivery(engine=engine, token=ClientCredentialsToken(teams.settings).get, bot_id=BOT_ID,
                             tenant_id=TENANT_ID)
    week = summary(engine)
    [main] = summary_cards(week)
    posted = delivery.post(teams.fake.service_url, SUMMARY, TeamsMessage("Sammanfattning", main))
    for reply in comment_cards(week):
        delivery.post(teams.fake.service_url, SUMMARY, TeamsMessage("Kommentarer", reply), reply_to=posted.activity_id)
    sent = teams.fake.sent[-2:]
    text = sent[0].text()
    assert text.startswith("Lägesbild vecka 47, 2026 (16–22 nov) – sammanfattning\n🚨 Kritiska händelser\n#")
    assert "Skjutning – Vällingby" in text and "Oenighet\n• Finnsta: SDF 1 – Polisen 4" in text
    assert "stenkastning" not in text  # comments go to the thread
    assert (sent[1].method, sent[1].activity_id) == ("reply", posted.activity_id)
    assert sent[1].text() == "Parternas kommentarer v47\n• Finnsta – Polisen: stenkastning mot buss"

    note = note_card(to_data(rich("change.published", user=mention(POLICE))))
    delivery.post(teams.fake.service_url, SUMMARY, TeamsMessage("uppdaterad", note), reply_to=posted.activity_id)
    assert teams.fake.sent[-1].text().startswith("uppdaterad: ") and f"@{POLICE}" in teams.fake.sent[-1].text()
    teams.say("lage Grimsta 2")
    [again] = summary_cards(summary(engine))
    delivery.update(teams.fake.service_url, SUMMARY, posted.activity_id, TeamsMessage("Sammanfattning", again))
    assert teams.fake.sent[-1].method == "update" and "🟨2" in teams.fake.sent[-1].text()
