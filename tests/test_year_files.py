"""The year table as a PNG heatmap and as an Excel workbook, checked pixel by pixel and cell by cell."""

from __future__ import annotations

import io
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.files.year_picture import MISSING_HEX, footnote, grid_pixels, ink, legend_entries, year_png
from bot.files.year_xlsx import CRITICAL_NOTE, LEGEND_SHEET, year_xlsx
from commands.core.scale import SCALE, level
from commands.core.weeks import Week, weeks_in_year
from commands.year.table import YearTable

AREAS = ("Hässelby gård", "Hässelby strand", "Vällingby", "Grimsta", "Nälsta")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def make_table(year: int, values: dict[tuple[int, str], int], critical: set[tuple[int, str]] = frozenset(),
               areas: tuple[str, ...] = AREAS) -> YearTable:
    weeks = tuple(Week(year, n) for n in range(1, weeks_in_year(year) + 1))
    return YearTable(year, weeks, areas, dict(values), frozenset(critical))


def sample_values(weeks: int) -> dict[tuple[int, str], int]:
    """Levels 1–5; weeks 45.. not assessed yet, plus single holes (week % 7 == 3, third area)."""
    values = {}
    for week in range(1, min(weeks, 44) + 1):
        for i, area in enumerate(AREAS):
            if not (i == 2 and week % 7 == 3):
                values[(week, area)] = 1 + (week + i) % 4  # 1..4
    values[(10, "Vällingby")] = values[(38, "Grimsta")] = 5
    return values


CRITICAL = {(10, "Vällingby"), (38, "Grimsta")}


@pytest.fixture(scope="module")
def table_2023() -> YearTable:
    return make_table(2023, sample_values(52), CRITICAL)


@pytest.fixture(scope="module")
def table_2026() -> YearTable:
    return make_table(2026, sample_values(53) | {(53, "Nälsta"): 2})


@pytest.fixture(scope="module")
def empty_2025() -> YearTable:
    return make_table(2025, {})


@pytest.fixture(scope="module")
def png_2023(table_2023: YearTable) -> bytes:
    return year_png(table_2023)


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def cell_point(table: YearTable, row: int, col: int) -> tuple[int, int]:
    """A pixel inside the cell, left of the number and clear of the critical frame."""
    left, top, right, bottom = grid_pixels(table)
    width, height = (right - left) / len(table.areas), (bottom - top) / len(table.weeks)
    return int(top + (row + 0.5) * height), int(left + (col + 0.15) * width)


# --- PNG ---------------------------------------------------------------------------------------------

def test_png_is_a_portrait_png_of_phone_size(png_2023: bytes) -> None:
    assert png_2023.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png_2023))
    image.verify()
    width, height = Image.open(io.BytesIO(png_2023)).size
    assert 600 <= width <= 900 and 1000 <= height <= 1400 and height > width
    assert len(png_2023) < 400_000


def test_png_is_deterministic_and_thread_safe(table_2023: YearTable, png_2023: bytes) -> None:
    assert year_png(table_2023) == png_2023
    with ThreadPoolExecutor(max_workers=3) as pool:
        renders = list(pool.map(lambda _: year_png(table_2023), range(3)))
    assert all(r == png_2023 for r in renders)


def test_every_cell_has_its_level_colour_or_missing_grey(table_2023: YearTable, png_2023: bytes) -> None:
    image = pixels(png_2023)
    for r, week in enumerate(table_2023.weeks):
        for c, area in enumerate(table_2023.areas):
            value = table_2023.value(week.week, area)
            expected = level(value).hex if value is not None else MISSING_HEX
            y, x = cell_point(table_2023, r, c)
            assert tuple(image[y, x]) == rgb(expected), (week, area)


def test_one_different_cell_changes_only_that_cell(table_2023: YearTable, png_2023: bytes) -> None:
    changed = replace(table_2023, values=table_2023.values | {(20, "Grimsta"): 1})
    assert table_2023.value(20, "Grimsta") == 4
    diff = np.any(pixels(year_png(changed)) != pixels(png_2023), axis=2)
    ys, xs = np.nonzero(diff)
    assert len(ys) > 0
    left, top, right, bottom = grid_pixels(table_2023)
    cell_w, cell_h = (right - left) / len(AREAS), (bottom - top) / len(table_2023.weeks)
    col, row = AREAS.index("Grimsta"), 19
    assert left + col * cell_w - 1 <= xs.min() and xs.max() <= left + (col + 1) * cell_w + 1
    assert top + row * cell_h - 1 <= ys.min() and ys.max() <= top + (row + 1) * cell_h + 1
    assert (xs.max() - xs.min() + 1) * (ys.max() - ys.min() + 1) < diff.size / 200


