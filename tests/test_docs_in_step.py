"""The README command table, the help text and manifest.json follow the command registry."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.slack.manifest import HINTS, slash, slash_commands
from commands.registry import COMMANDS, FAMILIES, help_reply

ROOT = Path(__file__).resolve().parent.parent


def readme_rows() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Commands", 1)[1].split("\n\n", 2)[1]
    rows = re.findall(r"^\| `([^`]+)` \| (.+?) \|$", section, flags=re.MULTILINE)
    return [(usage.replace("\\|", "|"), summary) for usage, summary in rows]  # `\|` keeps the table intact


def test_readme_table_is_the_registry_as_slack_users_type_it() -> None:
    assert readme_rows() == [(slash(c.usage), c.summary) for c in COMMANDS]


def test_manifest_slash_commands_are_the_registry() -> None:
    manifest = json.loads((ROOT / "manifest.json").read_text(encoding="utf-8"))
    declared = [(c["command"], c["description"], c["usage_hint"], c["should_escape"])
                for c in manifest["features"]["slash_commands"]]
    assert declared == [(c["command"], c["description"], c["usage_hint"], c["should_escape"]) for c in slash_commands()]
    assert [c["command"] for c in slash_commands()] == [slash(n) for f in FAMILIES for n in (f.name, *f.aliases)]
    assert {c.family for c in COMMANDS} == {f.name for f in FAMILIES} == set(HINTS)
    assert manifest["settings"]["interactivity"]["is_enabled"] is True  # the rating modal needs it


def test_help_lists_every_command() -> None:
    reply = help_reply("veckolage")
    own = [(c.usage, c.summary) for c in COMMANDS if c.family == "veckolage"]
    assert [(e.usage, e.summary) for e in reply.entries][:len(own)] == own  # the command asked about first
    assert {e.usage for e in reply.entries} == {c.usage for c in COMMANDS}


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == [
        "python3 run.py bot", "python3 run.py test"]
    assert "exec python3 run.py test" in (ROOT / ".ci" / "run").read_text()


def test_procfile_runs_documented_processes() -> None:
    procfile = (ROOT / "Procfile").read_text()
    assert "release: python -m bot migrate" in procfile and "web: python -m bot serve" in procfile


def test_readme_links_point_into_the_repository() -> None:
    """A clone has nothing beside it: every relative link and path the README names exists in the repository."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../" not in readme
    links = [target for target in re.findall(r"\]\(([^)\s]+)\)", readme) if "://" not in target]
    assert links and [target for target in links if not (ROOT / target.split("#")[0]).exists()] == []
