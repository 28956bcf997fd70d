"""`python -m bot` as a subprocess: clear messages and exit codes, never a traceback; restarts are idempotent."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from storage.db import normalize_url
from tests.conftest import SMALL_SETUP_TOML as CONFIG

OWN_VARIABLES = ("DATABASE_URL", "VECKOLAGE_CONFIG", "PORT", "HOST", "LOG_LEVEL")


def bot_env(**values: str) -> dict[str, str]:
    """The test's environment without Slack, proxy or bot variables, plus `values`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SLACK_") and k not in OWN_VARIABLES and "proxy" not in k.lower()}
    return {**env, "PYTHONIOENCODING": "utf-8", **values}


def run_bot(cwd: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    """`python -m bot ARGS` in `cwd` with stdin from a pipe (never a tty)."""
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=bot_env(**env), input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)


def console(tmp_path: Path, stdin: str, config: str = CONFIG) -> subprocess.CompletedProcess:
    """The console as U0POL1 on tmp_path/veckolage.db, with `config` as the set-up file."""
    (tmp_path / "veckolage.toml").write_text(config, encoding="utf-8")
    return run_bot(tmp_path, "console", "--user", "U0POL1", "--no-color", stdin=stdin,
                   DATABASE_URL=f"sqlite:///{tmp_path / 'veckolage.db'}")


