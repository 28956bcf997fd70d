"""Reading what an admin types: people, channels or rooms, `gammalt -> nytt`, day-and-time."""

from __future__ import annotations

import re

from commands.core.identity import people_in, rooms_in, without_people
from commands.core.matching import fold
from commands.setup.file import DAYS

# People and rooms are read by commands/core/identity.py as written ids (each adapter turns its mentions into
# them first): Slack ids, Matrix ids, room ids and aliases, Entra object ids and Teams conversation ids. A raw
# Slack id must hold a digit, so a partner called "WSP" or "GSS" is not read as a user or channel id;
# `visa` shows members as @U…, so a raw Slack id may carry that @.
_DAY_TIME = re.compile(r"^\s*(\S+)\s+(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})\s*$")


def users(text: str) -> list[str]:
    """User ids from mentions or written ids of any platform, in order, without repeats."""
    return [person.id for person in people_in(text)]


def channel(text: str) -> str | None:
    """The first channel or room id in a mention or written id."""
    return next((room.id for room in rooms_in(text)), None)


def without_mentions(text: str) -> str:
    """The text with mentions removed (what is left is a name)."""
    return without_people(text)


def rename_parts(text: str) -> tuple[str, str] | None:
    """`gammalt -> nytt` (also → or =>), or None."""
    parts = re.split(r"\s*(?:->|→|=>)\s*", text.strip(), maxsplit=1)
    return (parts[0].strip(), parts[1].strip()) if len(parts) == 2 and all(p.strip() for p in parts) else None


def day_time(text: str) -> tuple[int, int] | None:
    """`måndag 08:00` → (0, 480), or None."""
    match = _DAY_TIME.match(text)
    if not match:
        return None
    day, hour, minute = DAYS.get(fold(match.group(1))), int(match.group(2)), int(match.group(3))
    if day is None or hour > 23 or minute > 59:
        return None
    return day, hour * 60 + minute


DAY_NAMES = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


def show_day_time(day: int, minute: int) -> str:
    """(0, 480) → `måndag 08:00`."""
    return f"{DAY_NAMES[day]} {minute // 60:02d}:{minute % 60:02d}"
