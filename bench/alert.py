"""alert: a signed `/handelse Vällingby skjutning` acked by the real app → its chat.postMessage at the fake Slack,
delivered by the production outbox thread (woken by the app after the commit) with an idle outbox.

The floor, in the same run: one bare chat.postMessage from the same client to the same fake Slack. Reports
are spaced two seconds apart on the injected clock, so Slack's one message a second per channel never waits.
"""

from __future__ import annotations

import logging
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import COORDINATOR, SECRET, TEAM, Result, database, percentile, pg_available, setup_toml
from bench.common import ms as fmt

TARGET = 0.050  # p50 ≤ 50 ms
WARMUP = 5


class SteppedClock:
    """The real time plus an offset the benchmark moves on between reports."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


def _authorize(**_kwargs):
    from slack_bolt.authorization import AuthorizeResult

    return AuthorizeResult(enterprise_id=None, team_id=TEAM, bot_user_id="UBOT", bot_id="B0BENCH",
                           bot_token="xoxb-bench")


def _report(n: int) -> tuple[str, dict]:
    from urllib.parse import urlencode

    from slack_sdk.signature import SignatureVerifier

    body = urlencode({"token": "unused", "team_id": TEAM, "team_domain": "bench", "channel_id": "C0BENCH",
                      "channel_name": "bench", "user_id": "U0P00M000", "user_name": "bench", "command": "/handelse",
                      "text": f"Vällingby skjutning nummer {n}", "api_app_id": "A0BENCH",
                      "response_url": "http://127.0.0.1:9/unused", "trigger_id": f"{n}.1.alert"})
    stamp = str(int(time.time()))
    return body, {"content-type": ["application/x-www-form-urlencoded"], "x-slack-request-timestamp": [stamp],
                  "x-slack-signature": [SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)]}


def measure(backend: str, count: int, workdir: Path) -> list[Result]:
    from slack_bolt import BoltRequest

    from bot.app import create_app
    from bot.outbox_worker import Deliverer, OutboxThread, outbox_client
    from bot.settings import Settings
    from commands.setup_file import parse_setup
    from commands.setup_sync import sync_setup
    from storage import migrate
    from storage.db import make_engine, session_scope
    from tests.fake_slack import FakeSlack

    with database(backend, "alert", workdir) as url, FakeSlack() as fake:
        engine = make_engine(url)
        migrate.upgrade(engine)
        clock = SteppedClock()
        toml = setup_toml(4, 3, 2).replace(f'coordinators = ["{COORDINATOR}"]',
                                           f'alert_channel = "C0ALERTS"\ncoordinators = ["{COORDINATOR}"]')
        with session_scope(engine) as session:
            sync_setup(session, parse_setup(toml), now=clock())
        client = outbox_client("xoxb-bench", fake.url)
        thread = OutboxThread(Deliverer(engine, client, clock=clock), idle_seconds=3600).start()
        app = create_app(Settings(signing_secret=SECRET, slack_api_url=fake.url), engine=engine, clock=clock,
                         authorize=_authorize, notify=thread.wake, logger=logging.getLogger("bench.alert"))
        latency, floor = [], []
        try:
            for n in range(WARMUP + count):
                clock.offset += timedelta(seconds=2)
                request = _report(n)
                response = app.dispatch(BoltRequest(body=request[0], headers=request[1]))
                acked = time.perf_counter()
                if response.status != 200 or "registrerad" not in (response.body or ""):
                    raise RuntimeError(f"unexpected answer {response.status}: {(response.body or '')[:300]}")
                fake.wait_for(lambda f, n=n: len(f.calls_to("chat.postMessage")) > 2 * n, timeout=10)
                posted = time.perf_counter()
                start = time.perf_counter()
                client.chat_postMessage(channel="C0FLOOR", text="floor")
                done = time.perf_counter()
                if n >= WARMUP:
                    latency.append(posted - acked)
                    floor.append(done - start)
        finally:
            thread.stop()
            engine.dispose()
    label = "SQLite file, WAL" if backend == "sqlite" else "PostgreSQL"
    p50, p99 = percentile(latency, 50), percentile(latency, 99)
    return [
        Result("alert", f"{label}: ack → chat.postMessage p50", fmt(p50), fmt(percentile(floor, 50)),
               f"≤ {fmt(TARGET)}", p50 <= TARGET, f"{count} reports, idle outbox"),
        Result("alert", f"{label}: ack → chat.postMessage p99", fmt(p99), fmt(percentile(floor, 99))),
    ]


def run(quick: bool = False) -> list[Result]:
    """Both backends (PostgreSQL only when it answers)."""
    count = 50 if quick else 300
    results = []
    with tempfile.TemporaryDirectory(prefix="vl-bench-alert-") as tmp:
        results += measure("sqlite", count, Path(tmp))
        problem = pg_available()
        if problem:
            results.append(Result("alert", "PostgreSQL", "not available", note=problem))
        else:
            results += measure("postgresql", count, Path(tmp))
    return results
