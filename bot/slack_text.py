"""Slack mrkdwn text: escaping user text, mentions, and Slack's size limits."""

from __future__ import annotations

import re

from bot.slack_limits import units
from commands.reply import MENTION_CLOSE, MENTION_OPEN

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
BLOCK_LIMIT = 50
_MENTION = re.compile(f"{MENTION_OPEN}([UWCG])([A-Z0-9]+){MENTION_CLOSE}")


def escape(text: str) -> str:
    """Escape &, < and > so `<!channel>` or a link typed by a user is shown, never acted on."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _MENTION.sub(lambda m: f"<{'#' if m.group(1) in 'CG' else '@'}{m.group(1)}{m.group(2)}>", escaped)
    return escaped.replace(MENTION_OPEN, "").replace(MENTION_CLOSE, "")


def clip(text: str, limit: int = SECTION_LIMIT) -> str:
    """Cut text to a limit in UTF-16 units, at a word when there is one, marking the cut."""
    if units(text) <= limit:
        return text
    cut = text.encode("utf-16-le")[: 2 * (limit - 1)].decode("utf-16-le", "ignore")
    word = cut.rsplit(" ", 1)[0]
    return (word if len(word) > len(cut) // 2 else cut) + "…"


def section(text: str) -> dict:
    """A mrkdwn section within Slack's 3000-character limit."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text)}}


def context(*texts: str) -> dict:
    """A context block of mrkdwn elements (at most 10)."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(t)} for t in texts[:10]]}


def header(text: str) -> dict:
    """A plain-text header (150 characters)."""
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, HEADER_LIMIT), "emoji": True}}


def pack(lines: list[str], limit: int = SECTION_LIMIT) -> list[dict]:
    """Sections holding as many whole lines as fit, so long lists keep within the block limit."""
    blocks, current = [], ""
    for line in lines:
        line = clip(line, limit)
        if current and units(current) + 1 + units(line) > limit:
            blocks.append(section(current))
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        blocks.append(section(current))
    return blocks


def fit(lines: list[str], budget: int, most: int | None = None) -> list[str]:
    """The first whole lines whose text fits the budget in UTF-16 units (and at most `most` of them)."""
    shown, used = [], 0
    for line in lines[:most]:
        used += units(line) + 1
        if used > budget:
            break
        shown.append(line)
    return shown
