"""An alert in Teams: a card in the alert channel with Kvittera as Action.Execute; pressing it records who
acknowledged through the core and updates the card in place for everyone."""

from __future__ import annotations

from sqlalchemy import select

from bot.teams.alert_card import ACK_VERB, alert_card, alert_summary
from bot.teams.delivery import TeamsDelivery
from bot.teams.render import TeamsMessage
from bot.teams.token import ClientCredentialsToken
from commands.events.view import alert_view
from storage.db import session_scope
from storage.models import Event, Workspace
from tests.teams import teams_harness
from tests.teams.teams_harness import (
    BOT_ID,
    COORDINATOR,
    POLICE,
    TENANT_ID,
    TeamsHarness,
)

ALERTS = "19:alerts0channel0id0bbbbbbbbbbbbbbbbb@thread.tacv2"


teams = teams_harness.teams  # a fixture


def deliver_alert(teams: TeamsHarness, engine) -> tuple[int, str]:
    """Report a shooting through Teams, then post its alert card as the outbox's Teams delivery will."""
    answer = teams.say("handelse Vällingby skjutning 11:15 skott mot port")
    assert "Skjutning" in answer[0].text()
    with session_scope(engine) as session:
        event = session.execute(select(Event)).scalars().one()
        view = alert_view(session, session.get(Workspace, event.workspace_id), event)
    delivery = TeamsDelivery(engine=engine, token=ClientCredentialsToken(teams.settings).get, bot_id=BOT_ID,
                             tenant_id=TENANT_ID)
    posted = delivery.post(teams.fake.service_url, ALERTS, TeamsMessage(alert_summary(view), alert_card(view)))
    return view.number, posted.activity_id


def press(teams: TeamsHarness, card: dict, activity_id: str, user: str, name: str):
    [action] = [a for a in card["actions"] if "verb" in a]  # Kvittera (Action.Execute)
    invoke = teams.activity(activity_type="invoke", user=user, name=name, kind="channel", conversation=ALERTS)
    invoke.update(name="adaptiveCard/action", replyToId=activity_id,
                  value={"action": {"type": "Action.Execute", "verb": action["verb"], "data": action["data"]},
                         "trigger": "manual"})
    return teams.post(invoke)


def test_kvittera_updates_the_alert_card_in_place(teams, engine) -> None:
    number, activity_id = deliver_alert(teams, engine)
    card = teams.fake.sent[-1].cards()[0]
    text = teams.fake.sent[-1].text()
    assert f"🚨 Kritisk händelse: Skjutning i Vällingby\nHändelse #{number}" in text
    assert "skott mot port" in text and "⏳ Inte kvitterad ännu" in text
    assert card["actions"][0]["title"] == "Kvittera" and card["actions"][0]["verb"] == ACK_VERB

    answer = press(teams, card, activity_id, COORDINATOR, "Sara Samordnare")
    assert answer.status_code == 200
    assert answer.json()["value"] == f"Händelse #{number} kvitterad av dig"
    update = teams.fake.sent[-1]
    assert (update.method, update.activity_id) == ("update", activity_id)
    assert f"✅ Kvitterad av @{COORDINATOR}" in update.text() \
        and [a["title"] for a in update.cards()[0]["actions"]] == ["Planera insats"]  # nothing left to acknowledge

    again = press(teams, card, activity_id, POLICE, "Anna Andersson")  # an old copy of the card, a second click
    assert again.json()["value"].startswith(f"Händelse #{number} är redan kvitterad av")
    with session_scope(engine) as session:
        assert session.execute(select(Event.acknowledged_by)).scalar() == COORDINATOR


def test_a_forged_event_number_changes_nothing(teams, engine) -> None:
    number, activity_id = deliver_alert(teams, engine)
    card = {"actions": [{"verb": ACK_VERB, "data": {"event": number + 100}}]}
    before = len(teams.fake.sent)
    answer = press(teams, card, activity_id, COORDINATOR, "Sara")
    assert answer.json()["value"] == f"Det gick inte: Det finns ingen händelse #{number + 100} här." \
        and len(teams.fake.sent) == before
    with session_scope(engine) as session:
        assert session.execute(select(Event.acknowledged_by)).scalar() is None
