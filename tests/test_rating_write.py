"""`save_rating`, the hot path behind `/lage`: what it stores, audits and returns, on both databases.

PostgreSQL writes in one statement and SQLite in two; a user or an auditor must not see the difference.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text, update

from bot.console.render import plain as plain_text
from commands.core.reply import WeekGrid
from commands.core.weeks import Week
from commands.rhythm.summary import summary_key
from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from storage import outbox, queries
from storage.db import session_scope
from storage.models import Area, AuditEntry, Event, OutboxMessage, Partner, Rating, Workspace
from storage.queries.rating_write import Previous, describe, save_rating
from tests.conftest import NOW, PG_OFF, SETUP_TOML, clean

WEEK = Week(2026, 47)  # the week `/lage` assesses at NOW
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def save(engine, workspace_id: int, level: int, comment: str | None = None, *, user: str = "U0POL1",
         partner: str = "Polisen", now=NOW, key: str | None = None):
    """One save of Vällingby week 47 in its own transaction, as `/lage` does it."""
    with session_scope(engine) as session:
        area = session.execute(select(Area).where(Area.name == "Vällingby")).scalar_one()
        org = session.execute(select(Partner).where(Partner.name == partner)).scalar_one()
        return save_rating(session, workspace_id=workspace_id, area=area, partner=org, year=WEEK.year,
                           week=WEEK.week, level=level, comment=comment, user_id=user, now=now, summary_key=key)


def rating_audit(engine, workspace_id: int) -> list[AuditEntry]:
    with session_scope(engine) as session:
        return [e for e in queries.audit_entries(session, workspace_id=workspace_id) if e.action == "rating.set"]


def ratings(engine) -> list[tuple[int, str | None, str]]:
    with session_scope(engine) as session:
        return [(r.level, r.comment, r.reported_by) for r in session.execute(select(Rating)).scalars()]


# (user, level, comment, the audit's old value, its new value)
STEPS = [
    ("U0POL1", 3, None, None, "3"),  # the first report
    ("U0POL2", 4, "Oroligt vid torget", "3", "4 – Oroligt vid torget"),  # a change with a comment
    ("U0POL1", 4, "Lugnare nu", "4 – Oroligt vid torget", "4 – Lugnare nu"),  # only the comment changes
    ("U0POL2", 4, "Lugnare nu", "4 – Lugnare nu", "4 – Lugnare nu"),  # the same report again
    ("U0POL1", 2, None, "4 – Lugnare nu", "2"),  # the comment is dropped
]


def test_each_save_stores_the_rating_and_audits_the_value_it_replaced(engine, workspace_id) -> None:
    expected_audit, previous = [], None
    for step, (user, level, comment, old, new) in enumerate(STEPS):
        now = (NOW + timedelta(minutes=step, microseconds=123457)).astimezone(STOCKHOLM)  # any zone; stored UTC
        saved = save(engine, workspace_id, level, comment, user=user, now=now)
        assert saved.previous == previous
        previous = Previous(level, comment, user)
        with session_scope(engine) as session:  # found by its time as the ORM writes it: stored in the same form
            rating = session.execute(select(Rating).where(Rating.reported_at == now)).scalar_one()
        assert (rating.level, rating.comment, rating.reported_by, rating.reported_at) == (level, comment, user, now)
        assert rating.reported_at.utcoffset() == timedelta(0) and rating.reported_at.tzinfo is UTC
        expected_audit.append((now, user, "Vällingby / Polisen", 2026, 47, old, new))
    assert ratings(engine) == [(2, None, "U0POL1")]  # one row per cell: the last report wins
    assert [(e.at, e.actor, e.subject, e.iso_year, e.iso_week, e.old_value, e.new_value)
            for e in rating_audit(engine, workspace_id)] == expected_audit


def test_saved_reports_the_other_partners_the_agreed_value_critical_events_and_the_summary(
        engine, workspace_id, chat) -> None:
    with session_scope(engine) as session:
        workspace = session.get(Workspace, workspace_id)
        key, last_week = summary_key(workspace, WEEK), summary_key(workspace, WEEK.shift(-1))

    def facts():
        saved = save(engine, workspace_id, 2, key=key)
        return saved.others_highest, saved.agreed, saved.critical, saved.summary_status

    def ok(user: str, line: str) -> None:
        reply = chat(user, line)
        assert reply.tone == "ok", "\n".join(map(plain_text, [reply.title, *reply.lines]))

    save(engine, workspace_id, 5)
    assert facts() == (None, None, False, None)  # Polisen's own 5 is not another partner's
    for user, line in [("U0SDF", "/lage Vällingby 3"), ("U0BOST", "/lage Vällingby 5"),
                       ("U0SDF", "/lage Grimsta 5"), ("U0SDF", "/lage v46 Vällingby 5")]:
        ok(user, line)
    assert facts() == (5, None, False, None)
    ok("U0ADMIN", "/lagesadmin partner ta-bort Bostadsbolaget")
    assert facts() == (3, None, False, None)  # a retired partner's rating no longer counts
    ok("U0COORD", "/veckolage fastställ Grimsta 4")
    assert facts() == (3, None, False, None)
    ok("U0COORD", "/veckolage fastställ Vällingby 1")
    assert facts() == (3, 1, False, None)
    ok("U0POL1", "/handelse Vällingby stenkastning")  # not a critical type
    ok("U0POL1", "/handelse Grimsta skjutning")  # critical, another area
    assert facts() == (3, 1, False, None)
    ok("U0SDF", "/handelse Vällingby skjutning")
    assert facts() == (3, 1, True, None)
    with session_scope(engine) as session:
        number = session.execute(select(Event.id).join(Area).where(Event.critical, Area.name == "Vällingby")).scalar_one()
    ok("U0SDF", f"/handelse återkalla {number} felrapport")
    assert facts() == (3, 1, False, None)
    with session_scope(engine) as session:  # last week's summary is out, this week's not yet queued
        outbox.add_once(session, workspace_id=workspace_id, key=last_week, kind="summary.post", now=NOW)
        session.execute(update(OutboxMessage).where(OutboxMessage.key == last_week).values(status=outbox.SENT))
    assert facts()[3] is None
    with session_scope(engine) as session:
        outbox.add_once(session, workspace_id=workspace_id, key=key, kind="summary.post", now=NOW)
    assert facts()[3] == outbox.PENDING
    ok("U0POL1", "/lage Vällingby 3")  # the post will show it: no update, no note
    with session_scope(engine) as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.key == key).values(status=outbox.SENT))
    assert facts()[3] == outbox.SENT
    ok("U0POL1", "/lage Vällingby 4")  # the post is out: it is updated and the change noted in its thread
    with session_scope(engine) as session:
        kinds = session.execute(select(OutboxMessage.kind, OutboxMessage.body).where(
            OutboxMessage.kind.in_(["summary.update", "summary.note"])).order_by(OutboxMessage.id)).all()
    assert [kind for kind, _ in kinds] == ["summary.update", "summary.note"]
    assert json.loads(kinds[1].body)["text"] == "Polisen bedömde Vällingby 2 → 4"  # facts() saved the 2
    assert save(engine, workspace_id, 2).summary_status is None  # no key given: nothing looked up


def test_the_reply_shows_the_consolidated_value_the_grid_shows(chat) -> None:
    def consolidated(user: str, line: str) -> str:
        reply = chat(user, line)
        assert reply.tone == "ok", reply
        grid = chat("U0POL1", "/veckolage")
        assert isinstance(grid, WeekGrid)
        area = line.split()[1]
        value = next(row.value for row in grid.rows if row.area == area)
        assert f"just nu: {value} (" in reply.lines[-1], (reply.lines[-1], value)  # the reply agrees with the grid
        return reply.lines[-1]

    text = "Samlad bedömning för Vällingby just nu: {} ({})."
    assert consolidated("U0SDF", "/lage Vällingby 3") == text.format(3, "föreslagen")
    assert consolidated("U0POL1", "/lage Vällingby 4 bränder") == text.format(4, "föreslagen")  # own highest
    assert consolidated("U0POL1", "/lage Vällingby 1") == text.format(3, "föreslagen")  # another partner higher
    assert consolidated("U0BOST", "/lage Vällingby 5") == text.format(5, "föreslagen")
    assert chat("U0ADMIN", "/lagesadmin partner ta-bort Bostadsbolaget").tone == "ok"
    assert consolidated("U0POL1", "/lage Vällingby 2") == text.format(3, "föreslagen")  # retired: not counted
    assert chat("U0COORD", "/veckolage fastställ Vällingby 2").tone == "ok"
    assert consolidated("U0POL1", "/lage Vällingby 5") == text.format(2, "fastställd")  # fastställd overrides
    assert chat("U0POL1", "/handelse Vällingby skjutning").tone == "ok"
    assert consolidated("U0POL1", "/lage Vällingby 1") == text.format(
        5, "kritisk händelse; fastställt 2")  # critical: at least 5, above what was fastställt
    assert chat("U0POL1", "/handelse Grimsta sprängning").tone == "ok"
    assert consolidated("U0POL1", "/lage Grimsta 1") == text.replace("Vällingby", "Grimsta").format(
        5, "kritisk händelse")  # the grid's word for it


def test_a_failure_later_in_the_transaction_leaves_neither_rating_nor_audit(engine, workspace_id) -> None:
    save(engine, workspace_id, 3, "före")
    for level in (4, 3):  # a change, and the same level again
        with pytest.raises(RuntimeError, match="later step failed"), session_scope(engine) as session:
            area = session.execute(select(Area).where(Area.name == "Vällingby")).scalar_one()
            org = session.execute(select(Partner).where(Partner.name == "Polisen")).scalar_one()
            saved = save_rating(session, workspace_id=workspace_id, area=area, partner=org, year=2026, week=47,
                                level=level, comment="efter", user_id="U0POL2", now=NOW, summary_key=None)
            assert saved.previous == Previous(3, "före", "U0POL1")
            raise RuntimeError("later step failed")
    assert ratings(engine) == [(3, "före", "U0POL1")]
    assert [(e.old_value, e.new_value) for e in rating_audit(engine, workspace_id)] == [(None, "3 – före")]
    with pytest.raises(RuntimeError), session_scope(engine) as session:  # a first report that fails
        area = session.execute(select(Area).where(Area.name == "Grimsta")).scalar_one()
        org = session.execute(select(Partner).where(Partner.name == "Polisen")).scalar_one()
        save_rating(session, workspace_id=workspace_id, area=area, partner=org, year=2026, week=47, level=5,
                    comment=None, user_id="U0POL1", now=NOW)
        raise RuntimeError
    assert len(ratings(engine)) == 1 and len(rating_audit(engine, workspace_id)) == 1


postgresql_only = pytest.mark.skipif(PG_OFF, reason="PostgreSQL is off (VECKOLAGE_TEST_POSTGRES=off)")


@pytest.fixture
def pg(postgresql_engine) -> tuple:
    """PostgreSQL whatever the run's backend: row locks are what these tests are about."""
    clean(postgresql_engine)
    with session_scope(postgresql_engine) as session:
        return postgresql_engine, sync_setup(session, parse_setup(SETUP_TOML), now=NOW).workspace_id