def query(db: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute(sql).fetchall()


def assert_refused(result: subprocess.CompletedProcess, *names: str) -> None:
    """Exit code 2, every name in stderr, no traceback."""
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr + result.stdout
    for name in names:
        assert name in result.stderr, (name, result.stderr)


def grid_row(stdout: str, area: str) -> list[str]:
    """The cells of an area's row in the last grid printed."""
    rows = [line.split() for line in stdout.splitlines() if line.startswith(area + " ")]
    assert rows, stdout
    return rows[-1]


def test_without_slack_variables_explains_how_to_create_the_app(tmp_path):
    result = run_bot(tmp_path)
    assert_refused(result, "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "manifest.json", "python3 run.py bot console")


def test_serve_without_signing_secret_is_refused(tmp_path):
    result = run_bot(tmp_path, "serve", SLACK_BOT_TOKEN="xoxb-test", HOST="127.0.0.1",
                     SLACK_API_URL="http://127.0.0.1:9/api/", DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    assert_refused(result, "SLACK_SIGNING_SECRET")
    assert not (tmp_path / "x.db").exists()


def test_bad_port_is_a_swedish_message(tmp_path):
    result = run_bot(tmp_path, "serve", PORT="abc")
    assert_refused(result, "Felaktiga inställningar", "PORT ska vara ett portnummer", "'abc'")


def test_bad_database_url_is_a_message_not_a_traceback(tmp_path):
    assert_refused(run_bot(tmp_path, "migrate", DATABASE_URL="veckolage.db"), "DATABASE_URL")


BAD_CONFIGS = {
    "invalid-toml": (CONFIG + "speed = = 1\n", ["ogiltig TOML", "rad 11"]),
    "unknown-key": ('colour = "blå"\n' + CONFIG, ["rad 1, colour", "okänd nyckel"]),
    "bad-member": (CONFIG.replace('["U0SDF"]', '["U0SDF", "bob"]'), ["rad 10", "partner 2", "members", "bob"]),
    "no-areas": (CONFIG.replace('areas = ["Hässelby gård", "Vällingby", "Grimsta"]\n', ""), ["areas: ska vara en lista"]),
    "member-line-of-2nd-partner": (CONFIG.replace('members = ["U0POL1"]\n', "").replace('"U0SDF"', '"bob"'),
                                   ["rad 9", "partner 2", "members", "bob"]),
}
@pytest.mark.parametrize("case", list(BAD_CONFIGS))
def test_bad_setup_file_names_line_and_key_and_writes_nothing(tmp_path, case):
    config, expected = BAD_CONFIGS[case]
    result = console(tmp_path, "/veckolage\n", config)
    assert_refused(result, "veckolage.toml", *expected)
    db = tmp_path / "veckolage.db"
    assert not db.exists() or query(db, "SELECT count(*) FROM area") == [(0,)]


def test_bad_setup_file_after_a_good_one_changes_nothing(tmp_path):
    """After the first start the database is the authority: a broken file is reported, never applied."""
    assert console(tmp_path, "").returncode == 0
    broken = CONFIG.replace('"Grimsta"]', '"Grimsta", "Vinsta"]').replace('["U0SDF"]', '["U0SDF", "bob"]')
    result = console(tmp_path, "", broken)
    assert result.returncode == 0 and "rad 10" in result.stderr and "bob" in result.stderr
    assert "databasen gäller" in result.stderr and "Traceback" not in result.stderr
    assert_refused(run_bot(tmp_path, "config", "import", DATABASE_URL=f"sqlite:///{tmp_path / 'veckolage.db'}"),
                   "rad 10", "bob")
    db = tmp_path / "veckolage.db"
    assert sorted(query(db, "SELECT name FROM area")) == [("Grimsta",), ("Hässelby gård",), ("Vällingby",)]
    assert query(db, "SELECT count(*) FROM member") == [(2,)]


def test_serve_refuses_a_bad_setup_file_before_listening(tmp_path):
    (tmp_path / "veckolage.toml").write_text("colour = 1\n" + CONFIG, encoding="utf-8")
    result = run_bot(tmp_path, "serve", SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="s", HOST="127.0.0.1",
                     SLACK_API_URL="http://127.0.0.1:9/api/", DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    assert_refused(result, "rad 1, colour")
    assert "Listening" not in result.stderr


def test_console_in_a_pipe_saves_and_the_next_run_still_sees_it(tmp_path):
    first = console(tmp_path, "/lage Vällingby 3 test\n/veckolage\navsluta\n/lage Grimsta 5 efter avsluta\n")
    assert first.returncode == 0, first.stderr
    assert "Sparat" in first.stdout and "Lägesbild vecka" in first.stdout
    assert "3*" in grid_row(first.stdout, "Vällingby")
    assert "Traceback" not in first.stderr and "\x1b[" not in first.stdout
    second = console(tmp_path, "/veckolage\n")
    assert second.returncode == 0, second.stderr
    assert "3*" in grid_row(second.stdout, "Vällingby")
    assert grid_row(second.stdout, "Grimsta")[1:] == ["–", "–", "–"]  # nothing read after `avsluta`


def test_console_without_setup_file_uses_the_shipped_example(tmp_path):
    result = run_bot(tmp_path, "console", "--no-color", stdin="/veckolage\n")
    assert result.returncode == 0, result.stderr
    assert "Ingen veckolage.toml hittades" in result.stdout and "veckolage.example.toml" in result.stdout
    assert "Lägesbild vecka" in result.stdout and grid_row(result.stdout, "Nälsta")
    assert (tmp_path / "veckolage-demo.db").exists() and not (tmp_path / "veckolage.db").exists()


def test_migrate_twice(tmp_path):
    for _ in range(2):
        result = run_bot(tmp_path, "migrate", DATABASE_URL=f"sqlite:///{tmp_path / 'm.db'}")
        assert result.returncode == 0, result.stderr
        assert "senaste schemat" in result.stdout
    assert query(tmp_path / "m.db", "SELECT count(*) FROM alembic_version") == [(1,)]


def test_restarts_keep_one_row_per_area_and_retire_removed_ones(tmp_path):
    db = tmp_path / "veckolage.db"
    assert console(tmp_path, "/lage Grimsta 2 lugnt\n").returncode == 0
    assert console(tmp_path, "").returncode == 0
    assert query(db, "SELECT count(*), count(DISTINCT name) FROM area WHERE retired_at IS NULL") == [(3, 3)]
    assert query(db, "SELECT count(*) FROM partner") == [(2,)]
    assert query(db, "SELECT count(*) FROM member") == [(2,)]

    result = console(tmp_path, "/veckolage\n", CONFIG.replace(', "Grimsta"', ""))
    assert result.returncode == 0, result.stderr
    assert "skiljer sig från databasen" in result.stderr  # never applied silently…
    assert query(db, "SELECT count(*) FROM area WHERE retired_at IS NOT NULL") == [(0,)]
    imported = run_bot(tmp_path, "config", "import", DATABASE_URL=f"sqlite:///{db}")  # …only on request
    assert imported.returncode == 0 and "inlästa" in imported.stdout, imported.stderr
    result = console(tmp_path, "/veckolage\n", CONFIG.replace(', "Grimsta"', ""))
    assert "skiljer sig" not in result.stderr
    assert query(db, "SELECT name FROM area WHERE retired_at IS NOT NULL") == [("Grimsta",)]
    assert query(db, "SELECT count(*) FROM area") == [(3,)]
    assert query(db, "SELECT r.level FROM rating r JOIN area a ON a.id = r.area_id WHERE a.name = 'Grimsta'") == [(2,)]
    assert "Grimsta" not in result.stdout.split("Lägesbild vecka", 1)[1].split("Har inte")[0]


@pytest.mark.parametrize(("url", "expected"), [
    ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
    ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///veckolage.db", "sqlite:///veckolage.db"),
])
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected
