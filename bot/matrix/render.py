"""Reply → Matrix message content: the one place that knows how every reply looks in Element.

A line per area, never an HTML table (Element X drops or mangles them); a plain body beside the HTML; no
modals, so the forms become the list of what to type.
"""

from __future__ import annotations

from functools import singledispatch

from bot.matrix.text import Doc
from commands.core.reply import (
    AreaRow,
    EventForm,
    EventLine,
    EventList,
    ExportRequest,
    FieldErrors,
    FileReply,
    HelpReply,
    Notice,
    RatingForm,
    Trend,
    WeekGrid,
    YearRequest,
)
from commands.core.scale import MISSING_EMOJI, MISSING_MARK, SCALE, level
from commands.core.spans import Strong, Text, Typed, line, rich
from commands.core.texts import t
from commands.events.manage import LIST_USAGE
from commands.events.report import USAGE as EVENT_USAGE
from commands.rating.area_value import status_text
from commands.rating.comments import COMMENTS_USAGE
from commands.rating.rate import USAGE as RATE_USAGE

TONE_ICON = {"ok": "✅ ", "error": "⚠️ ", "info": "ℹ️ "}
ARROWS = {1: "↑", -1: "↓", 0: ""}
COMMENT_LINES = 15
EVENT_LINES = 20
MULTI_LINE = "lage [vecka]"


@singledispatch
def render(reply) -> Doc:
    """The message a reply becomes."""
    raise TypeError(f"no Matrix rendering for {type(reply).__name__}")


def cell(value: int | None) -> str:
    """Colour and number together (`🟧3`, `🟪5‼`, `⬜–`): colour is never the only signal."""
    if value is None:
        return f"{MISSING_EMOJI}{MISSING_MARK}"
    step = level(value)
    return f"{step.emoji}{value}{step.marker}"


@render.register
def _notice(reply: Notice) -> Doc:
    doc = Doc().add(reply.title, strong=True, lead=TONE_ICON[reply.tone])
    for text in reply.lines:
        doc.add(text)
    if reply.usage:
        doc.add(rich("usage", usage=Typed(reply.usage)))
    if reply.week is not None:
        doc.add(reply.week.label, lead="📅 ")
    return doc


@render.register
def _help(reply: HelpReply) -> Doc:
    doc = Doc().add(reply.title, strong=True)
    for entry in reply.entries:
        doc.add(line(Typed(entry.usage), " – ", entry.summary), lead="• ")
    for note in reply.notes:
        doc.add(note)
    return doc


@render.register
def _field_errors(reply: FieldErrors) -> Doc:
    doc = Doc().add(t("error.title"), strong=True, lead=TONE_ICON["error"])
    for message in reply.errors.values():
        doc.add(message, lead="• ")
    return doc


@render.register
def _rating_form(reply: RatingForm) -> Doc:
    """No modals on Matrix: the areas with what the organisation already said, and what to type."""
    doc = Doc().add(t("matrix.form.title", partner=reply.partner, week=reply.week.label), strong=True)
    for area in reply.areas:
        said = cell(area.level) if area.level is not None else t("matrix.form.not_rated")
        doc.add(t("matrix.form.area", area=area.area, level=said) + (f" – {area.comment}" if area.comment else ""),
                lead="• ")
    return doc.add(rich("matrix.form.how", one=Typed(RATE_USAGE), many=Typed(MULTI_LINE)))


@render.register
def _event_form(reply: EventForm) -> Doc:
    doc = Doc().add(t("matrix.event_form.title", partner=reply.partner), strong=True)
    doc.add(t("matrix.event_form.areas", areas=", ".join(name for _, name in reply.areas)))
    doc.add(t("matrix.event_form.types", types=", ".join(name for _, name in reply.types)))
    return doc.add(rich("matrix.event_form.how", usage=Typed(EVENT_USAGE)))


def event_text(event: EventLine) -> Text:
    """`#12 🚨 Skjutning – Vällingby, lör 21 nov 22:15 (Polisen): … · ej kvitterad` as one line."""
    emoji = "" if event.emoji == "•" else f" {event.emoji}"
    parts = [f"#{event.number}{emoji} ", Strong(event.type_name), f" – {event.area}, {event.when} ({event.partner})"]
    if event.description:
        parts.append(": " + " ".join(event.description.split()))
    if event.status:
        parts += [" · ", event.status]
    return line(*parts)


@render.register
def _events(reply: EventList) -> Doc:
    if not reply.events:
        return Doc().add(t("event.list.none", week=reply.week.label))
    doc = Doc().add(t("event.list.title", week=reply.week.label), strong=True)
    for warning in reply.warnings:
        doc.add(warning, lead="⚠️ ")
    for event in reply.events:
        doc.add(event_text(event), lead="• ")
        if doc.size() > 40_000:
            doc.add(t("notice.more", count=len(reply.events) - reply.events.index(event) - 1))
            break
    return doc


