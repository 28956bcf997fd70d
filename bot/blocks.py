"""Reply → Block Kit: the one place that knows how a reply looks in Slack."""

from __future__ import annotations

from functools import singledispatch

from bot.slack_text import BLOCK_LIMIT, context, escape, header, pack, section
from commands.area_value import status_text
from commands.reply import EventLine, EventList, HelpReply, Notice, Trend, WeekGrid
from commands.scale import MISSING_EMOJI, MISSING_MARK, SCALE, level
from commands.texts import t

TONE_ICON = {"ok": "✅", "error": "⚠️", "info": "ℹ️"}
ARROWS = {1: "↑", -1: "↓", 0: ""}
COMMENT_LINES = 15


@singledispatch
def render(reply) -> dict:
    """A message payload (`text` + `blocks`) for a reply."""
    raise TypeError(f"no Slack rendering for {type(reply).__name__}")


@render.register
def _notice(reply: Notice) -> dict:
    lines = [f"{TONE_ICON[reply.tone]} *{escape(reply.title)}*", *(escape(line) for line in reply.lines)]
    blocks = pack(lines)
    if reply.usage:
        blocks.append(section(escape(t("usage", usage=f"`{reply.usage}`"))))
    if reply.week is not None:
        blocks.append(context(f"📅 {escape(reply.week.label)}"))
    return {"text": escape(reply.title), "blocks": blocks}


@render.register
def _help(reply: HelpReply) -> dict:
    lines = [f"`{escape(e.usage)}`\n{escape(e.summary)}" for e in reply.entries]
    blocks = [header(reply.title), *pack(lines)]
    if reply.notes:
        blocks.append(context(*(escape(n) for n in reply.notes)))
    return {"text": escape(reply.title), "blocks": blocks}


def event_text(line: EventLine) -> str:
    """`#12 🚨 *Skjutning* – Vällingby, lör 21 nov 22:15 (Polisen): … · ej kvitterad` (escaped)."""
    text = f"#{line.number} {line.emoji} *{escape(line.type_name)}* – {escape(line.area)}, {escape(line.when)} " \
           f"({escape(line.partner)})"
    if line.description:
        text += f": {escape(line.description)}"
    return f"{text} · _{escape(line.status)}_" if line.status else text


@render.register
def _events(reply: EventList) -> dict:
    title = t("event.list.title", week=reply.week.label)
    if not reply.events:
        return {"text": title, "blocks": [section(escape(t("event.list.none", week=reply.week.label)))]}
    return {"text": title, "blocks": [header(title), *pack([f"• {event_text(e)}" for e in reply.events])]}


def cell_text(value: int | None) -> str:
    """Colour and number together: colour is never the only signal; missing is never 1."""
    if value is None:
        return f"{MISSING_EMOJI}{MISSING_MARK}"
    step = level(value)
    return f"{step.emoji}{value}{step.marker}"


def legend() -> str:
    """The scale with its colours, and how missing reports look."""
    steps = "  ".join(f"{cell_text(s.number)} {s.name.split()[0]}" for s in SCALE)
    return f"{steps}  {cell_text(None)} {t('grid.legend.missing')}"


@render.register
def _grid(grid: WeekGrid) -> dict:
    title = t("grid.title", week=grid.week.label)
    if not grid.rows:
        return {"text": title, "blocks": [header(title), section(t("grid.no_areas"))]}
    reported = sum(1 for i in range(len(grid.partners)) if any(r.cells[i].level is not None for r in grid.rows))
    agreed = sum(1 for r in grid.rows if r.agreed)
    summary = [t("grid.reported", reported=reported, total=len(grid.partners)),
               t("grid.agreed_count", count=agreed, total=len(grid.rows))]
    blocks = [header(title), *(section(f"⚠️ *{escape(w)}*") for w in grid.warnings[:5]), context(" · ".join(summary))]
    blocks += pack([row_text(grid, row) for row in grid.rows])
    missing = [t("grid.missing.all" if m.missing == m.total else "grid.missing.some",
                 partner=escape(m.partner), missing=m.missing, total=m.total) for m in grid.missing]
    blocks.append(section(f"*{t('grid.missing.title')}:* " + ", ".join(missing) if missing
                          else t("grid.missing.imported" if grid.imported else "grid.missing.none")))
    if grid.comments:
        shown = [f"• *{escape(c.area)}* – {escape(c.partner)}: {escape(c.text)}" for c in grid.comments[:COMMENT_LINES]]
        if len(grid.comments) > COMMENT_LINES:
            shown.append(t("grid.comments.more", count=len(grid.comments) - COMMENT_LINES))
        blocks += pack([f"*{t('grid.comments.title')}*", *shown])
    if grid.events:
        blocks += pack([f"*{t('event.list.title', week=grid.week.short)}*", *(f"• {event_text(e)}" for e in grid.events)])
    previous = grid.week.shift(-1).short
    blocks.append(context(legend(), f"{t('grid.legend.change', previous=previous)} · {t('grid.legend.disagreement')}"
                                    f" · 🚨 {t('grid.legend.critical')}"))
    return {"text": title, "blocks": blocks[:BLOCK_LIMIT]}


def row_text(grid: WeekGrid, row) -> str:
    """One area of the grid: consolidated value, change, markers, then every partner's cell."""
    status = status_text(row.value, agreed=row.agreed, critical=row.critical, agreed_level=row.agreed_level)
    parts = [cell_text(row.value), ARROWS[row.change], "🚨" if row.critical else "", f"*{escape(row.area)}*",
             f"_{status}_"]
    first = " ".join(part for part in parts if part)
    if row.disagreement:
        first += f" · ⚠️ {t('grid.disagreement')}"
    if all(cell.level is None for cell in row.cells):
        return first
    cells = " · ".join(
        f"{escape(name)} {cell_text(cell.level)}{'💬' if cell.comment else ''}"
        for name, cell in zip(grid.partners, row.cells, strict=True)
    )
    return f"{first}\n        {cells}"


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def trend_lines(trend: Trend) -> tuple[str, str, str]:
    """Title, the colour row with numbers, and the comparison with the collaboration."""
    first, last = trend.points[0].week, trend.points[-1].week
    title = t("trend.title", area=trend.area, first=first.short, last=f"{last.short} {last.year}")
    row = " ".join(f"{p.week.short} {cell_text(p.value)}" for p in trend.points)
    mean, average = trend.mean, trend.collaboration_mean
    if mean is None:
        return title, row, t("trend.none")
    verdict = "trend.same" if average is None or abs(mean - average) < 0.25 else (
        "trend.above" if mean > average else "trend.below")
    return title, row, t("trend.compare", mean=_number(mean), average=_number(average), verdict=t(verdict))


@render.register
def _trend(trend: Trend) -> dict:
    title, row, compare = trend_lines(trend)
    return {"text": escape(title), "blocks": [section(f"*📈 {escape(title)}*"), section(row), context(compare)]}
