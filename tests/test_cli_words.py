"""The command line speaks Swedish: argparse's usage, help and errors, run.py's usage, the start-up log, purge."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SMALL_SETUP_TOML as CONFIG
from tests.test_cli import assert_refused, console, query, run_bot

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = ("usage:", "error:", "options", "positional arguments", "show this help", "required", "invalid choice",
           "unrecognized", "expected one argument")


def assert_swedish(text: str) -> None:
    assert not [word for word in ENGLISH if word in text], text


@pytest.mark.parametrize(("args", "expected"), [
    (["purge"], ["Användning: python3 run.py bot purge", "--before ÅÅÅÅ-MM-DD", "det här måste anges: --before"]),
    (["export", "--year", "x"], ["Användning: python3 run.py bot export", "--year: ”x” är inget giltigt värde"]),
    (["export", "--year", "2023", "--format", "doc"], ["--format: ”doc” finns inte (välj bland 'csv'"]),
    (["nope"], ["Användning: python3 run.py bot [-h] LÄGE", "”nope” finns inte", "'console'"]),
    (["--bogus"], ["okända argument: --bogus", "Hjälp: python3 run.py bot --help"]),
    (["import", "f.csv"], ["det här måste anges: --year"]),
    (["config"], ["det här måste anges: action"]),
])
def test_argument_mistakes_get_swedish_usage_and_errors(tmp_path, args, expected):
    result = run_bot(tmp_path, *args)
    assert_refused(result, *expected)
    assert_swedish(result.stderr)
    assert not list(tmp_path.iterdir())  # refused before anything was opened or written


@pytest.mark.parametrize("args", [["--help"], ["export", "--help"], ["console", "--help"], ["purge", "-h"]])
def test_help_is_swedish(tmp_path, args):
    result = run_bot(tmp_path, *args)
    assert result.returncode == 0 and result.stdout.startswith("Användning: python3 run.py bot"), result
    assert "flaggor:" in result.stdout and "visa den här hjälpen och avsluta" in result.stdout
    assert_swedish(result.stdout)


def test_run_py_without_arguments_answers_in_swedish(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "run.py")], cwd=tmp_path, capture_output=True, text=True,
                            encoding="utf-8", timeout=60)
    assert result.returncode == 2
    assert "Användning:" in result.stdout and "python3 run.py bot --help" in result.stdout
    assert "Set up and run" not in result.stdout and "Creates `.venv`" not in result.stdout
    assert not list(tmp_path.iterdir())


def test_start_up_log_lines_are_swedish(tmp_path):
    (tmp_path / "veckolage.toml").write_text(CONFIG, encoding="utf-8")
    result = run_bot(tmp_path, "config", "import", LOG_LEVEL="INFO", DATABASE_URL=f"sqlite:///{tmp_path / 'v.db'}")
    assert result.returncode == 0, result.stderr
    assert "Uppsättning: område tillagt: Vällingby" in result.stderr
    assert "Uppsättning: medlem tillagd: U0POL1 / Polisen" in result.stderr
    assert "Set-up" not in result.stderr and "area.add" not in result.stderr


def test_purge_refuses_a_date_after_today_and_blanks_nothing(tmp_path):
    db = tmp_path / "veckolage.db"
    assert console(tmp_path, "/lage Vällingby 3 stenkastning vid torget\n").returncode == 0
    result = run_bot(tmp_path, "purge", "--before", "2999-01-01", DATABASE_URL=f"sqlite:///{db}")
    assert_refused(result, "Gallrar inte: 2999-01-01 ligger efter i dag")
    assert query(db, "SELECT comment FROM rating") == [("stenkastning vid torget",)]
    past = run_bot(tmp_path, "purge", "--before", "2001-01-01", DATABASE_URL=f"sqlite:///{db}")
    assert past.returncode == 0 and "Gallrat allt före 2001-01-01: 0 kommentarer" in past.stdout, past.stderr
    assert query(db, "SELECT comment FROM rating") == [("stenkastning vid torget",)]


def test_console_exports_go_to_the_ignored_exports_folder_and_say_where(tmp_path):
    (tmp_path / "veckolage.toml").write_text(CONFIG, encoding="utf-8")
    result = run_bot(tmp_path, "console", "--user", "U0COORD", "--no-color", stdin="/veckolage export 2026 csv\n",
                     DATABASE_URL=f"sqlite:///{tmp_path / 'veckolage.db'}")
    saved = tmp_path / "exports" / "lagesbild-2026.csv"
    assert result.returncode == 0 and f"Sparade {saved} (" in result.stdout, result
    assert saved.read_bytes().startswith(b"\xef\xbb\xbfvecka;")
    assert not list(tmp_path.glob("*.csv"))
    ignored = subprocess.run(["git", "check-ignore", "-q", "exports/lagesbild-2026.csv"], cwd=ROOT)
    assert ignored.returncode == 0  # in a clone, the folder never shows up as untracked


def test_export_after_the_demo_says_which_database_and_how_to_read_the_demo(tmp_path):
    assert run_bot(tmp_path, "console", "--demo", "--no-color", stdin="").returncode == 0
    result = run_bot(tmp_path, "export", "--year", "2023", "--format", "csv")
    assert_refused(result, "python3 run.py bot export --demo --year 2023 --format csv")
    assert "Årstabellen 2023 ur databasen sqlite:///veckolage.db." in result.stdout
    assert not (tmp_path / "exports").exists() and not (tmp_path / "veckolage.db").exists()
    (tmp_path / "veckolage.toml").write_text(CONFIG, encoding="utf-8")  # a set-up of its own, without 2023
    result = run_bot(tmp_path, "export", "--year", "2023", "--format", "csv")
    assert result.returncode == 0 and "export --demo --year 2023" in result.stdout, result
    demo = run_bot(tmp_path, "export", "--demo", "--year", "2023", "--format", "csv")
    assert demo.returncode == 0 and "ur databasen sqlite:///veckolage-demo.db" in demo.stdout, demo
    assert "1;2;2;1;5;1;1;5;1;1" in (tmp_path / "exports" / "lagesbild-2023.csv").read_text(encoding="utf-8-sig")
