"""Slack mrkdwn text: escaping user text, mentions, and Slack's size limits."""

from __future__ import annotations

from bot.slack.limits import units
from commands.core.spans import Mention, Strong, Text, Typed, spans
from commands.core.spans import plain as spans_plain

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
BLOCK_LIMIT = 50
PREFIX = "/"  # Slack's commands are slash commands


def escape(text: Text) -> str:
    """Reply text as mrkdwn: words escaped (&, <, >) so `<!channel>` or a link typed by a user is shown, never
    acted on; mentions as `<@U…>`/`<#C…>`, emphasis bold, commands with their slash."""
    out = []
    for span in spans(text):
        if isinstance(span, Mention):
            out.append(f"<{'@' if span.kind == 'person' else '#'}{span.id}>")
        elif isinstance(span, Strong):
            out.append(f"*{_escape(span.text)}*")
        elif isinstance(span, Typed):
            out.append(_escape(PREFIX + span.text))
        else:
            out.append(_escape(span))
    return "".join(out)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: Text) -> str:
    """Reply text for Slack's plain-text fields (form errors): no markup, mentions as `@U…`, commands with `/`."""
    return spans_plain(text, PREFIX)


def command(usage: str) -> str:
    """A command's usage as Slack users type it, as code: `` `/lage [vecka] …` ``."""
    return f"`{_escape(PREFIX + usage)}`"


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
