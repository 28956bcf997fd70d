"""Replies as Teams cards, at the scale we design for: 20 areas × 10 partners with long Swedish names and full
comments, and the product's limit of 40 areas × 30 partners, every cell shown and every message within Teams'
size; text runs show user text literally."""

from __future__ import annotations

import json

from bot.teams.grid_card import CARD_BUDGET, PARTNER_COLUMNS
from bot.teams.render import render
from commands.core.reply import AreaRow, Cell, Comment, MissingReport, Notice, WeekGrid
from commands.core.spans import Strong, Typed, mention
from commands.core.weeks import Week

TEAMS_MESSAGE_LIMIT = 28_000  # bytes of an activity Teams accepts (about 28 KB)


def wide_grid(areas: int, partners: int) -> WeekGrid:
    names = [f"Samverkanspart nummer {i} med ett långt namn (förvaltning)" for i in range(partners)]
    rows = tuple(AreaRow(f"Område {a} – Vällingby centrum och Råcksta gård", tuple(
        Cell((a + p) % 5 + 1 if (a + p) % 7 else None, "k" * 300 if p % 2 else None) for p in range(partners)),
        (a % 5) + 1, a % 3 == 0, (a + 1) % 5 + 1, a % 4 == 0, a % 9 == 0) for a in range(areas))
    comments = tuple(Comment(r.area, names[0], "ö" * 300) for r in rows)
    return WeekGrid(Week(2026, 47), tuple(names), rows, tuple(MissingReport(n, 3, areas) for n in names), comments,
                    heads=tuple(f"Part {i}" for i in range(partners)))


def cells(messages) -> list[list[str]]:
    """Every table row of every card, as the texts of its cells."""
    out = []
    for message in messages:
        for item in message.card["body"]:
            if item["type"] == "Table":
                for row in item["rows"]:
                    out.append([c["items"][0].get("text") or "".join(r["text"] for r in c["items"][0]["inlines"])
                                for c in row["cells"]])
    return out


def test_a_grid_of_20_areas_and_10_partners_shows_every_cell_in_at_most_two_messages() -> None:
    grid = wide_grid(20, 10)  # 46-character area names, 300-character comments: the worst we design for
    messages = render(grid)
    assert len(messages) <= 2
    assert all(len(json.dumps(m.card, ensure_ascii=False).encode()) <= CARD_BUDGET for m in messages)
    rows = cells(messages)
    tables = -(-10 // PARTNER_COLUMNS)
    assert len(rows) == tables * 21
    assert max(len(r) for r in rows) <= PARTNER_COLUMNS + 2  # narrow enough for a phone
    assert [r[0] for r in rows[1:21]] == [row.area for row in grid.rows]
    partner_cells = [c for r in rows for c in r[1:] if c.startswith(("🟩", "🟨", "🟧", "🟥", "🟪", "⬜"))]
    assert len(partner_cells) == 20 * 10 + 20  # every partner's cell and the consolidated value, each with its number
    assert all(any(ch.isdigit() for ch in c) or c.startswith("⬜–") for c in partner_cells)


def test_the_largest_collaboration_is_split_over_messages_each_within_teams_size() -> None:
    grid = wide_grid(40, 30)
    messages = render(grid)
    assert all(len(json.dumps(m.card, ensure_ascii=False).encode()) <= CARD_BUDGET < TEAMS_MESSAGE_LIMIT
               for m in messages)
    values = [c for r in cells(messages) for c in r[1:] if c.startswith(("🟩", "🟨", "🟧", "🟥", "🟪", "⬜"))]
    assert len(values) == 40 * 30 + 40


def test_spans_become_bold_monospace_and_written_mentions() -> None:
    notice = Notice("ok", "Klart", (("Sparat av ", mention("3f2c8a0e-5b9d-4c7e-8a1b-2c3d4e5f6a7b"), " i ",
                                     Strong("Vällingby"), "; ändra med ", Typed("lage Vällingby 3")),))
    body = render(notice)[0].card["body"]
    runs = body[1]["inlines"]
    assert [r["text"] for r in runs] == ["Sparat av ", "@3f2c8a0e-5b9d-4c7e-8a1b-2c3d4e5f6a7b", " i ", "Vällingby",
                                         "; ändra med ", "lage Vällingby 3"]
    assert runs[3]["weight"] == "Bolder" and runs[5]["fontType"] == "Monospace"
