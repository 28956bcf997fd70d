"""How the grid reads in Slack: a table with a row per area and a column per partner (short names on top);
as text (App Home) a line per area whose partner names never part from their values; missing never shown as 1."""

from __future__ import annotations

import pytest

from bot.slack.grid_blocks import row_text, table_block
from commands.core.reply import AreaRow, Cell, WeekGrid
from commands.core.weeks import Week


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
    assert text.split("\n")[1].strip() == "Polisen\u00a0🟧3💬 · Skolan\u00a0⬜–"  # no-break: name and value together


def test_a_partner_name_with_spaces_never_wraps_apart_from_its_value() -> None:
    grid = WeekGrid(Week(2026, 47), ("Stadsdelsförvaltningen Hässelby-Vällingby",),
                    (AreaRow("Grimsta", (Cell(4),), 4, False, None, False),), ())
    cells = row_text(grid, grid.rows[0]).split("\n")[1].strip()
    assert " " not in cells and cells == "\u00a0".join(["Stadsdelsförvaltningen", "Hässelby-Vällingby", "🟥4"])


def test_the_table_has_a_row_per_area_and_a_column_per_partner_headed_by_its_short_name() -> None:
    rows = (AreaRow("Vällingby centrum – torget och gallerian", (Cell(4, "stenkastning"), Cell(None)), 5, False, 3,
                    True, critical=True),
            AreaRow("Grimsta", (Cell(2), Cell(2)), 2, True, 2, False))
    grid = WeekGrid(Week(2026, 47), ("Polisen", "Skolan"), rows, (), heads=("Polis", "Skolan"))
    table = table_block(grid)
    shown = [[cell["text"] for cell in row] for row in table["rows"]]
    assert shown == [["Område", "Samlat", "Polis", "Skolan"],
                     ["Vällingby centrum – torget och gallerian", "🟪5‼↑ 🚨 ⚠️", "🟥4💬", "⬜–"],
                     ["Grimsta", "🟨2 ✓", "🟨2", "🟨2"]]
    assert all(cell["type"] == "raw_text" for row in table["rows"] for cell in row)
    assert table["column_settings"][0] == {"is_wrapped": True}  # long area names wrap inside their column
