"""load: 200 members × 15 signed ratings against a real `python -m bot serve`, then count every row.

Member i of partner p rates all 15 areas for week i+1 of last year, so every request writes its own
(partner, area, week) cell: 3000 requests must leave exactly 3000 ratings and 3000 `rating.set` audit rows.
"""

from __future__ import annotations

import http.client
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from bench import common
from bench.common import (
    Result,
    Serve,
    database,
    member_id,
    on_both_backends,
    percentile,
    setup_toml,
)
from bench.common import ms as fmt

AREAS, PARTNERS, MEMBERS = 15, 10, 20  # 200 members
THREADS = 32
TIME_LIMIT = 240.0  # seconds for the whole run; requests not started by then count as errors
TARGET_P99 = 0.300
PROBE, PROBE_WEEK = 50, 40  # after counting: 50 requests from one client, in week 40 (no load cell is there)


class Client:
    """One keep-alive connection per thread, signed requests, every latency and failure recorded."""

    def __init__(self, port: int, deadline: float) -> None:
        from slack_sdk.signature import SignatureVerifier

        self.port, self.deadline = port, deadline
        self.verifier = SignatureVerifier(common.SECRET)
        self.local = threading.local()
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def _connection(self) -> http.client.HTTPConnection:
        if getattr(self.local, "connection", None) is None:
            self.local.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return self.local.connection

    def slash(self, user: str, text: str) -> None:
        """POST one signed `/lage` and check that it was saved."""
        if time.monotonic() > self.deadline:
            with self.lock:
                self.errors.append("not sent: time limit")
            return
        body = urlencode({"token": "unused", "team_id": common.TEAM, "team_domain": "bench", "channel_id": "C0BENCH",
                          "channel_name": "bench", "user_id": user, "user_name": user.lower(), "command": "/lage",
                          "text": text, "api_app_id": "A0BENCH", "response_url": "http://127.0.0.1:9/unused",
                          "trigger_id": f"{user}.{text}"})
        stamp = str(int(time.time()))
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": stamp,
                   "X-Slack-Signature": self.verifier.generate_signature(timestamp=stamp, body=body)}
        start = time.perf_counter()
        try:
            connection = self._connection()
            connection.request("POST", "/slack/events", body=body.encode(), headers=headers)
            response = connection.getresponse()
            answer = response.read().decode("utf-8", "replace")
            elapsed = time.perf_counter() - start
            problem = None if response.status == 200 and "Sparat" in answer else f"{response.status}: {answer[:200]}"
        except (OSError, http.client.HTTPException) as error:
            elapsed, problem = time.perf_counter() - start, f"{type(error).__name__}: {error}"
            self.local.connection = None  # a new connection for this thread's next request
        with self.lock:
            self.latencies.append(elapsed)
            if problem:
                self.errors.append(problem)

    def member(self, partner: int, index: int, year: int) -> None:
        """One member's 15 ratings, one per area, all for the member's own week, as fast as possible."""
        for a in range(AREAS):
            self.slash(member_id(partner, index), f"{year}-W{index + 1:02d} {common.AREAS[a]} {1 + (a + index) % 5}")


def count_rows(url: str) -> dict[str, int]:
    """Ratings, distinct cells and rating audit entries after the run."""
    from sqlalchemy import func, select

    from storage.db import make_engine
    from storage.models import AuditEntry, Rating

    engine = make_engine(url)
    with engine.connect() as connection:
        cells = select(Rating.partner_id, Rating.area_id, Rating.iso_year, Rating.iso_week).distinct().subquery()
        counted = {
            "ratings": connection.execute(select(func.count()).select_from(Rating)).scalar_one(),
            "cells": connection.execute(select(func.count()).select_from(cells)).scalar_one(),
            "audit": connection.execute(select(func.count()).select_from(AuditEntry)
                                        .where(AuditEntry.action == "rating.set")).scalar_one(),
        }
    engine.dispose()
    return counted


