"""People and rooms of every platform: read by their own rule in veckolage.toml and in admin commands."""

from __future__ import annotations

import pytest

from commands.admin.parse import channel, users, without_mentions
from commands.core import identity
from commands.core.identity import MATRIX, SLACK, TEAMS, Person, Room
from commands.setup.file import SetupError, parse_setup

MATRIX_USER = "@samordnare.est:matrix.hasselby-vallingby.stockholm.se"  # 54 characters
ROOM_V12 = "!" + "31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM"  # room version 12: no server
ENTRA = "3f2c8a0e-5b9d-4c7e-8a1b-2c3d4e5f6a7b"
TEAMS_THREAD = "19:3f2c8a0e5b9d4c7e8a1b2c3d4e5f6a7b@thread.tacv2;messageid=1732912345678"


@pytest.mark.parametrize(("written", "expected"), [
    ("U0123ABCD", Person(SLACK, "U0123ABCD")),
    ("T0TEAM:U0ID", Person(SLACK, "U0ID", "T0TEAM")),
    ("@anna:kommun.se", Person(MATRIX, "@anna:kommun.se")),
    (MATRIX_USER, Person(MATRIX, MATRIX_USER)),
    ("@larm-bot:[2001:db8::1]:8448", Person(MATRIX, "@larm-bot:[2001:db8::1]:8448")),
    (ENTRA.upper(), Person(TEAMS, ENTRA)),  # an object id is one person however it is cased
])
def test_a_person_of_each_platform(written, expected) -> None:
    assert len(MATRIX_USER) == 54
    assert identity.person(written) == expected
    assert str(identity.person(written)) == (written.lower() if expected.platform == TEAMS else written)


@pytest.mark.parametrize(("written", "platform"), [
    ("C0123ABCD", SLACK), ("G0PRIVATE", SLACK), ("!OGEhHVWSdvArJzumhm:matrix.org", MATRIX), (ROOM_V12, MATRIX),
    ("#larm:kommun.se", MATRIX), ("#lägesbild-västerort:matrix.stockholm.se", MATRIX), (TEAMS_THREAD, TEAMS),
    ("19:meeting_NzFkMWI0ZGUtZjFhYi00YmU0LWJkMTgt=@thread.v2", TEAMS), ("19:abc123@thread.skype", TEAMS),
])
def test_a_room_of_each_platform(written, platform) -> None:
    assert len(ROOM_V12) == 44 and len(TEAMS_THREAD) > 70
    assert identity.room(written) == Room(platform, written)


@pytest.mark.parametrize("bad", ["anna", "@anna", "@anna:", "@an na:kommun.se", "@anna:-kommun.se", "U0", "u0123abcd",
                                 "3f2c8a0e-5b9d-4c7e-8a1b", "T0TEAM:", "@" + "a" * 250 + ":x.se"])
def test_a_person_that_breaks_its_platforms_rule_is_refused(bad) -> None:
    assert identity.person(bad) is None


@pytest.mark.parametrize("bad", ["general", "#larm", "!abc", "!" + "a" * 42, "19:abc@thread.tacv3", "C0"])
def test_a_room_that_breaks_its_platforms_rule_is_refused(bad) -> None:
    assert identity.room(bad) is None


def test_the_set_up_file_takes_people_and_rooms_of_every_platform() -> None:
    setup = parse_setup(f"""
team_id = "{ENTRA.upper()}"
summary_channel = "{TEAMS_THREAD}"
alert_channel = "{ROOM_V12}"
coordinators = ["{MATRIX_USER}", "U0COORD"]
admins = ["{ENTRA}"]
areas = ["Vällingby"]

[[partner]]
name = "Polisen"
members = ["@anna:kommun.se", "T0OTHER:U0POL1", "{ENTRA.upper()}"]
""")
    assert setup.workspace_key == ENTRA and setup.summary_channel == TEAMS_THREAD and setup.alert_channel == ROOM_V12
    assert setup.coordinators == (MATRIX_USER, "U0COORD") and setup.admins == (ENTRA,)
    assert setup.partners[0].members == ("@anna:kommun.se", "T0OTHER:U0POL1", ENTRA)


