"""veckolage.toml: checked whole before anything is stored, synced idempotently, history kept."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from commands.setup.file import SetupError, load_setup, parse_setup
from commands.setup.sync import sync_setup
from storage.db import session_scope
from storage.models import Area, Member, Partner, Rating, RoleGrant
from tests.conftest import NOW, SETUP_TOML

EXAMPLE = Path(__file__).resolve().parent.parent / "bot" / "veckolage.example.toml"


def test_the_shipped_example_is_valid() -> None:
    setup = load_setup(EXAMPLE)
    assert len(setup.areas) == 9 and setup.partners[0].name == "Polisen"
    assert (setup.deadline_weekday, setup.deadline_minute) == (0, 600)


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("areas = [\"A\"]\nwrong_key = 1\n", "rad 2, wrong_key: okänd nyckel (stavfel?)"),
        ("areas = []\n", "rad 1, areas: ska vara en lista med minst ett områdesnamn"),
        ("timezone = \"Mars/Olympus\"\nareas = [\"A\"]\n", "rad 1, timezone: okänd tidszon ”Mars/Olympus”"),
        ("areas = [\"A\"]\nsummary_channel = \"general\"\n", "rad 2, summary_channel: ”general” är inte ett kanal-id"),
        ("areas = [\"A\"]\ncoordinators = [\"anna\"]\n", "rad 2, coordinators: ”anna” är inte ett giltigt användar-id"),
        ("areas = [\"Vällingby\", \"vallingby\"]\n", "”vallingby” och ”Vällingby” är samma namn"),
        ("areas = [\"A\"]\ndeadline = \"måndag 25:00\"\n", "rad 2, deadline: ”måndag 25:00” ska vara veckodag och tid"),
        ("areas = [\"A\"]\n[[partner]]\nname = \"P\"\nmembers = [\"U0AAA\"]\n[[partner]]\nname = \"Q\"\n"
         "members = [\"bob\"]\n", "rad 7, partner 2 (Q) members: ”bob” är inte ett giltigt användar-id"),
        ("areas = [\"A\"]\n[[partner]]\nname = \"P\"\nmembers = [\"U0AAA\"]\n[[partner]]\nname = \"Q\"\n"
         "members = [\"U0AAA\"]\n", "U0AAA är redan medlem i P"),
        ("areas = [\"A\"]\n[[partner]]\nmembers = []\n", "rad 2, partner 1: saknar name"),
        ("areas = [\"A\"\n", "ogiltig TOML"),
        ("areas = [\"A\"]\n[[partner]]\nname = \"P\"\n[[partner]]\nname = \"p\"\n",
         "rad 5, partner 2: ”p” och ”P” är samma namn"),
        ("areas = [" + ", ".join(f'\"O{i}\"' for i in range(41)) + "]\n", "högst 40 områden"),
    ],
)
def test_a_bad_file_names_line_and_key(toml: str, problem: str) -> None:
    with pytest.raises(SetupError) as error:
        parse_setup(toml)
    assert any(problem in p for p in error.value.problems), error.value.problems
    assert str(error.value).startswith("Fel i veckolage.toml:")


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(SetupError) as error:
        parse_setup("areas = []\nbogus = 1\ncoordinators = [\"x\"]\n")
    assert len(error.value.problems) == 3


def test_missing_file(tmp_path) -> None:
    with pytest.raises(SetupError, match="filen finns inte"):
        load_setup(tmp_path / "veckolage.toml")


def rows(engine, model):
    with session_scope(engine) as session:
        return session.execute(select(model)).scalars().all()


def test_sync_twice_changes_nothing(engine) -> None:
    setup = parse_setup(SETUP_TOML)
    with session_scope(engine) as session:
        first = sync_setup(session, setup, now=NOW)
    with session_scope(engine) as session:
        second = sync_setup(session, setup, now=NOW + timedelta(hours=1))
    assert first.changes and second.changes == []
    assert len(rows(engine, Area)) == 4 and len(rows(engine, Partner)) == 3
    assert len(rows(engine, Member)) == 4 and len(rows(engine, RoleGrant)) == 2


def test_removed_area_is_retired_with_its_history(engine, chat) -> None:
    chat("U0POL1", "/lage Grimsta 3")
    smaller = SETUP_TOML.replace(', "Grimsta"]', "]").replace('members = ["U0POL1", "U0POL2"]', 'members = ["U0POL1"]')
    with session_scope(engine) as session:
        report = sync_setup(session, parse_setup(smaller), now=NOW)
    assert "område borttaget: Grimsta" in report.changes and "medlem borttagen: U0POL2 / Polisen" in report.changes
    grimsta = next(a for a in rows(engine, Area) if a.name == "Grimsta")
    assert grimsta.retired_at == NOW
    assert len(rows(engine, Rating)) == 1  # the history stays
    assert all(r.area != "Grimsta" for r in chat("U0POL1", "/veckolage").rows)
    with session_scope(engine) as session:  # back in the file: restored, same row
        sync_setup(session, parse_setup(SETUP_TOML), now=NOW)
    assert next(a for a in rows(engine, Area) if a.name == "Grimsta").retired_at is None
    assert next(r for r in chat("U0POL1", "/veckolage").rows if r.area == "Grimsta").value == 3


def test_member_moves_between_partners(engine, workspace_id) -> None:
    moved = SETUP_TOML.replace('members = ["U0POL1", "U0POL2"]', 'members = ["U0POL1"]').replace(
        'members = ["U0SDF"]', 'members = ["U0SDF", "U0POL2"]')
    with session_scope(engine) as session:
        report = sync_setup(session, parse_setup(moved), now=NOW)
    assert "medlem flyttad: U0POL2" in report.changes
    assert len(rows(engine, Member)) == 4
