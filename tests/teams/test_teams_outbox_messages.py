"""Outbox rows the core queues (an alert, the summary, a reminder) as Teams messages, read fresh at delivery time
and posted through the Teams delivery to the fake connector: what the lead plugs behind the outbox's seam."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.teams.delivery import TeamsDelivery
from bot.teams.outbox_messages import teams_message
from bot.teams.token import ClientCredentialsToken
from storage.db import session_scope
from storage.models import OutboxMessage, Workspace
from tests.conftest import NOW
from tests.teams import teams_harness
from tests.teams.teams_harness import (
    BOT_ID,
    COORDINATOR,
    POLICE,
    TENANT_ID,
)

ALERTS = "19:alerts0channel0id0bbbbbbbbbbbbbbbbb@thread.tacv2"
SUMMARY = "19:summary0channel0id0aaaaaaaaaaaaaaa@thread.tacv2"


teams = teams_harness.teams  # a fixture


def message_for(engine, kind: str, body: str | None = None, subject_id: int | None = None):
    with session_scope(engine) as session:
        workspace = session.execute(select(Workspace)).scalars().one()
        row = session.execute(select(OutboxMessage).where(OutboxMessage.kind == kind)).scalars().first()
        if row is None:
            row = OutboxMessage(workspace_id=workspace.id, key=f"test:{kind}", kind=kind, due_at=NOW,
                                created_at=NOW, body=body, subject_id=subject_id)
        return teams_message(session, row, workspace)


def test_the_queued_alert_and_summary_and_a_reminder_reach_teams(teams, engine) -> None:
    delivery = TeamsDelivery(engine=engine, token=ClientCredentialsToken(teams.settings).get, bot_id=BOT_ID,
                             tenant_id=TENANT_ID)
    teams.say("handelse Vällingby skjutning 11:15 skott mot port")
    alert = message_for(engine, "alert.post")
    posted = delivery.post(teams.fake.service_url, ALERTS, alert)
    assert teams.fake.sent[-1].text().startswith("🚨 Kritisk händelse: Skjutning i Vällingby")
    assert teams.fake.sent[-1].cards()[0]["actions"][0]["title"] == "Kvittera"

    with session_scope(engine) as session:
        event_id = session.execute(select(OutboxMessage.subject_id).where(OutboxMessage.kind == "alert.post")).scalar()
    renotify = message_for(engine, "alert.renotify", subject_id=event_id)
    delivery.post(teams.fake.service_url, ALERTS, renotify, reply_to=posted.activity_id)
    assert teams.fake.sent[-1].method == "reply"
    assert teams.fake.sent[-1].text() == ("⏰ Larmet om Skjutning i Vällingby är inte kvitterat efter 15 minuter.\n"
                                          "<at>Samordnare</at>")  # a coordinator who never wrote: no name known
    [pinged] = teams.fake.sent[-1].cards()[0]["msteams"]["entities"]
    assert pinged["mentioned"] == {"id": COORDINATOR, "name": "Samordnare"}  # notified by their object id
    teams.say("veckolage publicera v47", user=COORDINATOR)
    summary = message_for(engine, "summary.post")
    delivery.post(teams.fake.service_url, SUMMARY, summary)
    assert teams.fake.sent[-1].text().startswith("Lägesbild vecka 47, 2026 (16–22 nov) – sammanfattning")

    reminder = message_for(engine, "reminder.dm", json.dumps({"week": "2026-W47", "user": POLICE}))
    delivered = delivery.direct(POLICE, reminder)  # the 1:1 chat is known: the police member spoke to the bot
    assert delivered.conversation_id == f"a:1on1-{POLICE[:8]}"
    assert "Påminnelse: Polisen har inte bedömt 4 av 4 områden" in teams.fake.sent[-1].text()
    assert posted.activity_id
