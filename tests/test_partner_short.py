"""A partner's short name heads its column in the grid: set in veckolage.toml or by /lagesadmin, exported."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.console.render import plain as plain_text
from commands.core.spans import mention
from commands.core.weeks import Week
from commands.rating.week_grid import build_grid
from commands.setup.export import export_setup
from commands.setup.file import SetupError, parse_setup
from commands.setup.sync import sync_setup
from storage.db import session_scope
from storage.models import AuditEntry, Partner
from tests.conftest import NOW, SETUP_TOML

SHORT_TOML = SETUP_TOML.replace('name = "Polisen"', 'name = "Polisen"\nshort = "Polis"')


def heads(engine, workspace_id: int) -> tuple[str, ...]:
    with session_scope(engine) as session:
        return build_grid(session, workspace_id=workspace_id, week=Week(2026, 47)).heads


def shorts(engine) -> dict[str, str | None]:
    with session_scope(engine) as session:
        return {p.name: p.short for p in session.execute(select(Partner)).scalars()}


@pytest.mark.parametrize(("short", "problem"), [
    ('"Polisen i Västerort AB"', "kortnamnet ”Polisen i Västerort AB” ska vara 1–16 tecken"),
    ('""', "ska vara 1–16 tecken"),
    ("3", "kortnamnet ”3” ska vara 1–16 tecken"),
    ('"SDF"\n[[partner]]\nname = "Skolan"\nshort = "sdf"', "kortnamnet ”sdf” används redan av Polisen"),
])
def test_a_bad_short_name_in_the_file_is_named_with_its_line(short, problem) -> None:
    with pytest.raises(SetupError) as error:
        parse_setup(SETUP_TOML.replace('name = "Polisen"', f'name = "Polisen"\nshort = {short}'))
    assert problem in str(error.value) and "rad " in str(error.value)


def test_the_file_sets_the_short_name_the_grid_uses_it_and_export_writes_it(engine) -> None:
    with session_scope(engine) as session:
        workspace_id = sync_setup(session, parse_setup(SHORT_TOML), now=NOW).workspace_id
    assert heads(engine, workspace_id) == ("Polis", "Stadsdelen", "Bostadsbolaget")  # the name when none is set
    with session_scope(engine) as session:
        exported = export_setup(session, workspace_id=workspace_id)
    assert 'name = "Polisen"\nshort = "Polis"\nmembers' in exported
    assert {p.name: p.short for p in parse_setup(exported).partners} == {
        "Polisen": "Polis", "Stadsdelen": None, "Bostadsbolaget": None}
    with session_scope(engine) as session:  # a second sync changes nothing; dropping the key clears it
        assert sync_setup(session, parse_setup(SHORT_TOML), now=NOW).changes == []
        assert sync_setup(session, parse_setup(SETUP_TOML), now=NOW).changes == ["partnerns kortnamn: Polisen"]
    assert shorts(engine)["Polisen"] is None


def test_an_admin_sets_changes_and_clears_a_short_name_and_the_log_says_so(engine, workspace_id, chat) -> None:
    done = chat("U0ADMIN", "/lagesadmin partner kortnamn Polisen Polis")
    assert (done.tone, done.title) == ("ok", "Polisen visas som ”Polis” i lägesbildens tabell.")
    assert heads(engine, workspace_id)[0] == "Polis"
    shown = chat("U0ADMIN", "/lagesadmin visa").lines
    assert ("Partner Polisen (kortnamn Polis): ", mention("U0POL1"), ", ", mention("U0POL2")) in shown

    taken = chat("U0ADMIN", "/lagesadmin partner kortnamn Stadsdelen -> polis")
    assert taken.tone == "error" and "Kortnamnet ”polis” används redan av Polisen." in taken.lines
    assert "partner kortnamn <partner> <kortnamn>" in taken.usage and shorts(engine)["Stadsdelen"] is None

    too_long = chat("U0ADMIN", "/lagesadmin partner kortnamn Bostadsbolaget Bostadsbolaget i Hässelby")
    assert too_long.tone == "error" and "högst 16 tecken" in too_long.lines[0]
    unknown = chat("U0ADMIN", "/lagesadmin partner kortnamn Brandkåren BK")
    assert unknown.tone == "error" and "Finns: Polisen, Stadsdelen, Bostadsbolaget." in unknown.lines
    refused = chat("U0POL1", "/lagesadmin partner kortnamn Polisen P")
    assert refused.tone == "error" and shorts(engine)["Polisen"] == "Polis"

    cleared = chat("U0ADMIN", "/lagesadmin partner kortnamn Polisen ingen")
    assert cleared.title == "Polisen visas med hela namnet i lägesbildens tabell." and shorts(engine)["Polisen"] is None
    with session_scope(engine) as session:
        log = [(e.actor, e.subject, e.old_value, e.new_value) for e in session.execute(
            select(AuditEntry).where(AuditEntry.action == "partner.short").order_by(AuditEntry.id)).scalars()]
    assert log == [("U0ADMIN", "Polisen", None, "Polis"), ("U0ADMIN", "Polisen", "Polis", None)]
    assert any("partnerns kortnamn · Polisen" in plain_text(line) for line in chat("U0ADMIN", "/lagesadmin logg").lines)
