"""People and rooms on a chat platform: typed values, each read by the rule of its own platform.

The id is what the platform itself uses and what the database stores (storage/models.py: 255 wide):
- Slack: people `U0123ABCD` (from another workspace through Slack Connect `T0TEAM:U0123ABCD`), channels
  `C…` or `G…`, teams `T…`.
- Matrix: people `@localpart:server`, rooms `!opaque:server` or, from room version 12, `!` and 43
  characters with no server, room aliases `#alias:server`. Any server name (federation), a port allowed.
- Teams: people by their Entra object id (a GUID, kept in lower case), conversations `19:…@thread.tacv2`
  (also `@thread.v2`, `@thread.skype`, `@unq.gbl.spaces`, and a thread's `;messageid=…`).

`person()` and `room()` read one whole value (a setting); `people_in()` and `rooms_in()` find them in
free text (an admin command). Each adapter turns its own mention syntax into these written ids before a
command reads the text (Slack's: bot/slack/inbound.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SLACK, MATRIX, TEAMS = "slack", "matrix", "teams"
MATRIX_ID_LIMIT = 255  # the Matrix specification's limit for user ids, room ids and aliases

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_SERVER = rf"(?:\[[0-9A-Fa-f:.]{{2,45}}\]|{_LABEL}(?:\.{_LABEL})*)(?::[0-9]{{1,5}})?"
_GUID = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"

# One whole value, per platform and kind. A Slack id in free text must also hold a digit (see _FIND).
_SLACK_PERSON = re.compile(r"(?:(?P<team>[TE][A-Z0-9]{2,20}):)?(?P<id>[UW][A-Z0-9]{2,20})")
_SLACK_ROOM = re.compile(r"[CG][A-Z0-9]{2,20}")
_SLACK_TEAM = re.compile(r"[TE][A-Z0-9]{2,20}")
_MATRIX_PERSON = re.compile(rf"@[A-Za-z0-9._=\-/+]+:{_SERVER}")
_MATRIX_ROOM = re.compile(rf"![A-Za-z0-9._=\-/+~]+:{_SERVER}|![A-Za-z0-9_-]{{43}}|#[\w.=\-/+]+:{_SERVER}")
_GUID_ONLY = re.compile(_GUID)
_TEAMS_ROOM = re.compile(r"19:[A-Za-z0-9_.=+\-]+@(?:thread\.(?:tacv2|v2|skype)(?:;messageid=[0-9]+)?|unq\.gbl\.spaces)")


@dataclass(frozen=True)
class Person:
    """Someone on one platform; `team` is a Slack Connect member's own workspace."""

    platform: str
    id: str
    team: str | None = None

    def __str__(self) -> str:
        """As written in veckolage.toml: `T0TEAM:U0123` for a Slack Connect member, else the id."""
        return f"{self.team}:{self.id}" if self.team else self.id


@dataclass(frozen=True)
class Room:
    """A channel, room or conversation on one platform (a Matrix alias is kept as written)."""

    platform: str
    id: str

    def __str__(self) -> str:
        return self.id


def _fits(value: str) -> bool:
    return len(value) <= MATRIX_ID_LIMIT


def person_platform(value: str) -> str:
    """Whose rule a written person id is checked by: `@…` Matrix, a GUID-like value Teams, else Slack."""
    value = value.strip()
    if value.startswith("@"):
        return MATRIX
    if re.fullmatch(r"[0-9A-Fa-f-]{8,}", value) and "-" in value:
        return TEAMS
    return SLACK


def room_platform(value: str) -> str:
    """Whose rule a written room id is checked by: `!…`/`#…` Matrix, `19:…` Teams, else Slack."""
    value = value.strip()
    if value[:1] in ("!", "#"):
        return MATRIX
    if value.startswith("19:"):
        return TEAMS
    return SLACK


def person(value: str) -> Person | None:
    """One person id by the rule of its platform, or None when it breaks that rule."""
    value = value.strip()
    platform = person_platform(value)
    if platform == MATRIX:
        return Person(MATRIX, value) if _MATRIX_PERSON.fullmatch(value) and _fits(value) else None
    if platform == TEAMS:
        return Person(TEAMS, value.lower()) if _GUID_ONLY.fullmatch(value) else None
    match = _SLACK_PERSON.fullmatch(value)
    return Person(SLACK, match["id"], match["team"]) if match else None


def room(value: str) -> Room | None:
    """One room id by the rule of its platform, or None when it breaks that rule."""
    value = value.strip()
    rule = {MATRIX: _MATRIX_ROOM, TEAMS: _TEAMS_ROOM, SLACK: _SLACK_ROOM}[platform := room_platform(value)]
    return Room(platform, value) if rule.fullmatch(value) and _fits(value) else None


def team(value: str) -> str | None:
    """A collaboration's team: a Slack team id, a Teams tenant (GUID, lower case) or a Matrix server name."""
    value = value.strip()
    if _SLACK_TEAM.fullmatch(value):
        return value
    if _GUID_ONLY.fullmatch(value):
        return value.lower()
    return value if re.fullmatch(_SERVER, value) and "." in value and _fits(value) else None


# Free text: each platform's written form, standing alone (at the start or after a character that cannot be
# part of an id: a positive look-behind on a negated class).
_EDGE_BEFORE, _EDGE_AFTER = r"(?:^|(?<=[^\w@!#:<|-]))", r"(?![\w-])"
_FIND_PEOPLE = re.compile(
    rf"{_EDGE_BEFORE}(?P<matrix>{_MATRIX_PERSON.pattern}){_EDGE_AFTER}"
    rf"|{_EDGE_BEFORE}(?P<guid>{_GUID}){_EDGE_AFTER}"
    r"|(?:^|(?<=[^A-Z0-9@]))@?(?P<slack>[UW](?=[A-Z]*[0-9])[A-Z0-9]{2,20})(?![A-Z0-9])")
_FIND_ROOMS = re.compile(
    rf"{_EDGE_BEFORE}(?P<matrix>{_MATRIX_ROOM.pattern}){_EDGE_AFTER}"
    rf"|{_EDGE_BEFORE}(?P<teams>{_TEAMS_ROOM.pattern}){_EDGE_AFTER}"
    r"|(?:^|(?<=[^A-Z0-9]))(?P<slack>[CG](?=[A-Z]*[0-9])[A-Z0-9]{2,20})(?![A-Z0-9])")


def people_in(text: str) -> list[Person]:
    """Everyone named in the text (mentions or written ids of any platform), in order, without repeats."""
    found = (person(match.group(match.lastgroup)) for match in _FIND_PEOPLE.finditer(text))
    return list(dict.fromkeys(p for p in found if p is not None))


def rooms_in(text: str) -> list[Room]:
    """Every room named in the text, in order, without repeats."""
    found = (room(match.group(match.lastgroup)) for match in _FIND_ROOMS.finditer(text))
    return list(dict.fromkeys(r for r in found if r is not None))


def without_people(text: str) -> str:
    """The text with every person taken out: what is left is a name."""
    return re.sub(r"\s+", " ", _FIND_PEOPLE.sub(" ", text)).strip()