@pytest.mark.parametrize(("line", "problem"), [
    ('coordinators = ["@anna"]', "rad 2, coordinators: ”@anna” är inte ett giltigt användar-id: ett Matrix-id skrivs "
                                 "@namn:server"),
    ('admins = ["3f2c8a0e-5b9d"]', "rad 2, admins: ”3f2c8a0e-5b9d” är inte ett giltigt användar-id: en "
                                   "Teams-användare anges med sitt Entra-objekt-id"),
    ('admins = ["anna"]', "rad 2, admins: ”anna” är inte ett giltigt användar-id: ett Slack-id börjar med U"),
    ('alert_channel = "#larm"', "rad 2, alert_channel: ”#larm” är inte ett kanal-id: ett Matrix-rum anges med rum-id"),
    ('alert_channel = "19:abc@thread"', "rad 2, alert_channel: ”19:abc@thread” är inte ett kanal-id: ett "
                                        "Teams-konversations-id skrivs 19:…@thread.tacv2"),
    ('summary_channel = "general"', "rad 2, summary_channel: ”general” är inte ett kanal-id: ett Slack-kanal-id"),
    ('team_id = "kommun"', "rad 2, team_id: ”kommun” är inte ett team-id"),
])
def test_each_id_is_refused_by_its_platforms_rule_naming_line_and_key(line, problem) -> None:
    with pytest.raises(SetupError) as error:
        parse_setup(f'areas = ["A"]\n{line}\n')
    assert problem in "\n".join(error.value.problems), error.value.problems


def test_a_matrix_member_is_not_read_as_a_slack_connect_member() -> None:
    toml = 'areas = ["A"]\n[[partner]]\nname = "P"\nmembers = ["@anna:kommun.se"]\n[[partner]]\nname = "Q"\n' \
           'members = ["@anna:region.se", "@anna:kommun.se"]\n'
    with pytest.raises(SetupError) as error:
        parse_setup(toml)
    assert error.value.problems == ["rad 7, partner 2 (Q): @anna:kommun.se är redan medlem i P; en användare "
                                    "rapporterar för en organisation"]


def test_the_limits_are_a_product_rule() -> None:
    partners = "".join(f'[[partner]]\nname = "P{i}"\n' for i in range(31))
    with pytest.raises(SetupError) as error:
        parse_setup('areas = [' + ", ".join(f'"O{i}"' for i in range(41)) + ']\n' + partners)
    assert error.value.problems == ["rad 1, areas: högst 40 områden i en samverkan; 41 angivna",
                                    "rad 62, partner: högst 30 samverkansparter i en samverkan; 31 angivna"]
    parse_setup('areas = [' + ", ".join(f'"O{i}"' for i in range(40)) + ']\n' + partners.rsplit("[[", 1)[0])


def test_admin_commands_read_every_platforms_people() -> None:
    text = f"Polisen @anna:kommun.se @U0POL1 {MATRIX_USER}, {ENTRA.upper()} @U0SDF WSP https://matrix.to/#/@bo:x.se"
    assert users(text) == ["@anna:kommun.se", "U0POL1", MATRIX_USER, ENTRA, "U0SDF", "@bo:x.se"]
    assert without_mentions(f"Polisen Västerort @anna:kommun.se {ENTRA}") == "Polisen Västerort"
    assert users("Polisen WSP") == [] and users("mejla anna@kommun.se") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("larm #C0ALERTS", "C0ALERTS"), ("larm C0ALERTS", "C0ALERTS"), ("larm #larm:kommun.se", "#larm:kommun.se"),
    ("larm !room:server.se", "!room:server.se"), (f"larm {ROOM_V12}", ROOM_V12), (f"larm {TEAMS_THREAD}", TEAMS_THREAD),
    ("larm #larm", None), ("larm GSS", None),
])
def test_admin_commands_read_every_platforms_rooms(text, expected) -> None:
    assert channel(text) == expected
