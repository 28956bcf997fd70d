"""Set up and run Veckoläge with nothing but Python 3.11: `python3 run.py bot` or `python3 run.py test`.

Creates `.venv` beside this file, installs the project into it (again only when pyproject.toml
changed), then runs the bot in it (arguments after `bot` go to the bot) or the whole test suite (ruff + pytest).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_venv(extras: str) -> None:
    """Create the virtualenv and install the project when its requirements changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py is started by whatever python3 is on the PATH
        sys.exit(f"Veckoläge behöver Python 3.11 eller nyare (du kör {sys.version.split()[0]}).")
    if not PYTHON.exists():
        print(f"• Skapar virtuell miljö i {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    if _installed(extras) or (not extras and _installed("test")):  # the test set-up includes the bot's
        return
    print("• Installerar beroenden …", flush=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target],
        cwd=ROOT,
        check=True,
    )
    _stamp(extras).write_text(_digest(extras))


def _digest(extras: str) -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()


def _stamp(extras: str) -> Path:
    return VENV / f".installed-{extras or 'base'}"


def _installed(extras: str) -> bool:
    """The project is installed with these extras for the current pyproject.toml."""
    stamp = _stamp(extras)
    return stamp.exists() and stamp.read_text() == _digest(extras)


def postgres_up(host: str = "127.0.0.1", port: int = 5432) -> bool:
    """True when something accepts connections on the PostgreSQL port."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def ensure_local_postgres() -> None:
    """Start the machine's PostgreSQL cluster when the tests use the local default and it is down."""
    if os.environ.get("VECKOLAGE_TEST_POSTGRES_URL") or postgres_up():
        return
    ctl = shutil.which("pg_ctlcluster")
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    if ctl and versions:
        print("• Startar PostgreSQL …", flush=True)
        subprocess.run([ctl, "--skip-systemctl-redirect", versions[-1].name, "main", "start"], check=False)


CHROMIUM = Path("/usr/bin/chromium")  # the web view's tests drive Debian's chromium (Playwright cannot download one)


def ensure_chromium() -> None:
    """Install Debian's chromium for the browser tests when it is missing (as root, with apt-get)."""
    if CHROMIUM.exists() or not shutil.which("apt-get"):
        return
    sudo = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if sudo is None:
        print(f"• {CHROMIUM} saknas; installera paketet chromium (apt-get install chromium).", flush=True)
        return
    print("• Installerar chromium från Debian för webbvyns tester …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=False, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env)


def run_child(command: list[str], cwd: Path | None = None) -> int:
    """Run a child (in `cwd`, else the caller's directory) to its end. Ctrl-C reaches the child too (same process group)
    and it stops by itself, saying so; waiting for it here, instead of dying with a traceback, lets it finish
    cleanly."""
    child = subprocess.Popen(command, cwd=cwd)
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:
            continue


def main(argv: list[str]) -> int:
    """Dispatch `bot …` or `test …`."""
    if not argv or argv[0] not in {"bot", "test"}:
        from commands.core.texts import t  # the catalogue needs nothing outside the standard library

        print(t("run.usage"))
        return 2
    what, rest = argv[0], argv[1:]
    if what == "bot":
        ensure_venv("")  # in your directory: its veckolage.toml, .env, database, files
        return run_child([str(PYTHON), "-m", "bot", *rest])
    ensure_venv("test")
    ensure_local_postgres()
    ensure_chromium()
    lint = subprocess.call([str(PYTHON), "-m", "ruff", "check", "--quiet", "."], cwd=ROOT)
    if lint:
        print("ruff hittade fel (se ovan).", flush=True)
        return lint
    return run_child([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:  # while the environment is being set up
        print("\nAvbrutet (Ctrl-C). Kör samma kommando igen för att fortsätta.", flush=True)
        sys.exit(130)
