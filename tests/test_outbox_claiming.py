"""Several delivery processes on one database: every row claimed once, and a rate-limited workspace
waits alone (Slack's 429 for workspace A does not hold up workspace B)."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlalchemy import select, text

from bot.jobs.clock import clock_tick
from bot.jobs.outbox_worker import Deliverer
from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from storage import outbox
from storage.db import session_scope
from storage.models import OutboxMessage, Workspace
from tests.conftest import NOW, PG_OFF, SETUP_TOML, clean
from tests.fake_slack import FakeSlack
from tests.fake_slack_limits import Limit, RateLimits

LEASE = timedelta(seconds=60)
MONDAY_0800 = datetime(2026, 11, 23, 8, tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(UTC)
TEAM = """
team_id = "{team}"
areas = ["Vällingby", "Grimsta"]

[[partner]]
name = "Polisen"
members = [{members}]
"""


def fill(engine, rows: int) -> list[int]:
    """`rows` due outbox rows of one workspace; their ids."""
    with session_scope(engine) as session:
        workspace = sync_setup(session, parse_setup(SETUP_TOML), now=NOW).workspace_id
        for n in range(rows):
            outbox.add_once(session, workspace_id=workspace, key=f"alert.post:{n}", kind="alert.post", now=NOW)
    with session_scope(engine) as session:
        return sorted(session.execute(select(OutboxMessage.id)).scalars())


def test_concurrent_claimers_take_every_row_exactly_once(engine) -> None:
    clean(engine)
    ids = fill(engine, 120)
    start = threading.Barrier(4)

    def claimer(name: str) -> list[int]:
        start.wait()  # all four ask for the same oldest rows at the same moment
        mine: list[int] = []
        while True:
            with session_scope(engine) as session:
                got = outbox.claim_due(session, worker=name, now=NOW, lease=LEASE, limit=7)
            if not got:
                return mine
            mine += got

    with ThreadPoolExecutor(4) as pool:
        claimed = list(pool.map(claimer, ["a", "b", "c", "d"]))
    every = [row_id for mine in claimed for row_id in mine]
    assert sorted(every) == ids  # none lost, none twice
    with session_scope(engine) as session:
        rows = session.execute(select(OutboxMessage)).scalars().all()
    assert {r.status for r in rows} == {"sending"} and {r.attempts for r in rows} == {1}
    owner = {row_id: name for name, mine in zip("abcd", claimed, strict=True) for row_id in mine}
    assert all(r.claimed_by == owner[r.id] for r in rows)


@pytest.mark.skipif(PG_OFF, reason="VECKOLAGE_TEST_POSTGRES=off (the run header says so)")
def test_a_claimer_in_an_open_transaction_does_not_block_another_on_postgresql(postgresql_engine) -> None:
    clean(postgresql_engine)
    ids = fill(postgresql_engine, 10)
    with session_scope(postgresql_engine) as slow:
        first = outbox.claim_due(slow, worker="slow", now=NOW, lease=LEASE, limit=4)  # locked, not committed
        with session_scope(postgresql_engine) as other:
            other.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting for the slow one would fail here
            second = outbox.claim_due(other, worker="other", now=NOW, lease=LEASE, limit=10)
    assert first == ids[:4] and second == ids[4:]


@pytest.fixture
def two_teams(engine):
    """Team A with four members to remind, team B with one."""
    clean(engine)
    with session_scope(engine) as session:
        for team, members in (("T0AAA", '"U0A1", "U0A2", "U0A3", "U0A4"'), ("T0BBB", '"U0B1"')):
            sync_setup(session, parse_setup(TEAM.format(team=team, members=members)), now=NOW)
        ids = {key: id_ for key, id_ in session.execute(select(Workspace.key, Workspace.id))}
        rows = [dict(workspace_id=ids[f"T0{user[2] * 3}"], kind="reminder.dm",
                     key=f"reminder.dm:{user}", body=json.dumps({"week": "2026-W47", "user": user}))
                for user in ("U0A1", "U0A2", "U0A3", "U0A4", "U0B1")]  # A's four queued ahead of B's one
        outbox.add_all_once(session, rows, now=MONDAY_0800)
    return engine


def worker(engine, fake: FakeSlack, name: str, batch: int = 10) -> Deliverer:
    """A delivery process with each team's own token (so Slack counts each workspace apart)."""
    def client_for(team: str) -> WebClient:
        return WebClient(token=f"xoxb-{team}", base_url=fake.url, timeout=10, retry_handlers=[])
    return Deliverer(engine, None, clock=lambda: MONDAY_0800, client_for=client_for, worker_id=name, batch=batch)


