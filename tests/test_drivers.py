"""The parts that deliver in production, run as they run there: the outbox thread woken by the app after
a commit, and the APScheduler clock waking it. Nothing here calls `run_once` or `clock_tick` by hand;
every wait is on a condition (the fake Slack's), with a timeout. (The processes: test_processes.py.)"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select, update

from bot.jobs.clock import TIMEZONE, schedule
from bot.jobs.outbox_worker import Deliverer, OutboxThread, Policy, outbox_client
from bot.settings import Settings
from bot.slack.app import create_app
from storage.db import session_scope
from storage.models import OutboxMessage, Workspace
from tests import slack_harness as h
from tests.conftest import NOW

fake_slack = h.fake_slack
MON_W49 = datetime.fromisoformat("2026-11-30T07:00:00+00:00")  # Monday 08:00 Stockholm: week 48's summary


class RunningClock:
    """Injected time that runs: it starts at `at` and goes on at the real pace (threads wait in real time)."""

    def __init__(self, at: datetime) -> None:
        self.at, self.started = at, time.monotonic()

    def __call__(self) -> datetime:
        return self.at + timedelta(seconds=time.monotonic() - self.started)


def delivering(engine, fake, clock: RunningClock, **policy) -> OutboxThread:
    """The production outbox thread; it sleeps an hour unless woken or a row falls due."""
    fake.clock = clock
    deliverer = Deliverer(engine, outbox_client("xoxb-test", fake.url), clock=clock, policy=Policy(**policy))
    return OutboxThread(deliverer, idle_seconds=3600).start()


def top_level(fake, channel: str) -> list[dict]:
    return [m for m in fake.channel(channel) if "thread_ts" not in m]


def report(engine, fake, clock, thread: OutboxThread, line: str = "Vällingby skjutning skott mot port") -> None:
    """A signed /handelse into the production app, which wakes the thread after its commit."""
    app = create_app(Settings(signing_secret=h.SECRET, slack_api_url=fake.url), engine=engine, clock=clock,
                     authorize=h.authorize, notify=thread.wake)
    body = h.slash_body("/handelse", line, trigger_id=f"T-{line}")
    assert h.dispatch(app, body, h.signed_headers(body)).status == 200


def test_an_alert_reported_in_slack_reaches_the_alert_channel_on_its_own(engine, workspace_id, fake_slack) -> None:
    clock = RunningClock(NOW)
    thread = delivering(engine, fake_slack, clock)
    try:
        report(engine, fake_slack, clock, thread)
        fake_slack.wait_for(lambda f: top_level(f, "C0ALERTS"), timeout=10)
    finally:
        thread.stop()
    (alert,) = top_level(fake_slack, "C0ALERTS")
    with session_scope(engine) as session:
        row = session.execute(select(OutboxMessage).where(OutboxMessage.kind == "alert.post")).scalar_one()
    assert "Skjutning i Vällingby" in alert["text"] and alert["metadata"]["event_payload"]["key"] == row.key
    assert row.status == "sent" and row.ts == alert["ts"]


def test_a_refused_post_is_retried_by_the_thread_when_it_falls_due(engine, workspace_id, fake_slack) -> None:
    clock = RunningClock(NOW)
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    thread = delivering(engine, fake_slack, clock, base_delay=timedelta(seconds=1))
    try:
        report(engine, fake_slack, clock, thread)
        fake_slack.wait_for(lambda f: top_level(f, "C0ALERTS"), timeout=10)
    finally:
        thread.stop()
    assert len(fake_slack.calls_to("chat.postMessage")) == 2 and len(top_level(fake_slack, "C0ALERTS")) == 1


def test_the_scheduler_claims_the_monday_summary_and_the_thread_posts_it(engine, workspace_id, fake_slack) -> None:
    with session_scope(engine) as session:
        session.execute(update(Workspace).values(reminder_slots=""))
    clock = RunningClock(MON_W49)
    thread = delivering(engine, fake_slack, clock)
    scheduler = BackgroundScheduler(timezone=TIMEZONE)
    schedule(scheduler, engine, None, clock=clock, after=thread.wake)
    scheduler.start()
    try:
        fake_slack.wait_for(lambda f: top_level(f, "C0SUMMARY"), timeout=15)
    finally:
        scheduler.shutdown(wait=True)
        thread.stop()
    (summary,) = top_level(fake_slack, "C0SUMMARY")
    assert "vecka 48" in summary["text"]
