"""What the benchmarks share: results, percentiles, throw-away databases, set-up files, a running server.

Everything here talks to 127.0.0.1 only, and every loop is bounded in count and in time.
"""

from __future__ import annotations

import http.client
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/run.py` puts bench/ first; the project and tests/ live above it
    sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("VECKOLAGE_BENCH_POSTGRES_URL") or os.environ.get(
    "VECKOLAGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SECRET = "bench-signing-secret"
TEAM = "T0BENCH"
AREAS = ("Vällingby", "Hässelby gård", "Hässelby strand", "Grimsta", "Råcksta", "Blackeberg", "Kälvesta", "Nälsta",
         "Vinsta", "Beckomberga", "Bromma kyrka", "Åkeshov", "Norra Ängby", "Södra Ängby", "Nockeby", "Olovslund",
         "Abrahamsberg", "Stora mossen", "Alvik", "Traneberg", "Ulvsunda", "Johannesfred")
PARTNERS = ("Polisen", "Stadsdelen", "Bostadsbolaget", "Skolan", "Fritidsgården", "Räddningstjänsten", "Kyrkan",
            "Socialtjänsten", "Trygghetsvärdarna", "Föreningarna")
COORDINATOR = "U0COORD"


@dataclass(frozen=True)
class Result:
    """One line of the results table."""

    bench: str
    case: str
    measured: str
    floor: str = ""
    target: str = ""
    ok: bool | None = None  # None: informational, no target
    note: str = ""


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def repeat(action, count: int, warmup: int = 5) -> list[float]:
    """Time `action` `count` times after a warm-up."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def ms(seconds: float) -> str:
    """Seconds as milliseconds for the table."""
    return f"{seconds * 1000:.2f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


def member_id(partner: int, index: int) -> str:
    """A Slack-style user id for member `index` of partner `partner`."""
    return f"U0P{partner:02d}M{index:03d}"


def setup_toml(areas: int, partners: int, members_per_partner: int) -> str:
    """A veckolage.toml with the first `areas` area names and `partners` partners of generated members."""
    lines = [f'coordinators = ["{COORDINATOR}"]', 'admins = ["U0ADMIN"]',
             "areas = [" + ", ".join(f'"{a}"' for a in AREAS[:areas]) + "]", ""]
    for p in range(partners):
        members = ", ".join(f'"{member_id(p, i)}"' for i in range(members_per_partner))
        lines += ["[[partner]]", f'name = "{PARTNERS[p]}"', f"members = [{members}]", ""]
    return "\n".join(lines)


def pg_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_ADMIN_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return None
    except Exception as error:  # any failure means: skip the PostgreSQL rows, say why
        return str(error).splitlines()[0]
    finally:
        engine.dispose()


@contextmanager
def pg_database(label: str) -> Iterator[str]:
    """A fresh PostgreSQL database of our own (dropped afterwards); yields its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"vl_bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def database(backend: str, label: str, directory: Path) -> Iterator[str]:
    """A fresh database URL: a SQLite file in `directory`, or a PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / f'{label}.db'}"
    else:
        with pg_database(label) as url:
            yield url


def free_port() -> int:
    """A port nobody listens on right now (127.0.0.1)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(**values: str) -> dict[str, str]:
    """The environment without Slack, proxy or bot variables, plus `values`."""
    own = ("DATABASE_URL", "VECKOLAGE_CONFIG", "PORT", "HOST", "LOG_LEVEL")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SLACK_") and k not in own and "proxy" not in k.lower()}
    return {**env, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT), **values}


class Serve:
    """`python -m bot serve` as a real process on 127.0.0.1, its log in a file; stopped by its own id."""

    def __init__(self, workdir: Path, *, database_url: str, config: Path, api_url: str, port: int | None = None,
                 log_level: str = "WARNING") -> None:
        self.port = port or free_port()
        self.log_path = workdir / f"serve-{self.port}.log"
        runtime = workdir / "run"
        runtime.mkdir(exist_ok=True)
        self.env = server_env(HOST="127.0.0.1", PORT=str(self.port), SLACK_API_URL=api_url,
                              SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SECRET,
                              DATABASE_URL=database_url, VECKOLAGE_CONFIG=str(config),
                              XDG_RUNTIME_DIR=str(runtime), LOG_LEVEL=log_level)
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None
        self.started = 0.0

    def start(self) -> Serve:
        """Start the process (its own session, so stopping it reaches gunicorn's worker too)."""
        self._log = self.log_path.open("ab")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=self.workdir, env=self.env,
                                     stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def wait_healthy(self, timeout: float = 30.0) -> float:
        """Seconds from start to the first 200 on /healthz; raises when it exits or times out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited with {self.proc.returncode}:\n{self.log()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    return time.perf_counter() - self.started
                connection.close()
            except OSError:
                pass
            time.sleep(0.005)
        raise RuntimeError(f"serve not healthy after {timeout} s:\n{self.log()}")

    def log(self) -> str:
        """Everything the server wrote."""
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def pids(self) -> list[int]:
        """The master and its children (the gunicorn worker)."""
        if self.proc is None or self.proc.poll() is not None:
            return []
        return [self.proc.pid, *children(self.proc.pid)]

    def stop(self) -> None:
        """SIGTERM (gunicorn shuts down gracefully), then SIGKILL our own process group."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        if getattr(self, "_log", None):
            self._log.close()

    def __enter__(self) -> Serve:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def children(pid: int) -> list[int]:
    """Direct child processes of `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def memory_kb(pid: int, field: str = "VmRSS") -> int:
    """A memory figure in kB: VmRSS from /proc/<pid>/status, or Pss from smaps_rollup."""
    source = "smaps_rollup" if field == "Pss" else "status"
    for line in Path(f"/proc/{pid}/{source}").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def machine() -> dict[str, str]:
    """The machine the numbers come from."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    info = {"cpus (nproc)": str(os.cpu_count()), "cpu": cpu, "memory": f"{int(memory) / 1024 / 1024:.1f} GiB",
            "python": platform.python_version(), "os": platform.platform()}
    if pg_available() is None:
        from sqlalchemy import create_engine, text

        engine = create_engine(PG_ADMIN_URL)
        with engine.connect() as connection:
            info["postgresql"] = connection.execute(text("SHOW server_version")).scalar_one()
        engine.dispose()
    return info


def table(results: list[Result]) -> str:
    """The results as a plain-text table."""
    head = ("bench", "case", "measured", "floor", "target", "ok")
    rows = [head] + [(r.bench, r.case, r.measured, r.floor, r.target,
                      {True: "yes", False: "NO", None: ""}[r.ok] + (f" ({r.note})" if r.note else ""))
                     for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def on_both_backends(bench: str, measure, quick: bool) -> list[Result]:
    """`measure(backend, quick, workdir)` on SQLite, then on PostgreSQL when it answers."""
    with tempfile.TemporaryDirectory(prefix=f"vl-bench-{bench}-") as tmp:
        results = measure("sqlite", quick, Path(tmp))
        problem = pg_available()
        results += [Result(bench, "PostgreSQL", "not available", note=problem)] if problem else \
            measure("postgresql", quick, Path(tmp))
    return results
