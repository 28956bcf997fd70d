"""The console's colours are readable (WCAG contrast ≥ 4.5:1) and its tables stay aligned with emoji in them."""

from __future__ import annotations

import re

from wcwidth import wcwidth

from bot.console.render import render_text, year_text
from commands.core.scale import SCALE
from commands.core.weeks import Week, weeks_in_year
from commands.year.table import YearTable

ANSI = re.compile(r"\x1b\[([0-9;]*)m")
CUBE = (0, 95, 135, 175, 215, 255)


def rgb_of(code: int) -> tuple[int, int, int]:
    """xterm's 256 colours: the 6×6×6 cube (16–231)."""
    assert 16 <= code <= 231, code
    n = code - 16
    return CUBE[n // 36], CUBE[n // 6 % 6], CUBE[n % 6]


def luminance(rgb: tuple[int, int, int]) -> float:
    r, g, b = (c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def colours(text: str) -> list[tuple[tuple[int, int, int], tuple[int, int, int], str]]:
    """(background, foreground, text) of every coloured run in terminal output."""
    runs = []
    for match in re.finditer(r"\x1b\[([0-9;]+)m([^\x1b]*)\x1b\[0m", text):
        codes = match.group(1).split(";")
        background = foreground = None
        for i in range(len(codes) - 2):
            if codes[i + 1] == "5" and codes[i] in ("48", "38"):
                colour = rgb_of(int(codes[i + 2]))
                background, foreground = (colour, foreground) if codes[i] == "48" else (background, colour)
        if background is None:
            continue  # bold text, no colour
        assert foreground, match.group(0)  # never the terminal's own (unknown) default colour on a background
        runs.append((background, foreground, match.group(2)))
    return runs


def test_every_level_is_drawn_with_at_least_4_5_to_1_contrast(chat):
    for n in range(1, 5):
        chat("U0POL1", f"/lage {['Hässelby gård', 'Hässelby strand', 'Vällingby', 'Grimsta'][n - 1]} {n}")
    chat("U0SDF", "/lage Grimsta 5")
    text = render_text(chat("U0POL1", "/veckolage"), color=True)
    runs = colours(text)
    assert {run[2].strip()[0] for run in runs} == {"1", "2", "3", "4", "5"}
    for background, foreground, cell in runs:
        assert contrast(background, foreground) >= 4.5, (cell, background, foreground)
    dark = {run[2].strip()[0] for run in runs if run[1] == (0, 0, 0)}
    assert dark == {"1", "2", "3"}  # the light levels (green, yellow, orange) carry dark digits


def cells(line: str) -> list[str]:
    """The line as the terminal lays it out: one entry per display column (a wide character takes two)."""
    out = []
    for ch in ANSI.sub("", line):
        out += [ch] if wcwidth(ch) != 2 else [ch, ""]
    return out


def assert_aligned(table: list[str], *, padded: bool) -> None:
    """Every cell starts where its column's dashes do (one column later when the colour pads it), and the
    gaps between the columns are blank, measured in display columns."""
    dashes = next(line for line in table if set(line.strip()) <= {"-", " "} and line.strip())
    spans = [m.span() for m in re.finditer(r"-+", dashes)]
    for line in table:
        row = cells(line) + [" "] * 200
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert row[end:start] == [" "] * (start - end), (line, end, start)
        for start, end in spans:
            text = "".join(row[start:end])
            if text.strip() and not (padded and text.startswith(" ")):
                assert row[start] != " ", (line, start)
            if padded and text.startswith(" ") and text.strip():
                assert row[start + 1] != " ", (line, start)


def test_the_grid_stays_aligned_with_emoji_in_the_status_column(chat):
    chat("U0POL1", "/handelse Vällingby skjutning skott mot port")  # 🚨
    chat("U0POL1", "/lage Grimsta 1")
    chat("U0SDF", "/lage Grimsta 4 oroligt")  # ⚠ and *
    chat("U0COORD", "/veckolage fastställ Hässelby gård 2")  # F
    for color in (False, True):
        text = render_text(chat("U0POL1", "/veckolage"), color=color)
        lines = text.splitlines()
        table = lines[1:lines.index("")]
        assert any("🚨" in line for line in table) and any("⚠" in line for line in table)
        assert_aligned(table, padded=color)


def test_the_year_table_stays_aligned():
    weeks = tuple(Week(2023, n) for n in range(1, weeks_in_year(2023) + 1))
    table = YearTable(2023, weeks, ("Vällingby", "Grimsta"), {(1, "Vällingby"): 5, (2, "Grimsta"): 3},
                      frozenset({(1, "Vällingby")}))
    for color in (False, True):
        lines = year_text(table, color=color).splitlines()
        assert_aligned(lines[1:lines.index("")], padded=color)
    assert SCALE[-1].marker in year_text(table, color=False)
