"""ack: a signed `/lage Vällingby 3` through the real app vs a bare Bolt app that upserts one row (the floor);
and, in the same run, report → alert: `/handelse … skjutning` until its chat.postMessage reaches Slack."""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import SECRET, TEAM, Result, database, percentile, pg_available, setup_toml
from bench.common import ms as fmt

TARGET_RATIO = 1.5
WARMUP = 200
ALERTS, ALERT_WARMUP, ALERT_TARGET = 40, 3, 0.050
TEXT = "Vällingby {level}"  # the level alternates 2, 3, 2 …: every report changes the cell (a repeat writes no audit)


def _authorize(**_kwargs):
    from slack_bolt.authorization import AuthorizeResult

    return AuthorizeResult(enterprise_id=None, team_id=TEAM, bot_user_id="UBOT", bot_id="B0BENCH",
                           bot_token="xoxb-bench")


def floor_app(engine):
    """The least a slash command can do: verify the signature, upsert one row, ack."""
    from slack_bolt import App
    from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, UniqueConstraint
    from sqlalchemy.dialects import postgresql, sqlite

    metadata = MetaData()
    cells = Table("bench_ack_floor", metadata, Column("id", Integer, primary_key=True),
                  Column("team", String(32), nullable=False), Column("user_id", String(32), nullable=False),
                  Column("level", Integer, nullable=False), Column("at", DateTime(timezone=True), nullable=False),
                  UniqueConstraint("team", "user_id"))
    metadata.create_all(engine)
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    app = App(process_before_response=True, signing_secret=SECRET, authorize=_authorize,
              logger=logging.getLogger("bench.floor"))

    @app.command("/lage")
    def lage(ack, body) -> None:
        statement = dialect.insert(cells).values(team=body["team_id"], user_id=body["user_id"], level=3,
                                                 at=datetime.now(UTC))
        statement = statement.on_conflict_do_update(index_elements=["team", "user_id"],
                                                    set_={"level": statement.excluded.level,
                                                          "at": statement.excluded.at})
        with engine.begin() as connection:
            connection.execute(statement)
        ack(f"Sparat: {body['text']}")

    return app


def real_app(engine, api_url: str):
    """The production factory on a synced collaboration."""
    from bot.settings import Settings
    from bot.slack.app import create_app
    from commands.setup.file import parse_setup
    from commands.setup.sync import sync_setup
    from storage.db import session_scope

    with session_scope(engine) as session:
        sync_setup(session, parse_setup(setup_toml(4, 3, 2)), now=datetime.now(UTC))
    settings = Settings(signing_secret=SECRET, slack_api_url=api_url)
    return create_app(settings, engine=engine, authorize=_authorize, logger=logging.getLogger("bench.real"))


def signed(count: int) -> list[tuple[str, dict]]:
    """`count` signed slash-command bodies from one member (signed now; valid for five minutes)."""
    from urllib.parse import urlencode

    from slack_sdk.signature import SignatureVerifier

    verifier = SignatureVerifier(SECRET)
    out = []
    for n in range(count):
        body = urlencode({"token": "unused", "team_id": TEAM, "team_domain": "bench", "channel_id": "C0BENCH",
                          "channel_name": "bench", "user_id": "U0P00M000", "user_name": "bench",
                          "command": "/lage", "text": TEXT.format(level=2 + n % 2), "api_app_id": "A0BENCH",
                          "response_url": "http://127.0.0.1:9/unused", "trigger_id": f"{n}.1.bench"})
        stamp = str(int(time.time()))
        out.append((body, {"content-type": ["application/x-www-form-urlencoded"],
                           "x-slack-request-timestamp": [stamp],
                           "x-slack-signature": [verifier.generate_signature(timestamp=stamp, body=body)]}))
    return out


def timed(app, request: tuple[str, dict]) -> float:
    """One request through Bolt (BoltRequest parsing, signature, middleware, listener, ack)."""
    from slack_bolt import BoltRequest

    body, headers = request
    start = time.perf_counter()
    response = app.dispatch(BoltRequest(body=body, headers=headers))
    elapsed = time.perf_counter() - start
    if response.status != 200 or "Sparat" not in (response.body or ""):
        raise RuntimeError(f"unexpected answer {response.status}: {response.body[:300]}")
    return elapsed


def stamped_fake():
    """A fake Slack that notes when each chat.postMessage arrives."""
    from tests.fake_slack import FakeSlack

    class Stamped(FakeSlack):
        def __init__(self) -> None:
            super().__init__()
            self.posted, self.posted_at = threading.Event(), 0.0

        def _record(self, h):
            call = super()._record(h)
            if call.method == "chat.postMessage":
                self.posted_at = time.perf_counter()
                self.posted.set()
            return call

    return Stamped()


