"""Every command line we print or document works as written from a fresh clone: `python3 run.py …`, never
`python -m bot` (which needs the project's .venv active), and every one is accepted by the command line."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from bot.__main__ import parse
from commands.core.texts import SV
from tests.test_cli import bot_env

ROOT = Path(__file__).resolve().parent.parent
COMMAND = re.compile(r"python3? (?:-m bot|run\.py)")
STOP = re.compile(r"`|”|  | \(|, |\)|\.$|\. |;")
PLACEHOLDERS = {"FILE": "fil.csv", "U…": "U0TEST", "{year}": "2023", "{format}": "csv", "LÄGE": "console",
                "vecka": "v46", "flaggor": "-q", "pytest-flaggor": "-q", "…": ""}


def documented() -> dict[str, str]:
    """Where each text lives → the text: the catalogue, the README (the host's Procfile aside: the host
    installs the project and runs `python -m bot` itself), the example set-up and .env."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    before, _, rest = readme.partition("## Deployment")
    texts = {f"texts.py {key}": value for key, value in SV.items()}
    texts["README.md"] = before + rest.partition("\n## ")[2]
    for name in ("bot/veckolage.example.toml", ".env.example", "run.py"):
        texts[name] = (ROOT / name).read_text(encoding="utf-8")
    return texts


def command_lines() -> list[tuple[str, str]]:
    """(where, command) for every command line in what we print or document."""
    found = []
    for where, text in documented().items():
        for match in COMMAND.finditer(text):
            line = text[match.start():].split("\n", 1)[0]
            stop = STOP.search(line, len(match.group()))
            found.append((where, (line[:stop.start()] if stop else line).replace("\\|", "|").strip()))
    return found


def argv_variants(command: str) -> list[list[str]]:
    """The arguments after `python3 run.py bot`: without the optional [parts], and with them filled in."""
    words = []
    for text in (re.sub(r"\[[^\]]*\]", "", command), command.replace("[", "").replace("]", "")):
        argv = [PLACEHOLDERS.get(w, w).split("|")[0] for w in text.split()[3:]]
        words.append([w for w in argv if w])
    return words


COMMANDS = command_lines()


def test_the_documentation_and_the_catalogue_show_commands_at_all():
    where = {w.split()[0] for w, _ in COMMANDS}
    assert {"texts.py", "README.md", "bot/veckolage.example.toml", ".env.example"} <= where
    assert len(COMMANDS) > 30


@pytest.mark.parametrize(("where", "command"), COMMANDS, ids=[f"{w}: {c}" for w, c in COMMANDS])
def test_every_command_line_is_accepted_as_written(where, command):
    assert command.startswith(("python3 run.py bot", "python3 run.py test")), (where, command)
    if command.startswith("python3 run.py test"):
        return
    for argv in argv_variants(command):
        try:
            parse(argv)
        except SystemExit as stop:
            assert stop.code == 0 and argv[-1:] == ["--help"], (where, command, argv)


def run_py(cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """`python3 run.py ARGS` exactly as a person types it (the system python3, not this .venv's)."""
    return subprocess.run(["python3", str(ROOT / "run.py"), *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, encoding="utf-8", timeout=300, env=bot_env())


def test_the_documented_demo_runs_through_run_py_from_anywhere(tmp_path):
    """`python3 run.py bot console --demo`, then `… export --demo --year 2023 --format png`: what the README
    shows, run by the python3 on the PATH, in a directory that is not the repository."""
    shown = run_py(tmp_path, "bot", "console", "--demo", "--no-color", stdin="/veckolage år 2023\n")
    assert shown.returncode == 0, shown.stderr
    assert "Årssammanställning 2023" in shown.stdout and "Traceback" not in shown.stderr
    exported = run_py(tmp_path, "bot", "export", "--demo", "--year", "2023", "--format", "png")
    assert exported.returncode == 0, exported.stderr
    assert "ur databasen sqlite:///veckolage-demo.db" in exported.stdout
    assert (tmp_path / "exports" / "lagesbild-2023.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "veckolage-demo.db").exists() and not (ROOT / "exports").exists()
