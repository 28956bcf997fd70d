"""What a person at the terminal reads when the start goes wrong: real processes, Swedish, no traceback."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SMALL_SETUP_TOML
from tests.fake_slack import FakeSlack
from tests.test_e2e_serve import Server, bot_env, free_port
from tests.test_e2e_startup import wait_for

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent


def test_the_unedited_env_file_from_the_example_is_explained_without_a_traceback(tmp_path):
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    # SLACK_API_URL on a closed local port: a start that went on to call Slack would stay on 127.0.0.1
    env = bot_env(SLACK_API_URL=f"http://127.0.0.1:{free_port()}/api/")
    done = subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "SLACK_BOT_TOKEN är fortfarande mallens ”xoxb-...” (från .env.example)" in output
    assert "SLACK_APP_TOKEN är fortfarande mallens ”xapp-...”" in output
    assert "OAuth & Permissions → Bot User OAuth Token" in output
    assert "Traceback" not in output and "URLError" not in output
    assert len(output.strip().splitlines()) <= 4, output


def launcher(tmp_path: Path) -> Path:
    """A copy of run.py whose `.venv` is this test run's interpreter (already installed), so that
    `python3 run.py bot` starts at once instead of installing."""
    shutil.copy(ROOT / "run.py", tmp_path / "run.py")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    stamp = hashlib.sha256((tmp_path / "pyproject.toml").read_bytes()).hexdigest()  # run.py's "installed" mark
    (tmp_path / ".venv" / ".installed-base").write_text(stamp)
    return tmp_path / "run.py"


def test_ctrl_c_under_run_py_bot_stops_with_one_swedish_line(tmp_path):
    run_py = launcher(tmp_path)
    (tmp_path / "veckolage.toml").write_text(SMALL_SETUP_TOML, encoding="utf-8")
    with FakeSlack() as fake:
        env = bot_env(SLACK_BOT_TOKEN="xoxb-test", SLACK_APP_TOKEN="xapp-test", SLACK_API_URL=fake.url,
                      DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}", VECKOLAGE_CONFIG=str(tmp_path / "veckolage.toml"))
        proc = subprocess.Popen([sys.executable, str(run_py), "bot"], cwd=tmp_path, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, encoding="utf-8", errors="replace", start_new_session=True)
        server = Server(proc, 0)
        try:
            wait_for(server, "Socket Mode")
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
            assert proc.wait(timeout=60) == 130
        finally:
            server.stop()
        wait_for(server, "Avbrutet")
    output = "".join(server.log)
    assert "Avbrutet (Ctrl-C): Veckoläge har stoppats." in output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output
