"""Reply text as Adaptive Card elements: RichTextBlock text runs, which Teams shows literally (no markdown).

A TextBlock would read `**`, `_` and `[link](…)` typed by a user as formatting; a TextRun never does, so
user text is shown as typed and nothing in it can turn into a mention. Spans become runs: Strong is bold,
Typed a command in monospace, a Mention the person's name when known, else the written id.
"""

from __future__ import annotations

from bot.teams.names import name_of
from commands.core.scale import MISSING_EMOJI, MISSING_MARK, level
from commands.core.spans import Mention, Strong, Text, Typed, spans, written

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"  # tables (1.5) are shown by Teams on desktop, web and mobile


def runs(text: Text, **style: object) -> list[dict]:
    """The text runs of a reply text; `style` (weight, isSubtle, size …) applies to every run."""
    out = []
    for span in spans(text):
        if isinstance(span, Strong):
            out.append({"type": "TextRun", "text": span.text, **style, "weight": "Bolder"})
        elif isinstance(span, Typed):
            out.append({"type": "TextRun", "text": span.text, **style, "fontType": "Monospace"})
        elif isinstance(span, Mention):
            out.append({"type": "TextRun", "text": _shown(span), **style})
        elif span:
            out.append({"type": "TextRun", "text": span, **style})
    return out


def block(text: Text, *, spacing: str | None = None, **style: object) -> dict:
    """One paragraph of reply text (a RichTextBlock that wraps)."""
    element = {"type": "RichTextBlock", "inlines": runs(text, **style) or [{"type": "TextRun", "text": " "}]}
    return {**element, "spacing": spacing} if spacing else element


def plain_text(text: Text) -> str:
    """Reply text as plain words (a notification's summary): mentions written out, commands as typed."""
    return "".join(_shown(s) if isinstance(s, Mention) else s if isinstance(s, str) else s.text
                   for s in spans(text))


def _shown(span: Mention) -> str:
    """A person by the name Teams last showed for them (bot/teams/names.py), else the written id."""
    return (name_of(span.id) if span.kind == "person" else None) or written(span)


def cell_text(value: int | None) -> str:
    """Colour and number together (`🟧3`, `🟪5‼`); a missing report is `⬜–`, never 1."""
    if value is None:
        return f"{MISSING_EMOJI}{MISSING_MARK}"
    step = level(value)
    return f"{step.emoji}{value}{step.marker}"


def card(body: list[dict], actions: list[dict] | None = None, *, entities: list[dict] | None = None) -> dict:
    """An Adaptive Card as wide as the chat allows (with the mentions of `mentions_block`, when given)."""
    content = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body,
               "msteams": {"width": "Full", **({"entities": entities} if entities else {})}}
    return {**content, "actions": actions} if actions else content


_MARKUP = str.maketrans("", "", "<>*_[]`#~\\")


def mentions_block(people: list[str], fallback: str) -> tuple[dict, list[dict]]:
    """Real Teams @mentions that notify (a TextBlock of `<at>` tags and the card's entities for them), by Entra
    object id; the name shown is the one Teams last sent for the person, else `fallback`. Names are stripped of
    markdown, as a TextBlock would read it."""
    tags, entities = [], []
    for user_id in people:
        name = " ".join((name_of(user_id) or fallback).translate(_MARKUP).split()) or fallback
        tag = f"<at>{name}</at>"
        tags.append(tag)
        entities.append({"type": "mention", "text": tag, "mentioned": {"id": user_id, "name": name}})
    return {"type": "TextBlock", "text": " ".join(tags), "wrap": True}, entities
