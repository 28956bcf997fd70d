"""A Matrix message's text → what to run: `!lage …`, `!veckolage …`, `!handelse …`, `!lagesadmin …` and
`!kvittera <nr>`; a `!lage` of several lines rates several areas at once (bot/matrix/commands.py).

Only the registry's families (and `kvittera`) are ours: other `!words` belong to other bots and are left alone.
A reply's quoted fallback (`> <@anna:server> …` lines first) is dropped before the command is read."""

from __future__ import annotations

from dataclasses import dataclass

from bot.matrix.text import PREFIX
from commands.registry import FAMILIES, canonical

KVITTERA = ("kvittera",)
OURS = {name for family in FAMILIES for name in (family.name, *family.aliases)}


@dataclass(frozen=True)
class Typed:
    """A command as typed: its family (canonical), the rest of the first line, and any further lines."""

    family: str
    text: str
    more: tuple[str, ...] = ()


def without_fallback(body: str) -> str:
    """The message without a reply's quoted fallback."""
    lines = body.split("\n")
    if lines and lines[0].startswith("> "):
        while lines and lines[0].startswith(">"):
            lines.pop(0)
        while lines and not lines[0].strip():
            lines.pop(0)
    return "\n".join(lines)


def read(body: str) -> Typed | None:
    """The command in a message, or None when it is not one of ours."""
    lines = [line.strip() for line in without_fallback(body or "").strip().split("\n")]
    if not lines or not lines[0].startswith(PREFIX):
        return None
    word, _, rest = lines[0][len(PREFIX):].partition(" ")
    word = word.lower()
    if word in KVITTERA:
        return Typed("kvittera", rest.strip())
    if word not in OURS:
        return None
    return Typed(canonical(word), rest.strip(), tuple(line for line in lines[1:] if line))
