"""Matrix and Teams ids, far longer than Slack's, go through rating, events, alerts, roles and the audit log
unchanged, on SQLite and PostgreSQL (which refused anything over 32 characters before migration 0008)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from commands.core.context import Invocation
from commands.events.manage import acknowledge
from commands.setup.export import export_setup
from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from storage import outbox
from storage.db import session_scope
from storage.models import (
    AuditEntry,
    Event,
    Member,
    OutboxMessage,
    Rating,
    ReminderMute,
    RoleGrant,
    SkippedWeek,
    Workspace,
)
from tests.conftest import NOW, Chat

MATRIX_USER = "@samordnare.est:matrix.hasselby-vallingby.stockholm.se"  # 54 characters
MATRIX_OFFICER = "@handlaggare.polis:matrix.hasselby-vallingby.stockholm.se"
ROOM_V12 = "!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM"  # room version 12: ! and 43 characters
EVENT_ID = "$KpZqXNjeSpGyQWs4kVUXtM0mAarnpNCkGpzDYfOU7L8"  # a Matrix event id: $ and 43 characters
TEAMS_THREAD = "19:3f2c8a0e5b9d4c7e8a1b2c3d4e5f6a7b@thread.tacv2;messageid=1732912345678"
ENTRA_ADMIN = "3f2c8a0e-5b9d-4c7e-8a1b-2c3d4e5f6a7b"
ENTRA_TENANT = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
ALIAS = "#lagesbild-vasterort:matrix.hasselby-vallingby.stockholm.se"

SETUP = f"""
team_id = "{ENTRA_TENANT}"
alert_channel = "{TEAMS_THREAD}"
coordinators = ["{MATRIX_USER}"]
admins = ["{ENTRA_ADMIN}"]
areas = ["Hässelby gård", "Vällingby"]

[[partner]]
name = "Polisen"
members = ["{MATRIX_USER}"]

[[partner]]
name = "Stadsdelen"
members = ["U0SDF"]
"""


def text(reply) -> str:
    """Every word and id in a reply, whichever way the core marks a mention in it."""
    return json.dumps([reply.title, *reply.lines], default=vars, ensure_ascii=False)


def test_long_ids_of_matrix_and_teams_come_back_unchanged(engine) -> None:
    assert len(MATRIX_USER) == 54 and len(ROOM_V12) == 44 and len(EVENT_ID) == 44 and len(TEAMS_THREAD) == 72
    with session_scope(engine) as session:
        workspace_id = sync_setup(session, parse_setup(SETUP), now=NOW).workspace_id
    chat = Chat(engine, workspace_id)

    # Roles and members, set by an admin known by an Entra object id.
    for line in (f"medlem lägg-till Polisen {MATRIX_OFFICER}", f"samordnare lägg-till {MATRIX_OFFICER}",
                 f"kanal sammanfattning {ALIAS}", f"kanal larm {ROOM_V12}"):
        reply = chat(ENTRA_ADMIN, f"/lagesadmin {line}")
        assert reply.tone == "ok", text(reply)
    shown = text(chat(ENTRA_ADMIN, "/lagesadmin visa"))
    assert MATRIX_USER in shown and MATRIX_OFFICER in shown and ALIAS in shown and ROOM_V12 in shown

    # Rating, an event with its alert, and everything a member does by their id.
    assert chat(MATRIX_OFFICER, "/lage Vällingby 4 oro vid torget").tone == "ok"
    assert chat(MATRIX_USER, "/lage Hässelby gård 2").tone == "ok"
    reply = chat(MATRIX_OFFICER, "/handelse Vällingby skjutning skott mot port")
    assert reply.tone == "ok", text(reply)
    assert chat(MATRIX_USER, "/lage påminnelser av").tone == "ok"
    assert chat(MATRIX_USER, "/veckolage hoppa-över v49").tone == "ok"

    with session_scope(engine) as session:
        event = session.execute(select(Event)).scalars().one()
        row = outbox.message(session, key=f"alert.post:{event.id}")
        assert row.channel == ROOM_V12
        assert outbox.claim(session, row, worker="w", now=NOW, lease=timedelta(minutes=1))
        outbox.finish(session, row_id=row.id, generation=row.generation, worker="w", now=NOW, channel=ROOM_V12,
                      ts=EVENT_ID)
        event.alert_channel, event.alert_ts = ROOM_V12, EVENT_ID
    with session_scope(engine) as session:
        acknowledged = acknowledge(event.id, Invocation(workspace_id, ENTRA_ADMIN, NOW, TEAMS_THREAD), session)
        assert acknowledged.tone == "ok"

    with session_scope(engine) as session:
        workspace = session.get(Workspace, workspace_id)
        assert (workspace.key, workspace.summary_channel, workspace.alert_channel) == (ENTRA_TENANT, ALIAS, ROOM_V12)
        assert dict(session.execute(select(Member.user_id, Member.user_team)).all()) == {
            MATRIX_USER: None, MATRIX_OFFICER: None, "U0SDF": None}
        assert set(session.execute(select(RoleGrant.user_id, RoleGrant.role)).all()) == {
            (MATRIX_USER, "coordinator"), (MATRIX_OFFICER, "coordinator"), (ENTRA_ADMIN, "admin")}
        assert set(session.execute(select(Rating.reported_by)).scalars()) == {MATRIX_OFFICER, MATRIX_USER}
        event = session.execute(select(Event)).scalars().one()
        assert (event.reported_by, event.acknowledged_by, event.alert_channel, event.alert_ts) == (
            MATRIX_OFFICER, ENTRA_ADMIN, ROOM_V12, EVENT_ID)
        sent = session.execute(select(OutboxMessage).where(OutboxMessage.key == f"alert.post:{event.id}")).scalar_one()
        assert (sent.status, sent.channel, sent.ts) == ("sent", ROOM_V12, EVENT_ID)
        assert session.execute(select(ReminderMute.user_id)).scalar_one() == MATRIX_USER
        assert session.execute(select(SkippedWeek.skipped_by)).scalar_one() == MATRIX_USER
        audit = set(session.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.subject)).all())
    assert {(ENTRA_ADMIN, "member.add", MATRIX_OFFICER), (ENTRA_ADMIN, "coordinator.add", MATRIX_OFFICER),
            (MATRIX_OFFICER, "rating.set"), (ENTRA_ADMIN, "event.acknowledge")} <= {
        entry if entry[1].startswith(("member", "coordinator")) else entry[:2] for entry in audit}

    log = text(chat(ENTRA_ADMIN, "/lagesadmin logg"))
    assert MATRIX_OFFICER in log and ENTRA_ADMIN in log


def test_an_exported_set_up_with_matrix_and_teams_ids_reads_back_the_same(engine) -> None:
    with session_scope(engine) as session:
        workspace_id = sync_setup(session, parse_setup(SETUP), now=NOW).workspace_id
    with session_scope(engine) as session:
        exported = parse_setup(export_setup(session, workspace_id=workspace_id))
    original = parse_setup(SETUP)
    assert exported.partners == original.partners and exported.partners[0].members == (MATRIX_USER,)
    assert (exported.coordinators, exported.admins, exported.alert_channel, exported.workspace_key) == (
        (MATRIX_USER,), (ENTRA_ADMIN,), TEAMS_THREAD, ENTRA_TENANT)
