"""The week grid in Slack: a table block (one row per area, a column per partner), kept within Slack's limits.

Messages get Slack's table block; views (App Home) cannot hold one and get a line per area in which a
partner's head and its value are joined by no-break spaces, so they never land on different lines.
`text` is the plain fallback for notifications and clients that do not show tables.
"""

from __future__ import annotations

from bot.slack.blocks import cell_text, event_text, legend
from bot.slack.limits import MESSAGE_BUDGET, TABLE_CELLS, block_units, units
from bot.slack.text import context, escape, fit, header, pack, section
from commands.core.reply import AreaRow, WeekGrid
from commands.core.spans import Typed, rich
from commands.core.texts import t
from commands.events.manage import LIST_USAGE
from commands.rating.area_value import status_text
from commands.rating.comments import COMMENTS_USAGE

ARROWS = {1: "↑", -1: "↓", 0: ""}
NBSP = "\u00a0"
FALLBACK_LIMIT = 2500
COMMENT_LINES = 15
PARTNER_COLUMNS = TABLE_CELLS - 2  # the area and the consolidated value take two of Slack's 20 cells


def value_cell(row: AreaRow) -> str:
    """The consolidated value with its markers: `🟧3 ↑ 🚨 ⚠️ ✓` (✓ fastställd; `✓4` when a critical event
    lifted the area above the fastställd 4)."""
    marks = [cell_text(row.value) + ARROWS[row.change], "🚨" if row.critical else "",
             "⚠️" if row.disagreement else "", f"✓{row.agreed_level}" if row.lifted else "✓" if row.agreed else ""]
    return " ".join(mark for mark in marks if mark)


def partner_cell(cell) -> str:
    """A partner's rating: colour and digit, 💬 when it has a comment; never split."""
    return f"{cell_text(cell.level)}{'💬' if cell.comment else ''}"


def table_block(grid: WeekGrid) -> dict:
    """Slack's table block: area, consolidated value, then a column per partner (its short name on top)."""
    shown = range(min(len(grid.partners), PARTNER_COLUMNS))

    def raw(text: str) -> dict:
        return {"type": "raw_text", "text": text}

    rows = [[raw(t("grid.column.area")), raw(t("grid.column.value")), *(raw(grid.head(i)) for i in shown)]]
    for row in grid.rows:
        rows.append([raw(row.area), raw(value_cell(row)), *(raw(partner_cell(row.cells[i])) for i in shown)])
    settings = [{"is_wrapped": True}, {"align": "left"}, *({"align": "center", "is_wrapped": True} for _ in shown)]
    return {"type": "table", "column_settings": settings, "rows": rows}


def row_text(grid: WeekGrid, row: AreaRow) -> str:
    """One area as text (App Home, clients without tables): value, markers, area, then every partner's cell."""
    status = status_text(row.value, agreed=row.agreed, critical=row.critical, agreed_level=row.agreed_level)
    parts = [cell_text(row.value), ARROWS[row.change], "🚨" if row.critical else "", f"*{escape(row.area)}*",
             f"_{status}_"]
    first = " ".join(part for part in parts if part)
    if row.disagreement:
        first += f" · ⚠️ {t('grid.disagreement')}"
    if all(cell.level is None for cell in row.cells):
        return first
    cells = " · ".join(f"{escape(grid.head(i)).replace(' ', NBSP)}{NBSP}{partner_cell(cell)}"
                       for i, cell in enumerate(row.cells))
    return f"{first}\n        {cells}"


def fallback_text(grid: WeekGrid, title: str) -> str:
    """The message's `text`: the title, then a line per area while they fit."""
    lines = [escape(title)]
    for row in grid.rows:
        cells = ", ".join(f"{escape(grid.head(i))} {cell_text(c.level)}" for i, c in enumerate(row.cells)
                          if c.level is not None)
        line = f"{cell_text(row.value)} {escape(row.area)}" + (f": {cells}" if cells else "")
        if units("\n".join([*lines, line])) > FALLBACK_LIMIT:
            lines.append("…")
            break
        lines.append(line)
    return "\n".join(lines)


def missing_section(grid: WeekGrid) -> dict:
    """Who has not reported, and how much."""
    missing = [t("grid.missing.all" if m.missing == m.total else "grid.missing.some", partner=escape(m.partner),
                 missing=m.missing, total=m.total) for m in grid.missing]
    return section(f"*{t('grid.missing.title')}:* " + ", ".join(missing) if missing
                   else t("grid.missing.imported" if grid.imported else "grid.missing.none"))


def legend_block(grid: WeekGrid) -> dict:
    """What the colours and markers mean."""
    previous = grid.week.shift(-1).short
    lifted = f" · {t('grid.legend.lifted')}" if any(row.lifted for row in grid.rows) else ""
    return context(legend(), f"{t('grid.legend.change', previous=previous)} · {t('grid.legend.disagreement')}"
                             f" · 🚨 {t('grid.legend.critical')} · {t('grid.legend.agreed')}{lifted}")


def grid_message(grid: WeekGrid, *, table: bool = True) -> dict:
    """The grid as a message (a table) or as blocks for a view (`table=False`: a line per area)."""
    title = t("grid.title", week=grid.week.label)
    if not grid.rows:
        return {"text": escape(title), "blocks": [header(title), section(t("grid.no_areas"))]}
    reported = sum(1 for i in range(len(grid.partners)) if any(r.cells[i].level is not None for r in grid.rows))
    agreed = sum(1 for r in grid.rows if r.agreed)
    summary = [t("grid.reported", reported=reported, total=len(grid.partners)),
               t("grid.agreed_count", count=agreed, total=len(grid.rows))]
    blocks = [header(title), *(section(f"⚠️ *{escape(w)}*") for w in grid.warnings[:5]),
              *pack([escape(line) for line in grid.focus]), context(" · ".join(summary))]
    if table:
        blocks.append(table_block(grid))
        if len(grid.partners) > PARTNER_COLUMNS:
            blocks.append(context(t("grid.columns.more", count=len(grid.partners) - PARTNER_COLUMNS)))
    else:
        blocks += pack([row_text(grid, row) for row in grid.rows])
    blocks.append(missing_section(grid))
    text = fallback_text(grid, title)
    budget = MESSAGE_BUDGET - units(text) - block_units([*blocks, legend_block(grid)]) - 400
    if grid.events:
        lines = [f"• {event_text(e)}" for e in grid.events]
        shown = fit(lines, budget // 2 if grid.comments else budget)
        budget -= units("\n".join(shown)) + 100
        more = [escape(rich("grid.events.more", count=len(lines) - len(shown), command=Typed(LIST_USAGE)))] \
            if len(shown) < len(lines) else []
        blocks += pack([f"*{t('event.list.title', week=grid.week.short)}*", *shown, *more])
    if grid.comments:
        lines = [f"• *{escape(c.area)}* – {escape(c.partner)}: {escape(c.text)}" for c in grid.comments[:COMMENT_LINES]]
        shown = fit(lines, budget)
        more = [escape(rich("grid.comments.more", count=len(grid.comments) - len(shown), command=Typed(COMMENTS_USAGE)))] \
            if len(shown) < len(grid.comments) else []
        blocks += pack([f"*{t('grid.comments.title')}*", *shown, *more])
    blocks.append(legend_block(grid))
    return {"text": text, "blocks": blocks}
