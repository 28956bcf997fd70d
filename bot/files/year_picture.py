"""The årssammanställning as a phone-readable PNG heatmap: weeks down, areas across, numbers in every cell."""

from __future__ import annotations

import io
import math
import threading

from commands.core.scale import SCALE, level
from commands.core.texts import t
from commands.year.table import YearTable

MISSING_HEX = "#f2f2f2"
WIDTH, DPI = 7.0, 110  # inches, dots per inch
ROW, LEFT, TITLE, LEGEND = 0.16, 0.62, 0.5, 0.85  # inches
CELL_PT, LABEL_PT, WEEK_PT = 8.0, 8.5, 7.0  # font sizes in points


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def ink(hex_colour: str) -> str:
    """White or black, whichever contrasts more with the background colour."""
    lum = _luminance(hex_colour)
    return "#ffffff" if (1.05 / (lum + 0.05)) > ((lum + 0.05) / 0.05) else "#000000"


def _text_inches(text: str, points: float) -> float:
    """A generous estimate of a label's width in DejaVu Sans."""
    return len(text) * points * 0.58 / 72


def _header(areas: tuple[str, ...]) -> tuple[float, float, bool]:
    """Header height, right margin (inches) and whether the area labels must be rotated 45°."""
    right = 0.2
    for _ in range(3):  # the column width depends on the right margin, which depends on the labels
        col = (WIDTH - LEFT - right) / max(len(areas), 1)
        rotate = any(_text_inches(a, LABEL_PT) > col * 0.95 for a in areas)
        if not rotate:
            return 0.32, right, False
        reach = max((_text_inches(a, LABEL_PT) * math.sqrt(0.5) - (len(areas) - i - 0.5) * col
                     for i, a in enumerate(areas)), default=0.0)
        right = min(max(0.2, reach + 0.1), 2.0)
    height = max((_text_inches(a, LABEL_PT) for a in areas), default=0.0) * math.sqrt(0.5) + 0.02
    return height, right, True


def legend_entries() -> list[tuple[str, str]]:
    """The legend's (label, colour): each level as its cells show it (`5‼`), then the empty cell."""
    return [*((f"{s.number}{s.marker} {s.name}", s.hex) for s in SCALE), (t("year.picture.missing"), MISSING_HEX)]


def footnote(table: YearTable) -> str:
    """The line under the legend: what a frame means, only when the picture has a framed cell."""
    return t("year.picture.footnote") if framed(table) else ""


def framed(table: YearTable) -> list[tuple[int, int]]:
    """(row, column) of the cells drawn with a frame: an assessed week with a critical event, nothing else."""
    return [(r, c) for r, week in enumerate(table.weeks) for c, area in enumerate(table.areas)
            if (week.week, area) in table.critical and table.value(week.week, area) is not None]


def grid_pixels(table: YearTable) -> tuple[float, float, float, float]:
    """Left, top, right, bottom of the cell grid in PNG pixels (y downwards), for tests and image maps."""
    header, right, _ = _header(table.areas)
    height = TITLE + header + len(table.weeks) * ROW + LEGEND
    return LEFT * DPI, (TITLE + header) * DPI, (WIDTH - right) * DPI, (height - LEGEND) * DPI


_RENDER = threading.Lock()  # matplotlib's shared font and text-path caches (FreeType) are not thread-safe


def year_png(table: YearTable, *, title: str | None = None) -> bytes:
    """Render the year table as a colour-coded PNG (no pyplot; one render at a time per process)."""
    with _RENDER:
        return _render(table, title)


def _render(table: YearTable, title: str | None) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    weeks = [w.week for w in table.weeks]
    areas = table.areas
    rows, cols = len(weeks), max(len(areas), 1)
    header, right, rotate = _header(areas)
    height = TITLE + header + rows * ROW + LEGEND
    fig = Figure(figsize=(WIDTH, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((LEFT / WIDTH, LEGEND / height, 1 - (LEFT + right) / WIDTH, rows * ROW / height))
    ax.set_xlim(0, cols)
    ax.set_ylim(rows, 0)
    # One image for all the cell colours and one marker collection per level for the numbers: drawing a
    # thousand separate patches and texts took over a second.
    rgb = [[_rgb(level(v).hex if (v := table.value(week, area)) is not None else MISSING_HEX) for area in areas]
           for week in weeks]
    ax.imshow(rgb or [[_rgb(MISSING_HEX)]], extent=(0, cols, rows, 0), aspect="auto", interpolation="nearest",
              resample=False)
    ax.hlines(range(1, rows), 0, cols, colors="white", linewidth=0.8)
    ax.vlines(range(1, cols), 0, rows, colors="white", linewidth=0.8)
    for step in SCALE:
        cells = [(c + 0.5, r + 0.53) for r, week in enumerate(weeks) for c, area in enumerate(areas)
                 if table.value(week, area) == step.number]
        if cells:
            label = f"{step.number}{step.marker}"
            xs, ys = zip(*cells, strict=True)
            ax.scatter(xs, ys, marker=f"${label}$", s=(CELL_PT * (1.0 + 0.7 * len(step.marker))) ** 2,
                       c=ink(step.hex), linewidths=0, zorder=2)
    for r, c in framed(table):  # black frame on the grid line, white ring inside it
        ax.add_patch(Rectangle((c, r), 1, 1, fill=False, edgecolor="black", linewidth=2.4, zorder=3))
        ax.add_patch(Rectangle((c + 0.05, r + 0.13), 0.9, 0.74, fill=False, edgecolor="white",
                               linewidth=0.9, zorder=3))
    ax.set_yticks([r + 0.5 for r in range(rows)], [f"v{w}" for w in weeks], fontsize=WEEK_PT)
    ax.set_ylabel(t("year.picture.week"), fontsize=9)
    ax.xaxis.tick_top()
    ax.set_xticks([c + 0.5 for c in range(len(areas))], list(areas), fontsize=LABEL_PT,
                  rotation=45 if rotate else 0, ha="left" if rotate else "center",
                  rotation_mode="anchor" if rotate else "default")
    ax.tick_params(length=0, pad=3)
    for spine in ax.spines.values():
        spine.set_visible(False)
    heading = title if title is not None else t("year.picture.title", year=table.year)
    fig.text(0.5, 1 - 0.2 / height, heading, ha="center", va="center", fontsize=13, fontweight="bold")
    if table.empty:
        fig.text(0.5, 1 - 0.42 / height, t("year.picture.no_data"), ha="center", va="center", fontsize=10, color="#555555")
    handles = [Patch(facecolor=colour, edgecolor="#999999", label=label) for label, colour in legend_entries()]
    per_row = 3  # matplotlib fills legend columns first; reorder so the rows read 1 2 3 / 4 5 ej bedömd
    handles = [handles[i] for c in range(per_row) for i in range(c, len(handles), per_row)]
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, (LEGEND - 0.06) / height),
               ncol=per_row, fontsize=8, frameon=False, handlelength=1.4, columnspacing=1.2)
    if note := footnote(table):
        fig.text(0.5, 0.2 / height, note, ha="center", va="center", fontsize=8, color="#333333")
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()
