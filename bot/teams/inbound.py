"""What a Teams user typed, as the command core reads it: the bot's @mention taken out, Teams' HTML undone.

In a channel Teams delivers only messages that @mention the bot, as `<at>Veckoläge</at> lage Finnsta 4`; in a
1:1 chat the text comes as typed. A leading `/` is optional (`/lage …` and `lage …` are the same). Other
people's mentions become their written name, so nothing a user typed reaches a reply as a live mention.
"""

from __future__ import annotations

import html
import re

from commands.core.matching import fold
from commands.registry import FAMILIES, canonical

_AT = re.compile(r"<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_NAMES = {fold(name): family.name for family in FAMILIES for name in (family.name, *family.aliases)}


def plain(text: str, bot_names: tuple[str, ...] = ()) -> str:
    """The message text without the bot's mention and without HTML (Teams sends `&amp;` and `<p>`)."""

    def mention(match: re.Match) -> str:
        name = html.unescape(_TAG.sub("", match.group(1))).strip()
        return " " if not bot_names or name in bot_names else name

    text = _AT.sub(mention, text or "")
    text = re.sub(r"<br\s*/?>|</p>|</div>", "\n", text, flags=re.IGNORECASE)
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def command(text: str, bot_names: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """`(family, rest)` for a command (`lage Finnsta 4`, `/veckolage`), or None for other words."""
    words = plain(text, bot_names)
    first, _, rest = words.partition(" ")
    family = _NAMES.get(fold(first.removeprefix("/")))
    return (canonical(family), rest.strip()) if family else None