def audit_chain(engine) -> list[tuple[str | None, str | None]]:
    """(old, new) of every rating audit row in commit order: ids are drawn under the cell's row lock."""
    with session_scope(engine) as session:
        query = select(AuditEntry).where(AuditEntry.action == "rating.set").order_by(AuditEntry.id)
        return [(e.old_value, e.new_value) for e in session.execute(query).scalars()]


@postgresql_only
def test_concurrent_saves_on_postgresql_keep_the_audit_chain_unbroken(pg) -> None:
    (engine, workspace_id), threads, rounds = pg, 2, 25
    barrier, replaced, errors = threading.Barrier(threads), {}, []

    def worker(number: int) -> None:
        try:
            barrier.wait()
            for i in range(rounds):
                level, comment = (number + i) % 5 + 1, f"tråd {number} rapport {i}"
                saved = save(engine, workspace_id, level, comment, user=f"U0POL{number + 1}",
                             now=NOW + timedelta(seconds=i))
                old = saved.previous
                replaced[describe(level, comment)] = old and describe(old.level, old.comment)
        except BaseException as error:  # reported below; a thread's exception is otherwise lost
            errors.append(error)
            barrier.abort()

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert errors == []
    chain = audit_chain(engine)
    assert len(chain) == threads * rounds and {new for _, new in chain} == set(replaced)  # nothing lost
    assert [old for old, _ in chain] == [None] + [new for _, new in chain[:-1]]  # each replaced the one before
    assert all(replaced[new] == old for old, new in chain)  # and told its caller so
    (level, comment, _), = ratings(engine)
    assert describe(level, comment) == chain[-1][1]


