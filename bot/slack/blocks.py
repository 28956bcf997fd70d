"""Reply → Block Kit: the one place that knows how a reply looks in Slack."""

from __future__ import annotations

from functools import singledispatch

from bot.slack.limits import MESSAGE_BUDGET
from bot.slack.text import command, context, escape, fit, header, pack, section
from commands.core.reply import (
    EventLine,
    EventList,
    ExportRequest,
    FileReply,
    HelpReply,
    Notice,
    Trend,
    WeekGrid,
    YearRequest,
)
from commands.core.scale import MISSING_EMOJI, MISSING_MARK, SCALE, level
from commands.core.texts import t

TONE_ICON = {"ok": "✅", "error": "⚠️", "info": "ℹ️"}


@singledispatch
def render(reply) -> dict:
    """A message payload (`text` + `blocks`) for a reply."""
    raise TypeError(f"no Slack rendering for {type(reply).__name__}")


@render.register
def _notice(reply: Notice) -> dict:
    lines = [escape(line) for line in reply.lines]
    shown = fit(lines, MESSAGE_BUDGET - 1500)  # long answers (the audit log with comments) end with a count
    more = [escape(t("notice.more", count=len(lines) - len(shown)))] if len(shown) < len(lines) else []
    blocks = pack([f"{TONE_ICON[reply.tone]} *{escape(reply.title)}*", *shown, *more])
    if reply.usage:
        blocks.append(section(escape(t("usage", usage="{usage}")).format(usage=command(reply.usage))))
    if reply.week is not None:
        blocks.append(context(f"📅 {escape(reply.week.label)}"))
    return {"text": escape(reply.title), "blocks": blocks}


@render.register
def _year_working(reply: YearRequest) -> dict:  # the picture follows off the request path (bot/slack/year_delivery.py)
    return {"text": escape(t("year.working" if reply.channel_id else "year.working.dm", year=reply.year))}


@render.register
def _export_working(reply: ExportRequest) -> dict:
    return {"text": escape(t("export.working", year=reply.year, format=reply.format))}


@render.register
def _file_working(reply: FileReply) -> dict:
    return {"text": escape(t("file.working", name=reply.filename))}


@render.register
def _help(reply: HelpReply) -> dict:
    lines = [f"{command(e.usage)}\n{escape(e.summary)}" for e in reply.entries]
    blocks = [header(reply.title), *pack(lines)]
    if reply.notes:
        blocks.append(context(*(escape(n) for n in reply.notes)))
    return {"text": escape(reply.title), "blocks": blocks}


def event_text(line: EventLine) -> str:
    """`#12 🚨 *Skjutning* – Vällingby, lör 21 nov 22:15 (Polisen): … · ej kvitterad` (escaped, one line).

    Types without an emoji of their own (marked "•") get none here: the line is usually a bullet already."""
    emoji = "" if line.emoji == "•" else f" {line.emoji}"
    text = f"#{line.number}{emoji} *{escape(line.type_name)}* – {escape(line.area)}, {escape(line.when)} " \
           f"({escape(line.partner)})"
    if line.description:
        text += f": {escape(' '.join(line.description.split()))}"  # a line break would end the bullet
    return f"{text} · _{escape(line.status)}_" if line.status else text


@render.register
def _events(reply: EventList) -> dict:
    title = t("event.list.title", week=reply.week.label)
    if not reply.events:
        return {"text": title, "blocks": [section(escape(t("event.list.none", week=reply.week.label)))]}
    lines = [f"• {event_text(e)}" for e in reply.events]
    shown = fit(lines, MESSAGE_BUDGET - 1000)
    more = [t("event.list.more", count=len(lines) - len(shown))] if len(shown) < len(lines) else []
    return {"text": title, "blocks": [header(title), *pack([*shown, *more])]}


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
    from bot.slack.grid_blocks import (
        grid_message,  # the grid has its own module; it builds on the helpers here
    )

    return grid_message(grid)


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


import bot.slack.insats_blocks  # noqa: E402, F401  (registers the insats replies on `render`)