def reminded(fake: FakeSlack) -> list[str]:
    """The DM channels that received a reminder (posts Slack accepted)."""
    refused = {id(c) for c in fake.limits.refused}
    return [c.args["channel"] for c in fake.calls_to("chat.postMessage") if id(c) not in refused]


def test_a_rate_limited_workspace_waits_alone(two_teams) -> None:
    engine, seconds = two_teams, [0.0]
    limits = RateLimits({"conversations.open": Limit(per_minute=6)}, clock=lambda: seconds[0])  # one per 10 s
    with FakeSlack(limits=limits) as fake:
        one = worker(engine, fake, "one", batch=3)
        assert one.run_once(now=MONDAY_0800) == 2  # A1 sent, A2 refused (429), A3 held back without a call
        assert one.run_once(now=MONDAY_0800) == 1  # B1: A4 waits in the database, B does not
        assert reminded(fake) == ["DU0A1", "DU0B1"]  # B went out although A was told to wait
        assert [c.token for c in limits.refused] == ["xoxb-T0AAA"]  # one 429, not one per waiting row
        with session_scope(engine) as session:
            waiting = session.execute(select(OutboxMessage).where(OutboxMessage.status == "pending")).scalars().all()
        assert {(r.body.split('"user": "')[1][:4], r.due_at, r.attempts) for r in waiting} == {
            (user, MONDAY_0800 + timedelta(seconds=wait), 0) for user, wait in (("U0A2", 10), ("U0A4", 20),
                                                                                 ("U0A3", 30))}  # at Slack's pace

        seconds[0] = 5.0  # another process, which never saw the 429, respects the wait through the database
        assert worker(engine, fake, "two").run_once(now=MONDAY_0800 + timedelta(seconds=5)) == 0
        assert len(fake.calls_to("conversations.open")) == 3

        for step in (10, 20, 30):
            seconds[0] = float(step)
            worker(engine, fake, f"at{step}").run_once(now=MONDAY_0800 + timedelta(seconds=step))
    assert sorted(reminded(fake)) == ["DU0A1", "DU0A2", "DU0A3", "DU0A4", "DU0B1"]  # each once, none lost
    assert len(limits.refused) == 1  # paced after the one 429: no row asked too early again
    with session_scope(engine) as session:
        statuses = session.execute(select(OutboxMessage.status)).scalars().all()
    assert statuses and set(statuses) == {"sent"}


def test_the_clock_queues_every_workspace_first_post_before_anyone_second(engine) -> None:
    clean(engine)
    with session_scope(engine) as session:
        for team, members in (("T0AAA", '"U0A1", "U0A2", "U0A3"'), ("T0BBB", '"U0B1", "U0B2"')):
            sync_setup(session, parse_setup(TEAM.format(team=team, members=members)), now=NOW)
    assert clock_tick(engine, now=MONDAY_0800) == ["3 påminnelser för 2026-W47", "2 påminnelser för 2026-W47"]
    with session_scope(engine) as session:
        users = [json.loads(body)["user"] for body in session.execute(
            select(OutboxMessage.body).order_by(OutboxMessage.due_at, OutboxMessage.id)).scalars()]
    assert users == ["U0A1", "U0B1", "U0A2", "U0B2", "U0A3"]  # A's three do not queue ahead of B's first
    assert clock_tick(engine, now=MONDAY_0800 + timedelta(minutes=1)) == []  # claimed once


def test_a_reminder_whose_post_was_rate_limited_does_not_open_its_dm_again(two_teams) -> None:
    engine, seconds = two_teams, [0.0]
    limits = RateLimits({"chat.postMessage": Limit(per_minute=6)}, clock=lambda: seconds[0])  # one post per 10 s
    with FakeSlack(limits=limits) as fake:
        worker(engine, fake, "one", batch=2).run_once(now=MONDAY_0800)  # A1 posted; A2's DM opened, post refused
        assert [c.args["users"] for c in fake.calls_to("conversations.open")] == ["U0A1", "U0A2"]
        seconds[0] = 10.0  # another process takes A2 up: it posts in the DM opened before
        worker(engine, fake, "two", batch=2).run_once(now=MONDAY_0800 + timedelta(seconds=10))  # B1, A2
    assert [c.args["users"] for c in fake.calls_to("conversations.open")] == ["U0A1", "U0A2", "U0B1"]
    assert reminded(fake) == ["DU0A1", "DU0B1", "DU0A2"]
