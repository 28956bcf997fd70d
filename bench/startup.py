"""startup: `python -m bot serve` to the first 200 on /healthz, its memory, and what importing the bot pulls in."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import Result, Serve, memory_kb, server_env, setup_toml
from bench.common import ms as fmt

TARGET_SECONDS, TARGET_MB = 1.5, 150
HEAVY = ("matplotlib", "openpyxl", "numpy", "PIL", "pandas", "apscheduler", "alembic", "psycopg", "gunicorn",
         "slack_sdk", "slack_bolt", "sqlalchemy", "sqlmodel", "pydantic", "holidays", "tabulate")
PROBE = """
import json, sys, time
start = time.perf_counter()
import bot.slack.app, bot.slack.listeners, bot.http
elapsed = time.perf_counter() - start
tops = {}
for name in sys.modules:
    tops[name.split(".")[0]] = tops.get(name.split(".")[0], 0) + 1
print(json.dumps({"seconds": elapsed, "modules": len(sys.modules), "packages": tops}))
"""


def imports() -> list[Result]:
    """Import the Slack side in a fresh interpreter and see which heavy packages came along."""
    from bench.common import ROOT

    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=server_env(), capture_output=True, text=True,
                         timeout=60, check=True)
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    packages = probe["packages"]
    loaded = [f"{name} ({packages[name]})" for name in HEAVY if name in packages]
    drawing = [name for name in ("matplotlib", "openpyxl", "numpy", "PIL") if name in packages]
    return [
        Result("startup", "import bot.slack.app, bot.slack.listeners, bot.http", fmt(probe["seconds"]),
               note=f"{probe['modules']} modules"),
        Result("startup", "matplotlib / openpyxl imported at start", ", ".join(drawing) or "neither",
               target="neither", ok=not drawing),
        Result("startup", "heavy packages imported at start", f"{len(loaded)} of {len(HEAVY)} watched",
               note=", ".join(loaded) + " (modules each)"),
    ]


def run(quick: bool = False) -> list[Result]:
    """A fresh SQLite database (the first start migrates), then restarts on the migrated one."""
    from tests.fake_slack import FakeSlack

    starts = 2 if quick else 4
    results = []
    with tempfile.TemporaryDirectory(prefix="vl-bench-startup-") as tmp, FakeSlack() as fake:
        workdir = Path(tmp)
        config = workdir / "veckolage.toml"
        config.write_text(setup_toml(15, 10, 20), encoding="utf-8")
        url = f"sqlite:///{workdir / 'startup.db'}"
        times, memory = [], {}
        for n in range(starts):
            with Serve(workdir, database_url=url, config=config, api_url=fake.url, log_level="INFO") as server:
                times.append(server.wait_healthy(60))
                if n == starts - 1:
                    pids = server.pids()
                    memory = {pid: (memory_kb(pid), memory_kb(pid, "Pss")) for pid in pids}
        warm = sorted(times[1:])
        median = warm[len(warm) // 2]
        results.append(Result("startup", "first start, empty database (migrates)", fmt(times[0]),
                              target=f"< {TARGET_SECONDS} s", ok=times[0] < TARGET_SECONDS))
        results.append(Result("startup", "restart, migrated database (median)", fmt(median),
                              target=f"< {TARGET_SECONDS} s", ok=median < TARGET_SECONDS,
                              note=", ".join(fmt(t) for t in times[1:])))
        rss = sum(r for r, _ in memory.values()) / 1024
        pss = sum(p for _, p in memory.values()) / 1024
        parts = " + ".join(f"{r / 1024:.0f}" for r, _ in memory.values())
        results.append(Result("startup", "RSS master + worker (VmRSS sum)", f"{rss:.0f} MB",
                              target=f"< {TARGET_MB} MB", ok=rss < TARGET_MB,
                              note=f"{parts} MB; PSS (shared pages counted once) {pss:.0f} MB"))
    return results + imports()