@postgresql_only
def test_two_first_reports_to_an_empty_cell_on_postgresql(pg) -> None:
    engine, workspace_id = pg
    result = {}
    with session_scope(engine) as first:  # the first report is written but not yet committed
        area = first.execute(select(Area).where(Area.name == "Vällingby")).scalar_one()
        org = first.execute(select(Partner).where(Partner.name == "Polisen")).scalar_one()
        save_rating(first, workspace_id=workspace_id, area=area, partner=org, year=2026, week=47, level=2,
                    comment=None, user_id="U0POL1", now=NOW)
        second = threading.Thread(target=lambda: result.update(saved=save(engine, workspace_id, 4, user="U0POL2")))
        second.start()
        waiting = text("SELECT count(*) FROM pg_locks w JOIN pg_locks h ON h.transactionid = w.transactionid "
                       "WHERE h.pid = pg_backend_pid() AND h.granted AND NOT w.granted")
        deadline = time.monotonic() + 10
        while not first.execute(waiting).scalar_one():  # until the second report waits for this one
            assert second.is_alive() and time.monotonic() < deadline, "the second report did not wait"
    second.join()
    assert audit_chain(engine) == [(None, "2"), ("2", "4")]
    assert result["saved"].previous == Previous(2, None, "U0POL1")
