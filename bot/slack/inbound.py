"""Slack's inbound command text in the neutral form the command core reads.

Slack sends a slash command's text with `&`, `<` and `>` escaped as `&amp;`, `&lt;` and `&gt;`, and (for a
command with "escape" on, bot/slack/manifest.py) mentions as `<@U0123|anna>` and `<#C0123|larm>`. The core
reads people and rooms as written ids (`@U0123`, `#C0123`, commands/core/identity.py), so mentions become those
first; only then are the entities undone, so text a user typed as `<@U0123>` stays text. User text is never
trusted to be harmless: every Slack renderer escapes it again (bot/slack/text.py).
"""

from __future__ import annotations

import re

_PERSON = re.compile(r"<@([A-Z0-9]+)(?:\|[^<>]*)?>")
_ROOM = re.compile(r"<#([A-Z0-9]+)(?:\|[^<>]*)?>")
_ENTITY = re.compile(r"&(lt|gt|amp);")
_CHARS = {"lt": "<", "gt": ">", "amp": "&"}


def neutral(text: str) -> str:
    """`<@U0123|anna>` → `@U0123`, `<#C0123|larm>` → `#C0123`, then `&lt;`/`&gt;`/`&amp;` → `<`/`>`/`&`."""
    text = _ROOM.sub(_written("#"), _PERSON.sub(_written("@"), text))
    return _ENTITY.sub(lambda m: _CHARS[m.group(1)], text)


def _written(sign: str):
    """A mention as its written id, set apart by a space where a neighbour would run into it (`<@U1><@U2>`)."""
    def replace(match: re.Match) -> str:
        text, start, end = match.string, match.start(), match.end()
        before = " " if start and (text[start - 1].isalnum() or text[start - 1] in "@#") else ""
        after = " " if end < len(text) and (text[end].isalnum() or text[end] in "<@#") else ""
        return f"{before}{sign}{match.group(1)}{after}"
    return replace
