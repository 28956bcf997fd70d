"""People by name in Teams: a reply or an alert that mentions someone shows the name Teams last sent with their
activity, not their Entra object id; outsiders' names are never kept; names are forgotten with the texts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.teams.card_text import card
from bot.teams.delivery import TeamsDelivery, TeamsRefused
from bot.teams.render import TeamsMessage
from bot.teams.token import ClientCredentialsToken
from commands.admin.retention import daily_purge
from storage.db import session_scope
from storage.models import OutboxMessage, PersonName
from tests.conftest import NOW
from tests.teams import teams_harness
from tests.teams.teams_harness import BOT_ID, COORDINATOR, POLICE, STRANGER, TENANT_ID
from tests.teams.test_teams_outbox_messages import message_for

teams = teams_harness.teams  # a fixture


def _names(engine) -> dict[str, str]:
    with session_scope(engine) as session:
        return {row.user_id: row.name for row in session.execute(select(PersonName)).scalars()}


def test_a_reply_names_people_by_their_teams_name(teams, engine) -> None:
    teams.say("lage Finnsta 3 lugnt", name="Anna Andersson")  # the police member writes once
    [shown] = teams.say("lagesadmin visa", user=COORDINATOR, name="Sara Samordnare")
    text = shown.text()
    assert "Polisen: Anna Andersson" in text, text  # a member who has written: by name
    assert "Sara Samordnare" in text and COORDINATOR not in text
    assert _names(engine) == {POLICE: "Anna Andersson", COORDINATOR: "Sara Samordnare"}


def test_the_alert_names_the_reporter_and_the_renotification_mentions_the_coordinators(teams, engine) -> None:
    teams.say("vad är detta", user=COORDINATOR, name="Sara Samordnare")
    teams.say("handelse Vällingby skjutning 11:15 skott mot port", name="Anna Andersson")
    alert = message_for(engine, "alert.post")
    text = "\n".join(str(run.get("text")) for block in alert.card["body"] for run in block.get("inlines", []))
    assert "Anna Andersson" in text and POLICE not in text
    with session_scope(engine) as session:
        event_id = session.execute(select(OutboxMessage.subject_id).where(OutboxMessage.kind == "alert.post")).scalar()
    renotify = message_for(engine, "alert.renotify", subject_id=event_id)
    assert renotify.card["body"][-1]["text"] == "<at>Sara Samordnare</at>"  # a real mention: it notifies
    assert renotify.card["msteams"]["entities"] == [
        {"type": "mention", "text": "<at>Sara Samordnare</at>", "mentioned": {"id": COORDINATOR, "name": "Sara Samordnare"}}]


def test_an_outsiders_name_is_never_kept(teams, engine) -> None:
    teams.say("veckolage", user=STRANGER, name="Okänd Person")
    assert _names(engine) == {}


def test_a_new_display_name_replaces_the_old(teams, engine) -> None:
    teams.say("lage Finnsta 3", name="Anna Andersson")
    teams.say("lage Finnsta 3", name="Anna Berg")
    assert _names(engine) == {POLICE: "Anna Berg"}


def test_names_are_forgotten_after_the_retention(teams, engine) -> None:
    teams.say("lage Finnsta 3", name="Anna Andersson")
    with session_scope(engine) as session:
        daily_purge(session, now=NOW + timedelta(days=1))
    assert _names(engine) == {POLICE: "Anna Andersson"}  # seen within 24 months
    with session_scope(engine) as session:
        daily_purge(session, now=NOW + timedelta(days=2 * 366))
    assert _names(engine) == {}


def test_the_fake_refuses_a_mention_teams_could_not_place(teams, engine) -> None:
    delivery = TeamsDelivery(engine=engine, token=ClientCredentialsToken(teams.settings).get, bot_id=BOT_ID,
                             tenant_id=TENANT_ID)
    stray = {"type": "mention", "text": "<at>Sara</at>", "mentioned": {"id": COORDINATOR, "name": "Sara"}}
    broken = card([{"type": "TextBlock", "text": "Sara"}], entities=[stray])
    with pytest.raises(TeamsRefused) as refused:
        delivery.post(teams.fake.service_url, "19:x@thread.tacv2", TeamsMessage("x", broken))
    assert refused.value.status == 400
