"""The week grid as Adaptive Cards: tables with colour and number in every cell, narrow enough for a phone.

A table of the area, the consolidated value and every partner would be 32 columns wide for 30 partners, and
Teams squeezes columns rather than scrolling them. So the partners are split into tables of PARTNER_COLUMNS,
each beginning with the area, the first with the consolidated value; and cards are split so each stays
under Teams' message size (about 28 KB including the activity).
"""

from __future__ import annotations

import json

from bot.teams.card_text import block, card, cell_text
from commands.core.reply import AreaRow, WeekGrid
from commands.core.scale import SCALE
from commands.core.spans import Typed, rich
from commands.core.texts import t

PARTNER_COLUMNS = 5  # with the area and the value: seven narrow columns, about 48 px each on a phone
CARD_BUDGET = 24_000  # bytes of card JSON per message; Teams refuses activities over about 28 KB
ARROWS = {1: "↑", -1: "↓", 0: ""}
STYLE = {0: "emphasis", 1: "good", 2: "warning", 3: "warning", 4: "attention", 5: "attention"}  # behind the value
EMOJI = {"🟩", "🟨", "🟧", "🟥", "🟪", "⬜"}


def value_text(row: AreaRow) -> str:
    """The consolidated value with its markers: `🟧3↑ 🚨 ⚠️ ✓`."""
    marks = [cell_text(row.value) + ARROWS[row.change], "🚨" if row.critical else "",
             "⚠️" if row.disagreement else "", f"✓{row.agreed_level}" if row.lifted else "✓" if row.agreed else ""]
    return " ".join(mark for mark in marks if mark)


def _cell(text: str, level: int | None = None, *, bold: bool = False) -> dict:
    """A cell of names (literal text runs), or a value cell: our own `🟧3` in a short TextBlock, the
    consolidated value (`level`) also coloured behind."""
    if level is not None or text[:1] in EMOJI:
        cell = {"type": "TableCell", "items": [{"type": "TextBlock", "text": text}]}  # short: 40 rows fit
        return {**cell, "style": STYLE[level]} if level is not None else cell
    run = {"type": "TextRun", "text": text, **({"weight": "Bolder"} if bold else {})}
    return {"type": "TableCell", "items": [{"type": "RichTextBlock", "inlines": [run]}]}


def _groups(grid: WeekGrid) -> list[range]:
    return [range(i, min(i + PARTNER_COLUMNS, len(grid.partners)))
            for i in range(0, max(len(grid.partners), 1), PARTNER_COLUMNS)]


def _table(grid: WeekGrid, group: range, first: bool, rows: list[AreaRow]) -> dict:
    """One table: the area, the consolidated value (in the first group), the group's partners."""
    head = [_cell(t("grid.column.area"), bold=True), *([_cell(t("grid.column.value"), bold=True)] if first else []),
            *(_cell(grid.head(i), bold=True) for i in group)]
    out = [{"type": "TableRow", "cells": head, "style": "emphasis"}]
    for row in rows:
        cells = [_cell(row.area), *([_cell(value_text(row), row.value or 0)] if first else []),
                 *(_cell(cell_text(row.cells[i].level) + ("💬" if row.cells[i].comment else "")) for i in group)]
        out.append({"type": "TableRow", "cells": cells})
    widths = [{"width": 3}, *([{"width": 2}] if first else []), *({"width": 2} for _ in group)]
    return {"type": "Table", "columns": widths, "rows": out, "spacing": "Medium"}


def tables(grid: WeekGrid, budget: int = CARD_BUDGET) -> list[dict]:
    """One table per group of partners, each split by rows where one would not fit a message."""
    out = []
    for number, group in enumerate(_groups(grid)):
        chunk: list[AreaRow] = []
        for row in grid.rows:
            if chunk and _size(_table(grid, group, number == 0, [*chunk, row])) > budget - 2_000:
                out.append(_table(grid, group, number == 0, chunk))
                chunk = []
            chunk.append(row)
        out.append(_table(grid, group, number == 0, chunk))
    return out


def _size(element: dict | list) -> int:
    return len(json.dumps(element, ensure_ascii=False).encode())


def _header(grid: WeekGrid) -> list[dict]:
    reported = sum(1 for i in range(len(grid.partners)) if any(r.cells[i].level is not None for r in grid.rows))
    agreed = sum(1 for r in grid.rows if r.agreed)
    summary = " · ".join([t("grid.reported", reported=reported, total=len(grid.partners)),
                          t("grid.agreed_count", count=agreed, total=len(grid.rows))])
    return [block(t("grid.title", week=grid.week.label), size="Large", weight="Bolder"),
            *(block(f"⚠️ {w}" if isinstance(w, str) else ("⚠️ ", *w), weight="Bolder") for w in grid.warnings[:5]),
            block(summary, isSubtle=True)]


def footer(grid: WeekGrid, *, comments: bool = True) -> list[dict]:
    """Who has not reported, the week's events and comments (the first ten; none with `comments=False`: the
    summary has them all in its thread), the legend."""
    missing = [t("grid.missing.all" if m.missing == m.total else "grid.missing.some", partner=m.partner,
                 missing=m.missing, total=m.total) for m in grid.missing]
    out = [block(t("grid.missing.title") + ": " + ", ".join(missing)) if missing else
           block(t("grid.missing.imported" if grid.imported else "grid.missing.none"))]
    if grid.events:
        out.append(block(t("event.list.title", week=grid.week.short), weight="Bolder", spacing="Medium"))
        out += [block(f"#{e.number} {e.emoji} {e.type_name} – {e.area}, {e.when} ({e.partner})") for e in grid.events[:10]]
    if grid.comments and comments:
        out.append(block(t("grid.comments.title"), weight="Bolder", spacing="Medium"))
        out += [block(f"• {c.area} – {c.partner}: {c.text}") for c in grid.comments[:10]]
        if len(grid.comments) > 10:
            out.append(block(rich("grid.comments.more", count=len(grid.comments) - 10,
                                  command=Typed("veckolage kommentarer"))))
    steps = "  ".join(f"{cell_text(s.number)} {s.name.split()[0]}" for s in SCALE)
    legend = f"{steps}  {cell_text(None)} {t('grid.legend.missing')} · " \
             f"{t('grid.legend.change', previous=grid.week.shift(-1).short)} · {t('grid.legend.disagreement')} · " \
             f"🚨 {t('grid.legend.critical')} · {t('grid.legend.agreed')}"
    return [*out, block(legend, isSubtle=True, size="Small", spacing="Medium")]


def grid_cards(grid: WeekGrid) -> list[dict]:
    """The grid as one card, or several when it would not fit one message (40 areas × 30 partners)."""
    if not grid.rows:
        return [card([*_header(grid), block(t("grid.no_areas"))])]
    cards, body = [], _header(grid)
    for table in [*tables(grid), *footer(grid)]:
        if body and _size(card([*body, table])) > CARD_BUDGET:
            cards.append(card(body))
            body = []
        body.append(table)
    return [*cards, card(body)]