def value_marks(row: AreaRow) -> str:
    """The consolidated value with its markers: `🟧3↑ 🚨 ⚠️ ✓`."""
    marks = [cell(row.value) + ARROWS[row.change], "🚨" if row.critical else "", "⚠️" if row.disagreement else "",
             f"✓{row.agreed_level}" if row.lifted else "✓" if row.agreed else ""]
    return " ".join(mark for mark in marks if mark)


def grid_doc(grid: WeekGrid, title: str, doc: Doc | None = None) -> Doc:
    """The week grid, a line per area and under it each partner's value: readable on a phone."""
    doc = (doc or Doc()).add(title, strong=True)
    for warning in grid.warnings[:5]:
        doc.add(warning, lead="⚠️ ", strong=True)
    if not grid.rows:
        return doc.add(t("grid.no_areas"))
    reported = sum(1 for i in range(len(grid.partners)) if any(r.cells[i].level is not None for r in grid.rows))
    agreed = sum(1 for r in grid.rows if r.agreed)
    doc.add(t("grid.reported", reported=reported, total=len(grid.partners)) + " · "
            + t("grid.agreed_count", count=agreed, total=len(grid.rows)))
    doc.blank()
    for row in grid.rows:
        status = status_text(row.value, agreed=row.agreed, critical=row.critical, agreed_level=row.agreed_level)
        doc.add(line(Strong(row.area), f" ({status})" + (f" · {t('grid.disagreement')}" if row.disagreement else "")),
                lead=value_marks(row) + " ")
        if any(c.level is not None for c in row.cells):
            doc.add(" · ".join(f"{grid.head(i)} {cell(c.level)}{'💬' if c.comment else ''}"
                               for i, c in enumerate(row.cells)), indent=True)
    doc.blank()
    missing = [t("grid.missing.all" if m.missing == m.total else "grid.missing.some", partner=m.partner,
                 missing=m.missing, total=m.total) for m in grid.missing]
    doc.add(line(Strong(t("grid.missing.title") + ":"), " " + ", ".join(missing)) if missing
            else t("grid.missing.imported" if grid.imported else "grid.missing.none"))
    if grid.events:
        doc.blank().add(t("event.list.title", week=grid.week.short), strong=True)
        for event in grid.events[:EVENT_LINES]:
            doc.add(event_text(event), lead="• ")
        if len(grid.events) > EVENT_LINES:
            doc.add(rich("grid.events.more", count=len(grid.events) - EVENT_LINES, command=Typed(LIST_USAGE)))
    if grid.comments:
        doc.blank().add(t("grid.comments.title"), strong=True)
        for comment in grid.comments[:COMMENT_LINES]:
            doc.add(line(Strong(comment.area), f" – {comment.partner}: {comment.text}"), lead="• ")
        if len(grid.comments) > COMMENT_LINES:
            doc.add(rich("grid.comments.more", count=len(grid.comments) - COMMENT_LINES, command=Typed(COMMENTS_USAGE)))
    return legend(grid, doc.blank())


def legend(grid: WeekGrid, doc: Doc) -> Doc:
    """What the colours and markers mean."""
    steps = "  ".join(f"{cell(s.number)} {s.name.split()[0]}" for s in SCALE)
    doc.add(f"{steps}  {cell(None)} {t('grid.legend.missing')}")
    lifted = f" · {t('grid.legend.lifted')}" if any(row.lifted for row in grid.rows) else ""
    return doc.add(f"{t('grid.legend.change', previous=grid.week.shift(-1).short)} · {t('grid.legend.disagreement')}"
                   f" · 🚨 {t('grid.legend.critical')} · {t('grid.legend.agreed')}{lifted}")


@render.register
def _grid(grid: WeekGrid) -> Doc:
    return grid_doc(grid, t("grid.title", week=grid.week.label))


@render.register
def _trend(trend: Trend) -> Doc:
    first, last = trend.points[0].week, trend.points[-1].week
    doc = Doc().add(t("trend.title", area=trend.area, first=first.short, last=f"{last.short} {last.year}"),
                    strong=True, lead="📈 ")
    doc.add(" ".join(f"{p.week.short} {cell(p.value)}" for p in trend.points))
    mean, average = trend.mean, trend.collaboration_mean
    if mean is None:
        return doc.add(t("trend.none"))
    verdict = "trend.same" if average is None or abs(mean - average) < 0.25 else (
        "trend.above" if mean > average else "trend.below")
    number = lambda v: "–" if v is None else f"{v:.1f}".replace(".", ",")  # noqa: E731
    return doc.add(t("trend.compare", mean=number(mean), average=number(average), verdict=t(verdict)))


@render.register
def _year_working(reply: YearRequest) -> Doc:  # the picture follows (bot/matrix/files.py)
    return Doc().add(t("year.working" if reply.channel_id else "year.working.dm", year=reply.year))


@render.register
def _export_working(reply: ExportRequest) -> Doc:
    return Doc().add(t("export.working", year=reply.year, format=reply.format))


@render.register
def _file_working(reply: FileReply) -> Doc:
    return Doc().add(t("file.working", name=reply.filename))


import bot.matrix.insats_render  # noqa: E402, F401  (registers the insats replies on `render`)
