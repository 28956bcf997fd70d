"""burst (PostgreSQL): every municipality's Monday at once — 1,000 workspaces whose summary and reminders fall
due in the same minute, claimed by one clock tick and delivered by 1, 2 and 4 delivery processes against a
fake Slack that enforces Slack's limits; the time to the last delivery against the floor those limits allow.

The floor: each limit is a token bucket (tests/fake_slack_limits.py), so `n` calls on one key take at least
`(n - burst) × interval`; keys are independent, so the burst takes at least the longest of them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bench.common import AREAS, PARTNERS, ROOT, Result, pg_available, pg_database, server_env
from bench.common import ms as fmt

WORKSPACES = 1000
PARTNERS_PER = int(os.environ.get("BURST_PARTNERS", 2))  # × MEMBERS_PER members = the reminders per workspace (all partners still to report)
MEMBERS_PER = 2
PROCESSES = (1, 2, 4)
MONDAY = datetime(2026, 11, 23, 8, tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(UTC)  # week 48
TARGET_RATIO = 1.2
TARGET_TICK = 1.0


def limits_config():
    """The limits the fake enforces (see docs/performance.md for why these numbers)."""
    from tests.fake_slack_limits import Limit

    methods = {"conversations.open": Limit(per_minute=float(os.environ.get("BURST_OPEN_PER_MINUTE", 1.5))),
               "chat.postMessage": Limit(per_minute=float(os.environ.get("BURST_POST_PER_MINUTE", 30)))}
    return methods, Limit(per_minute=60)  # one post a second per channel


def floor_seconds(reminders: int) -> float:
    """The least time one workspace's Monday can take under the limits (all workspaces are alike)."""
    methods, channel = limits_config()
    return max(methods["conversations.open"].floor(reminders), methods["chat.postMessage"].floor(reminders + 1),
               channel.floor(1))


def team_toml(n: int) -> str:
    """One collaboration: 4 areas, PARTNERS_PER partners of MEMBERS_PER members, default schedule."""
    lines = [f'team_id = "T{n:06d}"', f'summary_channel = "C{n:06d}S"', f'alert_channel = "C{n:06d}A"',
             f'coordinators = ["U{n:06d}C"]', "areas = [" + ", ".join(f'"{a}"' for a in AREAS[:4]) + "]"]
    for p in range(PARTNERS_PER):
        members = ", ".join(f'"U{n:06d}P{p}M{m}"' for m in range(MEMBERS_PER))
        lines += ["[[partner]]", f'name = "{PARTNERS[p]}"', f"members = [{members}]"]
    return "\n".join(lines)


def fill(url: str, workspaces: int) -> float:
    """Migrate and set up the collaborations (two weeks before the Monday); seconds spent."""
    from commands.setup.file import parse_setup
    from commands.setup.sync import sync_setup
    from storage import migrate
    from storage.db import make_engine, session_scope

    start = time.perf_counter()
    engine = make_engine(url)
    migrate.upgrade(engine)
    for first in range(0, workspaces, 100):
        with session_scope(engine) as session:
            for n in range(first, min(first + 100, workspaces)):
                sync_setup(session, parse_setup(team_toml(n)), now=MONDAY - timedelta(days=14))
    engine.dispose()
    return time.perf_counter() - start


def tick(engine, at: datetime) -> tuple[float, int]:
    """One clock tick: seconds, and how many posts it claimed."""
    from bot.jobs.clock import clock_tick

    start = time.perf_counter()
    claimed = clock_tick(engine, now=at)
    return time.perf_counter() - start, len(claimed)


class Timed:
    """The fake's limits, remembering when each accepted call arrived."""

    def __init__(self) -> None:
        from tests.fake_slack_limits import RateLimits

        methods, channel = limits_config()
        self.limits = RateLimits(methods, channel)
        self.accepted: list[tuple[float, object]] = []
        self.refused: list[tuple[float, object]] = []
        check = self.limits.check

        def timed(call):
            answer = check(call)
            (self.accepted if answer is None else self.refused).append((time.monotonic(), call))
            return answer

        self.limits.check = timed


