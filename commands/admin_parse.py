"""Reading what an admin types: @mentions, #channels, `gammalt -> nytt`, day-and-time."""

from __future__ import annotations

import re

from commands.matching import fold
from commands.setup_file import CHANNEL_ID, DAYS, USER_ID

# With "escape" on, Slack sends <@U123|anna> and <#C123|lage>; people may also paste raw ids.
# A raw id must hold a digit, so a partner called "WSP" or "GSS" is not read as a user or channel id.
# `visa` shows members as @U…, so a raw id may carry that @ (typed in the console, or copied from `visa`).
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|(?<![A-Z0-9@])@?([UW](?=[A-Z]*[0-9])[A-Z0-9]{2,20})(?![A-Z0-9])")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>|(?<![A-Z0-9])([CG](?=[A-Z]*[0-9])[A-Z0-9]{2,20})(?![A-Z0-9])")
_DAY_TIME = re.compile(r"^\s*(\S+)\s+(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})\s*$")


def users(text: str) -> list[str]:
    """User ids from mentions or raw ids, in order, without repeats."""
    found = [a or b for a, b in _USER.findall(text)]
    return [u for u in dict.fromkeys(found) if USER_ID.match(u)]


def channel(text: str) -> str | None:
    """The first channel id in a mention or raw id."""
    found = [a or b for a, b in _CHANNEL.findall(text)]
    return next((c for c in found if CHANNEL_ID.match(c)), None)


def without_mentions(text: str) -> str:
    """The text with mentions removed (what is left is a name)."""
    return re.sub(r"\s+", " ", _USER.sub(" ", re.sub(r"<@[^>]*>", " ", text))).strip()


def unescape(text: str) -> str:
    """Undo Slack's escaping of &, < and > in command text."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


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
