"""The clock: one APScheduler job a minute that claims what is due (summaries, reminders).

The database is the source of truth: the job keeps no state, so a restart catches up a missed
Monday in the same week, and two clock processes by mistake still post once (unique claims).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from commands.rhythm.schedule import tick
from storage.db import session_scope

log = logging.getLogger("veckolage.clock")
TIMEZONE = "Europe/Stockholm"


def clock_tick(engine: Engine, config_path: str | None = None, *, now: datetime) -> list[str]:
    """One round: claim every post that is due (the schedule is read from the database each time,
    so a change made with /lagesadmin applies from the next minute)."""
    with session_scope(engine) as session:
        return tick(session, now=now)


def schedule(scheduler: BaseScheduler, engine: Engine, config_path: str | None, *,
             clock: Callable[[], datetime], after: Callable[[], None]) -> None:
    """Add the minute job (first run at once, so downtime is caught up at start)."""

    def job() -> None:
        try:
            clock_tick(engine, config_path, now=clock())
        finally:
            after()  # wake the outbox: what was claimed goes out now

    # The scheduler runs on the real clock (its first run "now" is its now, not the injected `clock`,
    # which only says what is due: a test clock far from the real time would make the run "missed").
    scheduler.add_job(job, IntervalTrigger(minutes=1, timezone=TIMEZONE), id="veckolage-tick",
                      next_run_time=datetime.now(UTC), max_instances=1, coalesce=True, replace_existing=True)
