"""How one area row of the grid reads in Slack: status words, markers, and missing never shown as 1."""

from __future__ import annotations

import pytest

from bot.blocks import row_text
from commands.reply import AreaRow, Cell, WeekGrid
from commands.weeks import Week


def line(**row) -> str:
    fields = dict(area="Grimsta", cells=(Cell(None), Cell(None)), value=None, agreed=False, previous=None,
                  disagreement=False, critical=False)
    fields.update(row)
    grid = WeekGrid(Week(2026, 47), ("Polisen", "Skolan"), (AreaRow(**fields),), ())
    return row_text(grid, grid.rows[0])


@pytest.mark.parametrize(("row", "first_line"), [
    (dict(), "⬜– *Grimsta* _ingen bedömning_"),
    (dict(value=3, cells=(Cell(3), Cell(None))), "🟧3 *Grimsta* _föreslagen_"),
    (dict(value=2, agreed=True, previous=4, cells=(Cell(3), Cell(None))), "🟨2 ↓ *Grimsta* _fastställd_"),
    (dict(value=5, critical=True), "🟪5‼ 🚨 *Grimsta* _kritisk händelse_"),
    (dict(value=4, disagreement=True, cells=(Cell(4), Cell(1))), "🟥4 *Grimsta* _föreslagen_ · ⚠️ oenighet"),
])
def test_row_status(row: dict, first_line: str) -> None:
    assert line(**row).split("\n")[0] == first_line


def test_partner_cells_show_missing_as_missing() -> None:
    text = line(value=3, cells=(Cell(3, "lugnt"), Cell(None)))
    assert text.split("\n")[1].strip() == "Polisen 🟧3💬 · Skolan ⬜–"
