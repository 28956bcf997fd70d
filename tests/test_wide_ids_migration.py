"""Migration 0008: a 0007 database holding data upgrades in place; every id column is then 255 wide."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Engine

from storage import migrate
from storage.db import make_engine
from tests.conftest import BACKENDS, PG_URL

MATRIX_USER = "@samordnare.est:matrix.hasselby-vallingby.stockholm.se"
ID_COLUMNS = {
    "workspace": ("key", "summary_channel", "alert_channel"), "member": ("user_id", "user_team"),
    "rolegrant": ("user_id",), "rating": ("reported_by",), "agreedlevel": ("set_by",), "auditentry": ("actor",),
    "event": ("reported_by", "acknowledged_by", "withdrawn_by", "alert_channel", "alert_ts"),
    "outboxmessage": ("channel", "ts"), "skippedweek": ("skipped_by",), "remindermute": ("user_id",),
}
KEY_COLUMNS = {"auditentry": ("subject",), "event": ("source_key",), "outboxmessage": ("key",),
               "answeredrequest": ("key",)}
AT = "'2026-11-23 08:00:00+00:00'"
ROWS = [
    "INSERT INTO workspace (id, key, timezone, summary_channel, alert_channel, deadline_weekday, deadline_minute, "
    "renotify_minutes, summary_weekday, summary_minute, reminder_slots, retention_months, setup_version) VALUES "
    "(1, 'T0TEAM', 'Europe/Stockholm', 'C0SUMMARY', 'C0ALERTS', 0, 600, 15, 0, 480, '4:720', 24, 7)",
    "INSERT INTO area (id, workspace_id, name, position) VALUES (1, 1, 'Vällingby', 0)",
    "INSERT INTO partner (id, workspace_id, name, position) VALUES (1, 1, 'Polisen', 0)",
    "INSERT INTO member (workspace_id, partner_id, user_id, user_team) VALUES (1, 1, 'U0POL1', 'T0OTHER')",
    "INSERT INTO rolegrant (workspace_id, user_id, role) VALUES (1, 'U0ADMIN', 'admin')",
    f"INSERT INTO rating (workspace_id, area_id, partner_id, iso_year, iso_week, level, reported_by, reported_at) "
    f"VALUES (1, 1, 1, 2026, 48, 3, 'U0POL1', {AT})",
    f"INSERT INTO event (id, workspace_id, area_id, type_key, critical, occurred_at, iso_year, iso_week, reported_by, "
    f"reported_at, alert_channel, alert_ts) VALUES (1, 1, 1, 'skottlossning', true, {AT}, 2026, 48, 'U0POL1', {AT}, "
    f"'C0ALERTS', '1700000000.000100')",
    f"INSERT INTO outboxmessage (workspace_id, key, kind, subject_id, status, generation, attempts, due_at, created_at, "
    f"channel, ts) VALUES (1, 'alert.post:1', 'alert.post', 1, 'sent', 1, 1, {AT}, {AT}, 'C0ALERTS', "
    f"'1700000000.000100')",
    f"INSERT INTO auditentry (workspace_id, at, actor, action, subject) VALUES (1, {AT}, 'U0ADMIN', 'member.add', "
    f"'U0POL1')",
]
READ_BACK = ("SELECT w.key, w.alert_channel, m.user_id, m.user_team, g.user_id, r.reported_by, e.alert_ts, o.key, "
             "o.channel, a.actor, a.subject FROM workspace w, member m, rolegrant g, rating r, event e, "
             "outboxmessage o, auditentry a")


@pytest.fixture(params=BACKENDS)
def empty_engine(request, tmp_path) -> Iterator[Engine]:
    """A database with no tables: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    schema, admin = f"vl_mig_{uuid.uuid4().hex[:10]}", make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def widths(engine: Engine) -> dict[tuple[str, str], int]:
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT table_name, column_name, character_maximum_length FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND character_maximum_length IS NOT NULL"))
        return {(table, column): width for table, column, width in rows}


def setup_version(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT setup_version FROM workspace WHERE id = 1")).scalar_one()


def test_a_0007_database_with_data_is_widened_in_place(empty_engine) -> None:
    engine = empty_engine
    command.upgrade(migrate.alembic_config(engine), "0007")
    if engine.dialect.name == "postgresql":
        assert widths(engine)[("member", "user_id")] == 32  # the old width, so the check below means something
    with engine.begin() as connection:
        for row in ROWS:
            connection.execute(text(row))
        before = connection.execute(text(READ_BACK)).one()

    assert migrate.upgrade(engine) is True and migrate.current_revision(engine) == migrate.head_revision()

    with engine.begin() as connection:
        assert connection.execute(text(READ_BACK)).one() == before
        assert before == ("T0TEAM", "C0ALERTS", "U0POL1", "T0OTHER", "U0ADMIN", "U0POL1", "1700000000.000100",
                          "alert.post:1", "C0ALERTS", "U0ADMIN", "U0POL1")
    if engine.dialect.name == "postgresql":
        found = widths(engine)
        assert {(t, c): found[(t, c)] for t, cs in ID_COLUMNS.items() for c in cs} == {
            (t, c): 255 for t, cs in ID_COLUMNS.items() for c in cs}
        assert {(t, c): found[(t, c)] for t, cs in KEY_COLUMNS.items() for c in cs} == {
            (t, c): 512 for t, cs in KEY_COLUMNS.items() for c in cs}
        assert not [column for column, width in found.items() if width == 32 and column[1] not in
                    ("action", "type_key", "kind", "version_num")], "a 32-wide column is left that may hold an id"
    # The setup-version triggers of 0005 survived (SQLite would drop them had a table been recreated).
    version = setup_version(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO member (workspace_id, partner_id, user_id) VALUES (1, 1, :user)"),
                           {"user": MATRIX_USER})
        assert connection.execute(text("SELECT user_id FROM member WHERE user_id = :user"),
                                  {"user": MATRIX_USER}).scalar_one() == MATRIX_USER
    assert setup_version(engine) == version + 1
