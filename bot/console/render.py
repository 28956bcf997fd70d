"""Reply → terminal text: the same replies as Slack, as a coloured table (tabulate)."""

from __future__ import annotations

from functools import singledispatch

from tabulate import tabulate

from bot.files.year_picture import ink
from commands.core.reply import (
    EventForm,
    EventLine,
    EventList,
    FieldErrors,
    HelpReply,
    Notice,
    RatingForm,
    Trend,
    WeekGrid,
)
from commands.core.scale import MISSING_MARK, SCALE, level
from commands.core.spans import Text
from commands.core.spans import plain as spans_plain
from commands.core.texts import t
from commands.events.report import USAGE as EVENT_USAGE
from commands.rating.rate import USAGE as RATE_USAGE
from commands.year.table import YearTable, summary_lines

RESET = "\033[0m"
BOLD = "\033[1m"
TONE = {"ok": "✔", "error": "✖", "info": "ℹ"}


PREFIX = "/"  # the console takes the slash commands as Slack does


def plain(text: Text) -> str:
    """Reply text for the terminal and logs: mentions as `@id`/`#id`, commands with their slash."""
    return spans_plain(text, PREFIX)


_plain = plain


CUBE = (0, 95, 135, 175, 215, 255)  # the xterm 256-colour cube's channel values
BLACK, WHITE = "38;5;16", "38;5;231"  # the cube's own black and white: the same on every terminal theme


def ansi_hex(code: str) -> str:
    """`48;5;220` (a background from the 256-colour cube) → its `#rrggbb`."""
    index = int(code.rsplit(";", 1)[1]) - 16
    if not 0 <= index < 216:
        raise ValueError(f"{code} is not a colour of the 256-colour cube")
    return "#" + "".join(f"{CUBE[c]:02x}" for c in (index // 36, index // 6 % 6, index % 6))


def digit_colour(step) -> str:
    """Dark digits on light levels, white on dark ones: whichever contrasts more (WCAG), as the PNG does."""
    return WHITE if ink(ansi_hex(step.ansi)) == "#ffffff" else BLACK


def paint(value: int | None, color: bool, *, extra: str = "") -> str:
    """A cell: coloured background with the number (and 5's marker); missing shows as –."""
    if value is None:
        return MISSING_MARK
    step = level(value)
    text = f" {value}{step.marker}{extra} "
    return f"\033[{step.ansi};{digit_colour(step)};1m{text}{RESET}" if color else text.strip()


@singledispatch
def render_text(reply, color: bool = True) -> str:
    """The terminal text of a reply."""
    raise TypeError(f"no console rendering for {type(reply).__name__}")


@render_text.register
def _notice(reply: Notice, color: bool = True) -> str:
    title = f"{TONE[reply.tone]} {_plain(reply.title)}"
    lines = [f"{BOLD}{title}{RESET}" if color else title, *(f"  {_plain(x)}" for x in reply.lines)]
    if reply.usage:
        lines.append("  " + t("usage", usage=PREFIX + reply.usage))
    if reply.week:
        lines.append(f"  📅 {reply.week.label}")
    return "\n".join(lines)


@render_text.register
def _help(reply: HelpReply, color: bool = True) -> str:
    rows = [(PREFIX + e.usage, e.summary) for e in reply.entries]
    return "\n".join([_plain(reply.title), tabulate(rows, tablefmt="plain"), *map(_plain, reply.notes)])


@render_text.register
def _field_errors(reply: FieldErrors, color: bool = True) -> str:
    return "\n".join(f"{TONE['error']} {_plain(message)}" for message in reply.errors.values())


@render_text.register
def _form(reply: RatingForm, color: bool = True) -> str:
    return t("rate.form.only_slack", usage=PREFIX + RATE_USAGE)


@render_text.register
def _event_form(reply: EventForm, color: bool = True) -> str:
    return t("event.form.only_slack", usage=PREFIX + EVENT_USAGE)


def event_text(line: EventLine) -> str:
    """`#12 🚨 Skjutning – Vällingby, lör 21 nov 22:15 (Polisen): … · ej kvitterad`."""
    text = f"#{line.number} {line.emoji} {line.type_name} – {line.area}, {line.when} ({line.partner})"
    if line.description:
        text += f": {line.description}"
    return f"{text} · {_plain(line.status)}" if line.status else text


@render_text.register
def _events(reply: EventList, color: bool = True) -> str:
    if not reply.events:
        return t("event.list.none", week=reply.week.label)
    return "\n".join([t("event.list.title", week=reply.week.label), *(f"  {event_text(e)}" for e in reply.events)])


@render_text.register
def _grid(grid: WeekGrid, color: bool = True) -> str:
    title = t("grid.title", week=grid.week.label)
    if not grid.rows:
        return f"{title}\n{t('grid.no_areas')}"
    headers = [t("cli.console.grid.area"), t("cli.console.grid.value"), "", *grid.partners]
    rows = []
    for row in grid.rows:
        status = (f"F{row.agreed_level}" if row.lifted else "F" if row.agreed else "") + ({1: "↑", -1: "↓"}.get(row.change, "")) + ("🚨" if row.critical else "")
        if row.disagreement:
            status += "⚠"
        cells = [paint(c.level, color, extra="*" if c.comment else "") for c in row.cells]
        rows.append([row.area, paint(row.value, color), status, *cells])
    table = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
    missing = ", ".join(
        t("grid.missing.all" if m.missing == m.total else "grid.missing.some",
          partner=m.partner, missing=m.missing, total=m.total) for m in grid.missing
    )
    legend = "  ".join(f"{paint(s.number, color)} {s.name}" for s in SCALE)
    out = [f"{BOLD}{title}{RESET}" if color else title, *(_plain(f) for f in grid.focus),
           *(f"⚠ {_plain(w)}" for w in grid.warnings), table, "",
           f"{t('grid.missing.title')}: {missing}" if missing
           else t("grid.missing.imported" if grid.imported else "grid.missing.none")]
    if grid.comments:
        out += [t("grid.comments.title") + ":", *(f"  * {c.area} – {c.partner}: {c.text}" for c in grid.comments)]
    if grid.events:
        out += [t("event.list.title", week=grid.week.short) + ":", *(f"  {event_text(e)}" for e in grid.events)]
    out += ["", legend, t("cli.console.grid.legend", missing=t("grid.legend.missing"),
                          change=t("grid.legend.change", previous=grid.week.shift(-1).short))]
    return "\n".join(out)


@render_text.register
def _trend(trend: Trend, color: bool = True) -> str:
    from bot.slack.blocks import trend_lines

    title, _, compare = trend_lines(trend)
    cells = "  ".join(f"{p.week.short} {paint(p.value, color)}" for p in trend.points)
    return "\n".join([title, cells, compare])


def year_text(table: YearTable, color: bool = True) -> str:
    """The year table in the terminal: weeks down, areas across, coloured cells; critical marked with !."""
    rows = [[f"v{w.week}", *(paint(table.value(w.week, a), color, extra="!" if (w.week, a) in table.critical else "")
                             if table.value(w.week, a) is not None else "" for a in table.areas)]
            for w in table.weeks]
    out = [t("year.summary.title", year=table.year),
           tabulate(rows, headers=[t("cli.console.year.week"), *table.areas], tablefmt="simple", disable_numparse=True), ""]
    return "\n".join(out + summary_lines(table))


import bot.console.insats  # noqa: E402, F401  (registers the insats replies on `render_text`)