def alert_latency(engine, fake, count: int) -> list[float]:
    """Report → alert: a signed `/handelse Vällingby skjutning` through the production app, whose commit wakes
    the production delivery thread (`notify` → `OutboxThread.wake`); seconds from the request until the
    alert's chat.postMessage reaches Slack, with the outbox idle before each report."""
    from urllib.parse import urlencode

    from slack_bolt import BoltRequest
    from slack_sdk.signature import SignatureVerifier
    from sqlalchemy import update

    from bot.jobs.outbox_worker import Deliverer, OutboxThread, outbox_client
    from bot.settings import Settings
    from bot.slack.app import create_app, utc_now
    from storage.db import session_scope
    from storage.models import Workspace

    with session_scope(engine) as session:
        session.execute(update(Workspace).values(alert_channel="C0ALERTS"))
    thread = OutboxThread(Deliverer(engine, outbox_client("xoxb-bench", fake.url), clock=utc_now)).start()
    app = create_app(Settings(signing_secret=SECRET, slack_api_url=fake.url), engine=engine, authorize=_authorize,
                     logger=logging.getLogger("bench.alert"), notify=thread.wake)
    verifier, samples = SignatureVerifier(SECRET), []
    try:
        for n in range(ALERT_WARMUP + count):
            body = urlencode({"team_id": TEAM, "channel_id": "C0BENCH", "user_id": "U0P00M000", "command": "/handelse",
                              "text": f"Vällingby skjutning larm nummer {n}", "api_app_id": "A0BENCH",
                              "response_url": "http://127.0.0.1:9/unused", "trigger_id": f"{n}.2.alert"})
            stamp = str(int(time.time()))
            headers = {"content-type": ["application/x-www-form-urlencoded"], "x-slack-request-timestamp": [stamp],
                       "x-slack-signature": [verifier.generate_signature(timestamp=stamp, body=body)]}
            fake.posted.clear()
            start = time.perf_counter()
            response = app.dispatch(BoltRequest(body=body, headers=headers))
            if response.status != 200 or not fake.posted.wait(10):
                raise RuntimeError(f"no alert for report {n}: {response.status} {response.body[:300]}")
            if n >= ALERT_WARMUP:
                samples.append(fake.posted_at - start)
            time.sleep(1.05)  # idle: Slack's one post a second in the alert channel has passed, nothing is due
    finally:
        thread.stop()
    return samples


def measure(backend: str, count: int, workdir: Path) -> list[Result]:
    """Warm both apps up, then alternate them request by request so drift hits both alike; then, in the
    same run, report → alert with the delivery thread."""
    from storage import migrate
    from storage.db import make_engine

    with database(backend, "ack", workdir) as url, stamped_fake() as fake:
        engine = make_engine(url)
        migrate.upgrade(engine)
        apps = {"floor": floor_app(engine), "real": real_app(engine, fake.url)}
        requests = signed(WARMUP + count)
        samples: dict[str, list[float]] = {"floor": [], "real": []}
        for n, request in enumerate(requests):
            for name, app in apps.items():
                elapsed = timed(app, request)
                if n >= WARMUP:
                    samples[name].append(elapsed)
        alerts = alert_latency(engine, fake, ALERTS)
        engine.dispose()
    floor, real = samples["floor"], samples["real"]
    p50 = (percentile(floor, 50), percentile(real, 50))
    p99 = (percentile(floor, 99), percentile(real, 99))
    ratio50, ratio99 = p50[1] / p50[0], p99[1] / p99[0]
    label = "SQLite file, WAL" if backend == "sqlite" else "PostgreSQL"
    alert50, alert99 = percentile(alerts, 50), percentile(alerts, 99)
    return [
        Result("ack", f"{label}: report → alert chat.postMessage p50", fmt(alert50), fmt(p50[0]),
               f"≤ {fmt(ALERT_TARGET)}", alert50 <= ALERT_TARGET, f"p99 {fmt(alert99)}, {len(alerts)} reports, "
               "idle outbox, floor column: the ack floor of this run"),
        Result("ack", f"{label}: p50", fmt(p50[1]), fmt(p50[0]), "", None, f"{count} requests"),
        Result("ack", f"{label}: p99", fmt(p99[1]), fmt(p99[0]), "", None),
        Result("ack", f"{label}: ratio real/floor p50", f"{ratio50:.2f}×", "1.00×", f"≤ {TARGET_RATIO}×",
               ratio50 <= TARGET_RATIO),
        Result("ack", f"{label}: ratio real/floor p99", f"{ratio99:.2f}×", "1.00×", f"≤ {TARGET_RATIO}×",
               ratio99 <= TARGET_RATIO),
    ]


def run(quick: bool = False) -> list[Result]:
    """Both backends (PostgreSQL only when it answers)."""
    count = 300 if quick else 2000  # enough samples for a p99 that is not one outlier
    results = []
    with tempfile.TemporaryDirectory(prefix="vl-bench-ack-") as tmp:
        results += measure("sqlite", count, Path(tmp))
        problem = pg_available()
        if problem:
            results.append(Result("ack", "PostgreSQL", "not available", note=problem))
        else:
            results += measure("postgresql", count, Path(tmp))
    return results
