"""A database that does not answer, or answers too late: every wait on the request path is bounded, and
the reply says what happened to what was sent ("inget sparades" only when it surely rolled back)."""

from __future__ import annotations

import json
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as Late

import pytest
from sqlalchemy import select, text

from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from storage.db import make_engine, session_scope
from storage.models import Rating
from tests import slack_harness as h
from tests.conftest import NOW, PG_URL, SETUP_TOML, clean

ANSWER_WITHIN = 10  # generous: only so that a request waiting for ever fails the test instead of hanging it
fake_slack = h.fake_slack


def lage(app, words: str, trigger: str) -> str:
    """A signed `/lage` through the real app → what the user reads (every text of the ack)."""
    body = h.slash_body("/lage", words, trigger_id=trigger)
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        response = pool.submit(h.dispatch, app, body, h.signed_headers(body)).result(timeout=ANSWER_WITHIN)
    except Late:
        pytest.fail(f"no answer to /lage {words} within {ANSWER_WITHIN} s")
    finally:
        pool.shutdown(wait=False)  # a request still waiting is released when the test lets go of the lock
    assert response.status == 200, response.body
    return h.texts(json.loads(response.body))


def levels(engine) -> list[int]:
    with session_scope(engine) as session:
        return [rating.level for rating in session.execute(select(Rating)).scalars()]


def test_a_row_lock_held_by_another_connection_gets_a_swedish_answer_and_saves_nothing(
        engine, workspace_id, fake_slack):
    app = h.build_app(engine, fake_slack, clock=lambda: NOW)
    assert "Sparat: Vällingby 2" in lage(app, "Vällingby 2", "T-first")
    if engine.dialect.name == "postgresql":  # another session locks the rating row and stalls
        blocker = engine.connect()
        blocker.execute(text("SELECT * FROM rating FOR UPDATE"))
    else:  # another process holds SQLite's write lock
        blocker = sqlite3.connect(engine.url.database, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
    try:
        reply = lage(app, "Vällingby 4 stenkastning", "T-locked")
    finally:
        blocker.rollback()
        blocker.close()
    assert "Databasen svarar inte just nu, så inget sparades" in reply, reply
    assert levels(engine) == [2]
    assert "Sparat: Vällingby 4" in lage(app, "Vällingby 4 stenkastning", "T-after")


@pytest.fixture
def one_connection_engine(postgresql_engine):
    """The test's PostgreSQL schema behind a pool of exactly one connection."""
    clean(postgresql_engine)
    with postgresql_engine.connect() as connection:
        schema = connection.execute(text("SHOW search_path")).scalar_one()
    engine = make_engine(PG_URL, pool_size=1, max_overflow=0, connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()


def test_a_pool_with_no_free_connection_gets_a_swedish_answer(one_connection_engine, fake_slack):
    engine = one_connection_engine
    with session_scope(engine) as session:
        sync_setup(session, parse_setup(SETUP_TOML), now=NOW)
    app = h.build_app(engine, fake_slack, clock=lambda: NOW)
    held = engine.connect()  # the only connection, held by a stalled request
    try:
        reply = lage(app, "Vällingby 4", "T-pool")
    finally:
        held.close()
    assert "Databasen svarar inte just nu, så inget sparades" in reply, reply
    assert levels(engine) == []
    assert "Sparat: Vällingby 4" in lage(app, "Vällingby 4", "T-pool-after")


def test_a_commit_whose_answer_is_lost_is_called_unknown_with_how_to_check(engine, workspace_id, fake_slack,
                                                                           monkeypatch):
    app = h.build_app(engine, fake_slack, clock=lambda: NOW)
    real_commit = engine.dialect.do_commit
    postgresql = engine.dialect.name == "postgresql"

    def cut_at_commit(dbapi_connection) -> None:
        if postgresql:
            import psycopg

            real_commit(dbapi_connection)  # the server has the COMMIT and saves the rating …
            dbapi_connection.dbapi_connection.close()  # … and its answer never arrives (the pool's raw connection)
            raise psycopg.OperationalError("consuming input failed: server closed the connection unexpectedly")
        raise sqlite3.OperationalError("database is locked")  # SQLite refuses the COMMIT: surely rolled back

    monkeypatch.setattr(engine.dialect, "do_commit", cut_at_commit)
    reply = lage(app, "Vällingby 4 lugnt", "T-commit")
    monkeypatch.undo()
    if postgresql:
        assert "Vi vet inte om det sparades" in reply and "Kontrollera med /veckolage" in reply, reply
        assert "inget sparades" not in reply
        assert levels(engine) == [4]
    else:
        assert "inget sparades" in reply, reply
        assert levels(engine) == []


def test_a_failure_after_the_commit_does_not_claim_that_nothing_was_saved(engine, workspace_id, fake_slack):
    def broken_wake() -> None:  # the rating is committed; waking the outbox afterwards fails
        raise RuntimeError("the outbox thread is gone")

    app = h.inline_app(engine, fake_slack, clock=lambda: NOW, notify=broken_wake)
    reply = lage(app, "Vällingby 3", "T-after-commit")
    assert levels(engine) == [3]
    assert "inget sparades" not in reply and "Kontrollera med /veckolage om det sparades" in reply, reply


def test_a_request_stalled_inside_the_sqlite_file_does_not_hold_the_others_for_ever(
        sqlite_engine, fake_slack):
    clean(sqlite_engine)
    with session_scope(sqlite_engine) as session:
        sync_setup(session, parse_setup(SETUP_TOML), now=NOW)
    app = h.build_app(sqlite_engine, fake_slack, clock=lambda: NOW)
    inside, release = threading.Event(), threading.Event()

    def stalled_request() -> None:  # holds this process's turn at the file, as a stuck request would
        with session_scope(sqlite_engine):
            inside.set()
            release.wait(ANSWER_WITHIN * 2)

    stalled = threading.Thread(target=stalled_request)
    stalled.start()
    inside.wait(ANSWER_WITHIN)
    try:
        reply = lage(app, "Vällingby 4", "T-stalled")
    finally:
        release.set()
        stalled.join()
    assert "Databasen svarar inte just nu, så inget sparades" in reply, reply
    assert levels(sqlite_engine) == []


def test_postgresql_connections_carry_the_bounds_and_a_caller_may_lift_them(postgresql_engine):
    with postgresql_engine.connect() as connection:
        assert connection.execute(text("SHOW lock_timeout")).scalar() == "2s"
        assert connection.execute(text("SHOW statement_timeout")).scalar() == "2500ms"
    unbounded = make_engine(PG_URL, connect_args={"options": "-c statement_timeout=0"})  # e.g. a long batch job
    try:
        with unbounded.connect() as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "0"
    finally:
        unbounded.dispose()