def deliver(url: str, processes: int, reminders: int, workdir) -> dict:
    """Claim the Monday with one tick, then deliver it with `processes` worker processes; the figures."""
    from sqlalchemy import func, select

    from storage.db import make_engine, session_scope
    from storage.models import OutboxMessage
    from tests.fake_slack import FakeSlack

    engine = make_engine(url)
    with session_scope(engine) as session:
        session.execute(OutboxMessage.__table__.delete())
    timed = Timed()
    with FakeSlack(limits=timed.limits) as fake:
        workers = []
        for n in range(processes):
            log = (workdir / f"burst-{processes}-{n}.log").open("wb")
            proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "burst_worker.py"), url, fake.url, f"w{n}"],
                                    env=server_env(), stdout=subprocess.PIPE, stderr=log, start_new_session=True)
            workers.append((proc, log))
        for proc, _ in workers:
            if proc.stdout.readline().strip() != b"ready":
                raise RuntimeError(f"a delivery process did not start (see {workdir})")
        seconds, claimed = tick(engine, MONDAY)
        start = time.monotonic()
        limit = start + 10 * floor_seconds(reminders) + 120
        open_rows = None
        while time.monotonic() < limit:
            with session_scope(engine) as session:
                open_rows = session.execute(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.status.in_(("pending", "sending")))).scalar_one()
            if open_rows == 0:
                break
            time.sleep(0.2)
        for proc, _log in workers:
            proc.send_signal(signal.SIGTERM)
        for proc, log in workers:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
            log.close()
    with session_scope(engine) as session:
        rows = session.execute(select(OutboxMessage.key, OutboxMessage.kind, OutboxMessage.status)).all()
    engine.dispose()
    posted = Counter(call.args["metadata"]["event_payload"]["key"] for _, call in timed.accepted
                     if call.method == "chat.postMessage")
    wanted = {key for key, kind, _ in rows if kind in ("summary.post", "reminder.dm")}
    last = max((at for at, call in timed.accepted if call.method == "chat.postMessage"), default=start)
    return {"tick": seconds, "claimed": claimed, "wanted": len(wanted), "took": last - start,
            "refused": len(timed.limits.refused), "duplicates": sum(n - 1 for n in posted.values() if n > 1),
            "lost": len(wanted - set(posted)), "unfinished": open_rows,
            "failed": sum(1 for *_, status in rows if status == "failed")}


def run(quick: bool = False) -> list[Result]:
    """Fill once, then one delivery run per process count; and the clock tick's cost."""
    import tempfile
    from pathlib import Path

    from storage.db import make_engine

    problem = pg_available()
    if problem:
        return [Result("burst", "PostgreSQL", "not available", note=problem)]
    workspaces = int(os.environ.get("BURST_WORKSPACES", 200 if quick else WORKSPACES))
    reminders = PARTNERS_PER * MEMBERS_PER
    floor = floor_seconds(reminders)
    results = []
    with pg_database("burst") as url, tempfile.TemporaryDirectory(prefix="vl-bench-burst-") as tmp:
        filled = fill(url, workspaces)
        engine = make_engine(url)
        purge_tick, _ = tick(engine, MONDAY - timedelta(minutes=1))  # the day's first tick: retention runs
        engine.dispose()
        runs = {n: deliver(url, n, reminders, Path(tmp)) for n in PROCESSES}
        engine = make_engine(url)
        idle_tick, again = tick(engine, MONDAY + timedelta(minutes=1))  # all claimed already
        engine.dispose()
    first = runs[PROCESSES[0]]
    results.append(Result("burst", "set-up", f"{workspaces} workspaces", note=(
        f"{first['wanted']} posts: 1 summary + {reminders} reminder DMs each; filled in {filled:.0f} s")))
    ticks = [r["tick"] for r in runs.values()]
    results.append(Result("burst", "clock tick 08:00 (claims everything)", fmt(max(ticks)), "",
                          f"≤ {TARGET_TICK:.0f} s", max(ticks) <= TARGET_TICK,
                          f"{first['claimed']} lines claimed; runs: " + ", ".join(fmt(t) for t in ticks)))
    results.append(Result("burst", "clock tick 08:01 (nothing new)", fmt(idle_tick), "", f"≤ {TARGET_TICK:.0f} s",
                          idle_tick <= TARGET_TICK, f"{again} claimed"))
    results.append(Result("burst", "clock tick 07:59 (daily retention, nothing due)", fmt(purge_tick)))
    for n, r in runs.items():
        ratio = r["took"] / floor
        ok = r["duplicates"] == 0 and r["lost"] == 0 and (n != max(PROCESSES) or ratio <= TARGET_RATIO)
        results.append(Result("burst", f"{n} delivery process{'es' if n > 1 else ''}: last delivery",
                              f"{r['took']:.1f} s = {ratio:.2f}× floor", f"{floor:.0f} s",
                              f"≤ {TARGET_RATIO}× (4 processes)" if n == max(PROCESSES) else "", ok,
                              f"429s {r['refused']}, duplicates {r['duplicates']}, lost {r['lost']}, "
                              f"failed {r['failed']}, unfinished {r['unfinished']}"))
    print(json.dumps({str(k): v for k, v in runs.items()}), flush=True)
    return results
