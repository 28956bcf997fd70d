"""Two `post-summary` (or `/veckolage publicera`) for a new week at the same moment: one claims the post,
the other is told it is already on its way — never that the week ended before set-up."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from bot.console.render import plain
from commands.core.weeks import Week
from commands.rhythm.summary import SummaryError, publish_summary, summary_key
from storage.db import session_scope
from storage.models import OutboxMessage, Workspace
from tests.conftest import NOW

WEEK = Week(2026, 47)  # the week of NOW, after the collaboration was set up
WAIT = 10  # generous: only so that a stuck thread fails the test instead of hanging it


def wait_until_blocked(engine, pid: int) -> None:
    """PostgreSQL: until the backend `pid` waits for a lock (the other insert of the same key)."""
    deadline = time.monotonic() + WAIT
    with engine.connect() as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"),
                                      {"pid": pid}).scalar()
            watcher.rollback()
            if waiting == "Lock":
                return
            time.sleep(0.01)
    pytest.fail("the second publish never reached the claim")


def test_the_second_of_two_simultaneous_publishes_says_the_summary_is_on_its_way(engine, workspace_id):
    outcome: dict[str, object] = {}
    first = Session(engine, expire_on_commit=False)
    workspace = first.get(Workspace, workspace_id)
    outcome["first"] = publish_summary(first, workspace, WEEK, actor="cli", now=NOW)  # claimed, not committed
    second_pid: list[int] = []

    def second() -> None:
        try:
            with session_scope(engine) as session:
                if engine.dialect.name == "postgresql":
                    second_pid.append(session.execute(text("SELECT pg_backend_pid()")).scalar())
                other = session.get(Workspace, workspace_id)
                outcome["second"] = publish_summary(session, other, WEEK, actor="cli", now=NOW)
        except SummaryError as error:
            outcome["second"] = error

    if engine.dialect.name == "postgresql":  # both read "not posted yet"; the second's claim waits for the first
        thread = threading.Thread(target=second)
        thread.start()
        while not second_pid and thread.is_alive():
            time.sleep(0.001)
        wait_until_blocked(engine, second_pid[0])
        first.commit()
        thread.join(WAIT)
        assert not thread.is_alive()
    else:  # SQLite: one writer at a time, the second reads after the first committed
        first.commit()
        second()
    first.close()
    assert plain(outcome["first"]).startswith("Sammanfattningen för vecka 47, 2026 (16–22 nov) publiceras i ")
    assert plain(outcome["second"]).startswith("Sammanfattningen för vecka 47, 2026 (16–22 nov) är redan på väg till ")
    with session_scope(engine) as session:
        key = summary_key(session.get(Workspace, workspace_id), WEEK)
        assert session.execute(select(func.count()).select_from(OutboxMessage)
                               .where(OutboxMessage.key == key)).scalar_one() == 1
