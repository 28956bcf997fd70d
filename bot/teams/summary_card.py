"""The Monday summary in Teams: critical events first, then what rose, disagreements, then the grid's tables;
the partners' comments as replies in its thread, and "uppdaterad: …" notes when the week changes later.

Cards only: bot/teams/delivery.py posts them (the summary, then each reply in its thread) and updates the summary
in place when the week changes.
"""

from __future__ import annotations

import json

from bot.teams.card_text import block, card
from bot.teams.grid_card import CARD_BUDGET, footer, tables
from commands.core.spans import from_data, rich
from commands.core.texts import t
from commands.rhythm.summary import Summary

COMMENTS_PER_REPLY = 40


def _size(element) -> int:
    return len(json.dumps(element, ensure_ascii=False).encode())


def summary_cards(summary: Summary) -> list[dict]:
    """The summary message (more than one card only when the grid would not fit one message)."""
    grid = summary.grid
    body = [block(t("summary.title", week=grid.week.label), size="Large", weight="Bolder"),
            *(block(f"⚠️ {w}" if isinstance(w, str) else ("⚠️ ", *w), weight="Bolder") for w in grid.warnings[:5])]
    if summary.critical:
        body.append(block(f"🚨 {t('summary.critical')}", weight="Bolder", color="Attention", spacing="Medium"))
        body += [block(f"#{e.number} {e.emoji} {e.type_name} – {e.area}, {e.when} ({e.partner})"
                       + (f": {' '.join(e.description.split())}" if e.description else "")) for e in summary.critical]
    if summary.rose:
        body.append(block(f"↑ {t('summary.rose')}", weight="Bolder", spacing="Medium"))
        body += [block(f"• {r.area} {r.previous} → {r.value}") for r in summary.rose]
    if summary.disagreements:
        body.append(block(f"⚠️ {t('summary.disagreements')}", weight="Bolder", spacing="Medium"))
        for row in summary.disagreements:
            levels = [(grid.head(i), c.level) for i, c in enumerate(row.cells) if c.level is not None]
            low, high = min(v for _, v in levels), max(v for _, v in levels)
            ends = [", ".join(name for name, v in levels if v == end) + f" {end}" for end in (low, high)]
            body.append(block(f"• {row.area}: {ends[0]} – {ends[1]}"))
    if not (summary.critical or summary.rose or summary.disagreements):
        body.append(block(t("summary.nothing")))
    cards = []
    for element in [*tables(grid), *footer(grid, comments=False)]:
        if body and _size(card([*body, element])) > CARD_BUDGET:
            cards.append(card(body))
            body = []
        body.append(element)
    return [*cards, card(body)]


def comment_cards(summary: Summary) -> list[dict]:
    """The thread's replies: every partner's comment, numbered (1/3) when there is more than one reply."""
    grid = summary.grid
    if not grid.comments:
        return []
    lines = [f"• {c.area} – {c.partner}: {c.text}" for c in grid.comments]
    chunks = [lines[i:i + COMMENTS_PER_REPLY] for i in range(0, len(lines), COMMENTS_PER_REPLY)]
    title = t("summary.comments", week=grid.week.short)
    return [card([block(title if len(chunks) == 1 else f"{title} ({n}/{len(chunks)})", weight="Bolder"),
                  *(block(line) for line in chunk)]) for n, chunk in enumerate(chunks, start=1)]


def note_card(change: str | list) -> dict:
    """`uppdaterad: Polisen bedömde Vällingby 3 → 4`, from the change as the outbox stores it."""
    return card([block(rich("summary.updated", change=from_data(change)), isSubtle=True)])