def test_missing_is_never_drawn_as_one(table_2023: YearTable, png_2023: bytes) -> None:
    values = {k: v for k, v in table_2023.values.items() if k != (1, "Hässelby gård")}
    holes = replace(table_2023, values=values)
    assert table_2023.value(1, "Hässelby gård") == 2
    image = pixels(year_png(holes))
    y, x = cell_point(holes, 0, 0)
    assert tuple(image[y, x]) == rgb(MISSING_HEX) != rgb(level(1).hex)


def test_empty_year_renders_without_level_colours_in_the_grid(empty_2025: YearTable) -> None:
    png = year_png(empty_2025)
    assert png.startswith(PNG_SIGNATURE)
    image = pixels(png)
    left, top, right, bottom = (int(v) for v in grid_pixels(empty_2025))
    grid = image[top:bottom, left:right].reshape(-1, 3)
    colours = {tuple(p) for p in grid}
    assert rgb(MISSING_HEX) in colours
    assert not colours & {rgb(s.hex) for s in SCALE}
    assert png != year_png(make_table(2025, {}, areas=AREAS[:1]))


def test_53_weeks_render_one_row_taller(table_2026: YearTable, png_2023: bytes) -> None:
    png = year_png(table_2026)
    height_52 = pixels(png_2023).shape[0]
    height_53 = pixels(png).shape[0]
    row = (grid_pixels(table_2026)[3] - grid_pixels(table_2026)[1]) / 53
    assert height_53 > height_52 and abs(height_53 - height_52 - row) <= 1
    y, x = cell_point(table_2026, 52, AREAS.index("Nälsta"))
    assert tuple(pixels(png)[y, x]) == rgb(level(2).hex)


def test_many_long_area_names_and_a_custom_title_still_render() -> None:
    areas = tuple(f"Stadsdelsområde nummer {i}" for i in range(20))
    table = make_table(2024, {(w, a): 1 + w % 5 for w in range(1, 53) for a in areas}, areas=areas)
    png = year_png(table, title="Lägesbild Västerort")
    width, height = Image.open(io.BytesIO(png)).size
    assert height > width and len(png) < 400_000
    left, _, right, _ = grid_pixels(table)
    assert 0 < left < right < width


def frame_pixels(png: bytes, table: YearTable, row: int, col: int) -> int:
    """Black pixels on the cell's top edge, where a critical frame is drawn (the grid lines are white)."""
    left, top, right, bottom = grid_pixels(table)
    width, height = (right - left) / len(table.areas), (bottom - top) / len(table.weeks)
    y, x0, x1 = int(top + row * height), int(left + (col + 0.2) * width), int(left + (col + 0.8) * width)
    band = pixels(png)[max(y - 1, 0):y + 2, x0:x1]
    return int(np.all(band < 40, axis=2).sum())


def test_only_weeks_with_a_critical_event_are_framed_and_the_legend_says_so(table_2023: YearTable,
                                                                           png_2023: bytes) -> None:
    """An imported year has 5s without events: ‼ belongs to level 5 (as in the legend), the frame to events."""
    imported = replace(table_2023, critical=frozenset({(10, "Vällingby")}))  # week 38's 5 has no event
    png = year_png(imported)
    assert frame_pixels(png, imported, 9, AREAS.index("Vällingby")) > 10
    assert frame_pixels(png, imported, 37, AREAS.index("Grimsta")) == 0
    assert frame_pixels(png_2023, table_2023, 37, AREAS.index("Grimsta")) > 10
    assert frame_pixels(png, imported, 19, AREAS.index("Grimsta")) == 0  # a 4, no event
    labels = [label for label, _ in legend_entries()]
    assert labels[4] == "5‼ Kritiskt läge" and labels[:4] == [f"{s.number} {s.name}" for s in SCALE[:4]]
    assert "‼" not in footnote(imported) and "Ram" in footnote(imported) and "kritisk händelse" in footnote(imported)
    assert footnote(replace(table_2023, critical=frozenset())) == ""  # nothing framed, nothing to explain