def measure(backend: str, quick: bool, workdir: Path) -> list[Result]:
    """Start the server, warm it up, run the members, stop it, count."""
    from tests.fake_slack import FakeSlack

    members = [(p, i) for i in range(MEMBERS if not quick else 5) for p in range(PARTNERS)]
    expected = len(members) * AREAS
    label = "SQLite" if backend == "sqlite" else "PostgreSQL"
    config = workdir / f"load-{backend}.toml"
    config.write_text(setup_toml(AREAS, PARTNERS, MEMBERS), encoding="utf-8")
    year = datetime.now(UTC).isocalendar().year - 1
    with database(backend, "load", workdir) as url, FakeSlack() as fake:
        with Serve(workdir, database_url=url, config=config, api_url=fake.url) as server:
            server.wait_healthy(60)
            for n in range(20):  # read-only warm-up: the grid, which writes nothing
                _grid(server.port, member_id(n % PARTNERS, 0))
            client = Client(server.port, time.monotonic() + TIME_LIMIT)
            start = time.perf_counter()
            with ThreadPoolExecutor(THREADS) as pool:
                list(pool.map(lambda m: client.member(m[0], m[1], year), members))
            wall = time.perf_counter() - start
            counted = count_rows(url)
            probe = Client(server.port, time.monotonic() + 60)  # one client alone: the service time
            for n in range(PROBE):
                probe.slash(member_id(n % PARTNERS, 0), f"{year}-W{PROBE_WEEK} {common.AREAS[n // PARTNERS]} 2")
            log = server.log()
    latencies, errors = client.latencies, client.errors
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    lost, duplicated = expected - counted["cells"], counted["ratings"] - counted["cells"]
    logged = sum(1 for line in log.splitlines() if "Traceback" in line or " ERROR " in line)
    example = f"; first: {errors[0][:80]}" if errors else ""
    return [
        Result("load", f"{label}: throughput", f"{len(latencies) / wall:.0f} req/s", note=(
            f"{len(latencies)} requests in {wall:.1f} s, {THREADS} client threads, gunicorn 1 worker × 8 threads")),
        Result("load", f"{label}: latency p50", fmt(p50), fmt(percentile(probe.latencies, 50)), note=(
            f"floor = p50 of {PROBE} requests from a single client (no queueing), "
            f"p99 {fmt(percentile(probe.latencies, 99))}, {len(probe.errors)} errors")),
        Result("load", f"{label}: latency p99", fmt(p99), target="< 300 ms", ok=p99 < TARGET_P99,
               note=f"max {fmt(max(latencies))}"),
        Result("load", f"{label}: errors", str(len(errors)), target="0", ok=not errors,
               note=f"{logged} error lines in the server log{example}"),
        Result("load", f"{label}: ratings stored", f"{counted['ratings']} ({counted['cells']} distinct cells)",
               target=f"{expected}", ok=counted["ratings"] == expected == counted["cells"],
               note=f"lost {lost}, duplicated {duplicated}"),
        Result("load", f"{label}: audit rows (rating.set)", str(counted["audit"]), target=f"{expected}",
               ok=counted["audit"] == expected),
    ]


def _grid(port: int, user: str) -> None:
    """A `/veckolage` request (read-only) through the same signed path, for warming up."""
    from slack_sdk.signature import SignatureVerifier

    body = urlencode({"team_id": common.TEAM, "user_id": user, "command": "/veckolage", "text": "",
                      "channel_id": "C0BENCH", "trigger_id": "warm"})
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": stamp,
               "X-Slack-Signature": SignatureVerifier(common.SECRET).generate_signature(timestamp=stamp, body=body)}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/slack/events", body=body.encode(), headers=headers)
        connection.getresponse().read()
    finally:
        connection.close()


def run(quick: bool = False) -> list[Result]:
    """SQLite, then PostgreSQL when it answers."""
    return on_both_backends("load", measure, quick)
