"""The rights matrix through Teams: every command of the registry by every role, typed in a 1:1 chat and sent
through the real SDK app; a refusal is Swedish, names the reason, and writes nothing (tests/test_rights_matrix.py's
table, with Entra object ids for people and Teams conversation ids for channels)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from commands.core.texts import t
from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from storage.db import session_scope
from storage.models import Event, Insats, SkippedWeek
from tests.conftest import BACKENDS, NOW, SETUP_TOML, clean
from tests.teams.teams_harness import TENANT_ID, TeamsHarness, now_clock
from tests.test_rights_matrix import ALLOWED, REFUSALS, USERS, snapshot

GUIDS = {slack: f"{index:08d}-aaaa-4bbb-8ccc-{index:012d}" for index, slack in enumerate(
    ["U0NOBODY", "U0POL1", "U0POL2", "U0SDF", "U0BOST", "U0COORD", "U0ADMIN", "U0NEW"], start=1)}
ROOMS = {f"C0{name}": f"19:{name.lower()}{'0' * (32 - len(name))}@thread.tacv2" for name in ("SUMMARY", "ALERTS", "NEW")}


def teams_ids(text: str) -> str:
    """The Slack ids of the matrix's set-up and examples, as Teams writes them."""
    for slack, guid in GUIDS.items():
        text = text.replace(slack, guid)
    for slack, room in ROOMS.items():
        text = text.replace(slack, room)
    return text


def collaboration(engine) -> dict[str, list[str]]:
    """Every table but the conversation references and people's names: where the bot may write back to someone
    who spoke to it is kept for anyone (a person added to the collaboration later gets reminders at once), and a
    member's display name whatever they asked: neither is a change. An outsider's name is never kept (tested)."""
    return {name: rows for name, rows in snapshot(engine).items() if name not in ("conversationref", "personname")}


TEAMS_REFUSALS = {refusal.replace("/lagesadmin", "lagesadmin") for refusal in REFUSALS}


@pytest.fixture(scope="module", params=BACKENDS)
def teams(request):
    engine = request.getfixturevalue(f"{request.param}_engine")
    harness = TeamsHarness(engine, now_clock(NOW))
    harness.engine = engine
    yield harness
    harness.close()


@pytest.fixture
def event_id(teams) -> int:
    """A fresh collaboration: reporter A's event of week 47, week 47 skipped (for `återuppta`)."""
    clean(teams.engine)
    with session_scope(teams.engine) as session:
        sync_setup(session, parse_setup(f'team_id = "{TENANT_ID}"\n' + teams_ids(SETUP_TOML)), now=NOW)
    teams.say("handelse Vällingby hot hotfull person", user=GUIDS["U0POL1"])
    with session_scope(teams.engine) as session:
        workspace_id = session.execute(select(Event.workspace_id)).scalar_one()
        session.add(SkippedWeek(workspace_id=workspace_id, iso_year=2026, iso_week=47, skipped_by=GUIDS["U0COORD"],
                                skipped_at=NOW))
        return session.execute(select(Event.id)).scalar_one()


@pytest.fixture
def insats_id(teams, event_id) -> int:
    """Reporter A's insats for Polisen (made after the event, as in the Slack matrix)."""
    [answer] = teams.say("insats Grimsta belysning i gångtunneln v48", user=GUIDS["U0POL1"])
    assert not answer.text().startswith("⚠️"), answer.text()
    with session_scope(teams.engine) as session:
        return session.execute(select(Insats.id)).scalar_one()


@pytest.mark.parametrize("example", list(ALLOWED), ids=lambda e: e.split("{")[0].strip())
def test_every_command_by_every_role(teams, event_id, insats_id, example) -> None:
    line = teams_ids(example.format(event=event_id, insats=insats_id)).removeprefix("/")
    for role in (r for r in USERS if r not in ALLOWED[example]):
        before = collaboration(teams.engine)
        [answer] = teams.say(line, user=GUIDS[USERS[role]])
        lines = answer.text().split("\n")
        assert lines[0] == "⚠️ Det gick inte", (line, role, lines)
        assert lines[1] in TEAMS_REFUSALS | {t("event.error.not_yours", number=event_id),
                                             t("insats.error.not_yours", number=insats_id)}, (line, role, lines)
        assert collaboration(teams.engine) == before, f"{line} by {role} wrote something"
    allowed = next(iter(sorted(ALLOWED[example])))
    answers = teams.say(line, user=GUIDS[USERS[allowed]])
    assert answers and not answers[0].text().startswith("⚠️"), (line, allowed, answers[0].text())
