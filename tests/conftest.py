"""Shared fixtures: real SQLite and real PostgreSQL, a synced collaboration, a fixed clock."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from commands.core.context import Invocation
from commands.registry import dispatch
from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from storage import migrate
from storage.db import make_engine, session_scope
from tests.web.web_harness import browser  # noqa: F401 - one Chromium for the whole run (the web view's tests)

PG_URL = os.environ.get("VECKOLAGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_OFF = os.environ.get("VECKOLAGE_TEST_POSTGRES", "").lower() in {"0", "off", "no"}
BACKENDS = ["sqlite"] if PG_OFF else ["sqlite", "postgresql"]

# Sunday 22 November 2026, 13:00 Stockholm: ISO week 47, after Monday's deadline → week 47 is assessed.
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)

SETUP_TOML = """
timezone = "Europe/Stockholm"
deadline = "måndag 10:00"
summary_channel = "C0SUMMARY"
alert_channel = "C0ALERTS"
coordinators = ["U0COORD"]
admins = ["U0ADMIN"]
areas = ["Hässelby gård", "Hässelby strand", "Vällingby", "Grimsta"]

[[partner]]
name = "Polisen"
members = ["U0POL1", "U0POL2"]

[[partner]]
name = "Stadsdelen"
members = ["U0SDF"]

[[partner]]
name = "Bostadsbolaget"
members = ["U0BOST"]
"""

# A smaller collaboration for tests that start the bot as a process (3 areas, 2 partners).
SMALL_SETUP_TOML = """\
coordinators = ["U0COORD"]
areas = ["Hässelby gård", "Vällingby", "Grimsta"]

[[partner]]
name = "Polisen"
members = ["U0POL1"]

[[partner]]
name = "Stadsdelen"
members = ["U0SDF"]
"""


def pytest_report_header(config) -> str:
    """Say which databases the run uses, so a SQLite-only run is never mistaken for a full one."""
    if PG_OFF:
        return "databases: SQLite only (VECKOLAGE_TEST_POSTGRES=off) – PostgreSQL tests NOT run"
    return f"databases: SQLite and PostgreSQL ({PG_URL.rsplit('@', 1)[-1]})"


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory) -> Iterator[Engine]:
    """A migrated SQLite file database for the whole run."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'veckolage.db'}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgresql_engine() -> Iterator[Engine]:
    """A migrated PostgreSQL schema of its own for this run, dropped at the end."""
    schema = f"vl_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # a clear failure, never a silent skip
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL} ({error}). Start it, point "
                    "VECKOLAGE_TEST_POSTGRES_URL at yours, or set VECKOLAGE_TEST_POSTGRES=off.", pytrace=False)
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    migrate.upgrade(engine)
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def clean(engine: Engine) -> None:
    """Empty every table of ours (children first)."""
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(params=BACKENDS)
def engine(request) -> Iterator[Engine]:
    """An empty, migrated database: each test runs once on SQLite and once on PostgreSQL."""
    engine = request.getfixturevalue(f"{request.param}_engine")
    clean(engine)
    yield engine


@pytest.fixture
def workspace_id(engine: Engine) -> int:
    """The test collaboration (4 areas, 3 partners) synced into the database."""
    with session_scope(engine) as session:
        return sync_setup(session, parse_setup(SETUP_TOML), now=NOW).workspace_id


class Chat:
    """Type commands as a user at a given time, as the console and the Slack listeners do."""

    def __init__(self, engine: Engine, workspace_id: int) -> None:
        self.engine, self.workspace_id = engine, workspace_id

    def __call__(self, user: str, line: str, *, now: datetime = NOW):
        slash, _, rest = line.partition(" ")
        with session_scope(self.engine) as session:  # typed with a slash, as in Slack and the console
            return dispatch(slash.removeprefix("/"), rest, Invocation(self.workspace_id, user, now, "C0TEST"), session)


@pytest.fixture
def chat(engine: Engine, workspace_id: int) -> Chat:
    """`chat("U0POL1", "/lage Vällingby 3")` → the Reply."""
    return Chat(engine, workspace_id)