def test_text_colour_contrasts_with_the_level() -> None:
    assert [ink(s.hex) for s in SCALE] == ["#000000", "#000000", "#000000", "#ffffff", "#ffffff"]
    assert ink(MISSING_HEX) == "#000000"


# --- XLSX --------------------------------------------------------------------------------------------

def read(table: YearTable):
    return load_workbook(io.BytesIO(year_xlsx(table)))


def test_xlsx_sheets_header_and_values(table_2023: YearTable) -> None:
    wb = read(table_2023)
    assert wb.sheetnames == ["2023", LEGEND_SHEET]
    ws = wb["2023"]
    assert [c.value for c in ws[1]] == ["vecka", *AREAS]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "B2"
    assert ws.max_row == 1 + 52
    for r, week in enumerate(table_2023.weeks, start=2):
        assert ws.cell(r, 1).value == week.week
        for c, area in enumerate(AREAS, start=2):
            cell = ws.cell(r, c)
            assert cell.value == table_2023.value(week.week, area), (week, area)
            assert cell.value is None or type(cell.value) is int
            assert cell.data_type == "n"
    assert all(ws.column_dimensions[chr(ord("B") + i)].width >= len(a) for i, a in enumerate(AREAS))


def test_xlsx_fills_fonts_and_critical_marks(table_2023: YearTable) -> None:
    ws = read(table_2023)["2023"]
    seen = set()
    for r, week in enumerate(table_2023.weeks, start=2):
        for c, area in enumerate(AREAS, start=2):
            cell, value = ws.cell(r, c), table_2023.value(week.week, area)
            critical = (week.week, area) in table_2023.critical
            if value is None:
                assert cell.fill.fill_type is None and cell.comment is None
                continue
            seen.add(value)
            assert cell.fill.fill_type == "solid"
            assert cell.fill.fgColor.rgb == "FF" + level(value).hex[1:].upper()
            assert cell.font.color.rgb == ("FFFFFFFF" if value >= 4 else "FF000000")
            assert bool(cell.font.b) is critical
            assert (cell.border.left.style == "thick") is critical
            if critical:
                assert cell.comment.text == CRITICAL_NOTE and cell.comment.author == "Veckoläge"
            else:
                assert cell.comment is None
    assert seen == {1, 2, 3, 4, 5}


def test_xlsx_legend_lists_the_scale_in_order(table_2023: YearTable) -> None:
    legend = read(table_2023)[LEGEND_SHEET]
    rows = list(legend.iter_rows(min_row=2, max_row=6))
    expected = [(s.number, s.name, s.meaning) for s in SCALE]
    assert [(r[0].value, r[1].value, r[2].value) for r in rows] == expected
    assert [r[0].fill.fgColor.rgb for r in rows] == ["FF" + s.hex[1:].upper() for s in SCALE]
    text = " ".join(str(c.value) for row in legend.iter_rows() for c in row if c.value)
    assert "kritisk händelse" in text and "ingen bedömning" in text


def test_xlsx_53_weeks_and_empty_year(table_2026: YearTable, empty_2025: YearTable) -> None:
    ws = read(table_2026)["2026"]
    assert ws.max_row == 1 + 53 and ws.cell(54, 1).value == 53 and ws.cell(54, 6).value == 2
    empty = read(empty_2025)["2025"]
    assert empty.max_row == 1 + 52
    assert [empty.cell(r, 1).value for r in range(2, 54)] == list(range(1, 53))
    assert all(c.value is None for row in empty.iter_rows(min_row=2, min_col=2) for c in row)


# --- cheap to import ---------------------------------------------------------------------------------

def test_importing_the_modules_does_not_load_matplotlib_or_openpyxl() -> None:
    code = ("import sys, bot.files.year_picture, bot.files.year_xlsx; "
            "assert not {'matplotlib', 'openpyxl'} & set(sys.modules), sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parent.parent)


def test_a_workspace_without_areas_still_renders() -> None:
    table = make_table(2023, {}, areas=())
    assert year_png(table).startswith(PNG_SIGNATURE)
    assert read(table)["2023"].max_row == 1 + 52
