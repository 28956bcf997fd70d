"""The per-process directory cache (storage/queries/directory.py) and the triggers of migration 0005 behind it.

Every request reads `workspace.setup_version`; triggers bump it on any change to area, partner, member or
rolegrant, so a cached directory is never used after a change, a rolled-back transaction never leaves its
view behind, and a workspace created again never inherits the old copy.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select
from sqlmodel import SQLModel

from bot.console.render import plain as plain_text
from commands.core.context import Invocation, load_caller
from commands.core.texts import t
from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from storage import migrate
from storage.db import make_engine, session_scope
from storage.models import Member, Partner, RoleGrant, Workspace
from storage.queries.directory import _CACHE
from tests.conftest import NOW, SETUP_TOML, Chat, clean

# table → (a new row, a change to it)
NEW_ROWS = {
    "area": ({"name": "Rinkeby", "position": 9}, {"name": "Tensta"}),
    "partner": ({"name": "Skolan", "position": 9}, {"position": 7}),
    "member": ({"user_id": "U0NEW"}, {"user_id": "U0NEW2"}),
    "rolegrant": ({"user_id": "U0NEW", "role": "coordinator"}, {"role": "admin"}),
}
SETUP_SELECT = re.compile(r"^\s*SELECT\b.*\b(area|partner|member|rolegrant)\b", re.IGNORECASE | re.DOTALL)


def version(engine, workspace_id: int) -> int:
    with engine.connect() as connection:
        return connection.execute(select(Workspace.setup_version).where(Workspace.id == workspace_id)).scalar_one()


def caller(engine, user: str, workspace_id: int):
    with session_scope(engine) as session:
        return load_caller(session, Invocation(workspace_id, user, NOW))


def text(reply) -> str:
    return "\n".join(map(plain_text, [reply.title, *reply.lines]))


def ok(chat, line: str) -> None:
    reply = chat("U0ADMIN", f"/lagesadmin {line}")
    assert reply.tone == "ok", text(reply)


def refused_as_outsider(reply) -> bool:
    return reply.tone == "error" and t("error.unknown_user") in text(reply)


@pytest.mark.parametrize("table_name", NEW_ROWS)
def test_every_insert_update_and_delete_bumps_the_version_of_its_own_workspace_only(engine, workspace_id,
                                                                                     table_name) -> None:
    with session_scope(engine) as session:
        other = sync_setup(session, parse_setup('team_id = "T0OTHER"\n' + SETUP_TOML), now=NOW).workspace_id
        partner_id = session.execute(select(Partner.id).where(Partner.workspace_id == workspace_id)).scalar()
    table = SQLModel.metadata.tables[table_name]
    values, change = NEW_ROWS[table_name]
    values = {"workspace_id": workspace_id, **values, **({"partner_id": partner_id} if table_name == "member" else {})}

    def run(statement, bumps: tuple[bool, bool]):
        before = version(engine, workspace_id), version(engine, other)
        with session_scope(engine) as session:
            result = session.execute(statement)
        assert statement.is_insert or result.rowcount == 1  # the row exists: never a no-op
        after = version(engine, workspace_id), version(engine, other)
        assert tuple(a > b for a, b in zip(after, before, strict=True)) == bumps, (statement, before, after)
        assert all(a >= b for a, b in zip(after, before, strict=True))
        return result

    row = table.c.id == run(table.insert().values(values), (True, False)).inserted_primary_key[0]
    run(table.update().where(row).values(change), (True, False))
    run(table.update().where(row).values(workspace_id=other), (True, True))  # moved: both change
    run(table.delete().where(row), (False, True))


def test_a_second_request_reads_the_version_but_not_the_setup_tables(engine, workspace_id) -> None:
    rounds: list[list[str]] = []

    def record(_connection, _cursor, statement, *_args) -> None:
        rounds[-1].append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        for _ in range(2):
            rounds.append([])
            found = caller(engine, "U0POL1", workspace_id)
            assert found.partner.name == "Polisen" and [a.name for a in found.areas][2] == "Vällingby"
    finally:
        event.remove(engine, "before_cursor_execute", record)
    cold, warm = ([s for s in statements if SETUP_SELECT.search(s)] for statements in rounds)
    assert cold and warm == []
    assert any("workspace" in s for s in rounds[1])


def test_changes_made_in_chat_apply_to_the_very_next_request(chat) -> None:
    assert refused_as_outsider(chat("U0NEW", "/lage Vällingby 3"))
    ok(chat, "medlem lägg-till Stadsdelen @U0NEW")
    assert chat("U0NEW", "/lage Vällingby 3").title == "Sparat: Vällingby 3 Oroande läge för Stadsdelen"
    ok(chat, "medlem ta-bort @U0NEW")
    assert refused_as_outsider(chat("U0NEW", "/lage Vällingby 3"))

    assert chat("U0POL1", "/lage Grimsta 2").tone == "ok"
    ok(chat, "område ta-bort Grimsta")
    reply = chat("U0POL1", "/lage Grimsta 2")
    assert reply.tone == "error" and "Grimsta" in text(reply)

    assert chat("U0SDF", "/veckolage fastställ Vällingby 3").tone == "error"
    ok(chat, "samordnare lägg-till @U0SDF")
    assert chat("U0SDF", "/veckolage fastställ Vällingby 3").tone == "ok"


def test_what_a_rolled_back_transaction_read_is_never_served_later(engine, workspace_id) -> None:
    stadsdelen = caller(engine, "U0SDF", workspace_id).partner
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        session.add(Member(workspace_id=workspace_id, partner_id=stadsdelen.id, user_id="U0NEW"))
        session.flush()
        inside = load_caller(session, Invocation(workspace_id, "U0NEW", NOW))
        seen = inside.workspace.setup_version
        assert inside.partner == stadsdelen  # its own uncommitted member
        raise RuntimeError("roll back")
    # One committed change brings the version to the number the rolled-back transaction saw.
    with session_scope(engine) as session:
        session.add(RoleGrant(workspace_id=workspace_id, user_id="U0OTHER", role="coordinator"))
    assert version(engine, workspace_id) == seen
    assert caller(engine, "U0NEW", workspace_id).partner is None
    assert caller(engine, "U0OTHER", workspace_id).coordinator
    assert caller(engine, "U0NEW", workspace_id).partner is None


def test_a_workspace_created_again_under_the_same_id_never_gets_the_old_directory(engine, workspace_id,
                                                                                   chat) -> None:
    assert chat("U0POL2", "/lage Vällingby 3").title.endswith("för Polisen")
    clean(engine)
    moved = SETUP_TOML.replace('"U0POL1", "U0POL2"', '"U0POL1"').replace('["U0SDF"]', '["U0SDF", "U0POL2"]')
    with session_scope(engine) as session:
        session.add(Workspace(id=workspace_id, key="default", created_at=NOW))  # same id, also on PostgreSQL
        session.flush()
        assert sync_setup(session, parse_setup(moved), now=NOW).workspace_id == workspace_id
    assert chat("U0POL2", "/lage Vällingby 3").title.endswith("för Stadsdelen")
    assert caller(engine, "U0POL2", workspace_id).partner.name == "Stadsdelen"


def test_in_memory_sqlite_keeps_nothing_and_sees_every_change() -> None:
    memory = make_engine("sqlite://")
    try:
        migrate.upgrade(memory)
        with session_scope(memory) as session:
            chat = Chat(memory, sync_setup(session, parse_setup(SETUP_TOML), now=NOW).workspace_id)
        assert refused_as_outsider(chat("U0NEW", "/lage Vällingby 3"))
        ok(chat, "medlem lägg-till Polisen @U0NEW")
        assert chat("U0NEW", "/lage Vällingby 3").title == "Sparat: Vällingby 3 Oroande läge för Polisen"
        ok(chat, "medlem ta-bort @U0NEW")
        assert refused_as_outsider(chat("U0NEW", "/lage Vällingby 3"))
        assert not _CACHE.get(memory)
    finally:
        memory.dispose()
