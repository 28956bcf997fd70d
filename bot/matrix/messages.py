"""What the outbox posts on Matrix, from the same neutral values Slack renders: the alert (AlertView), the
Monday summary and its thread (Summary), a reminder (Reminder) and the "uppdaterad" notes."""

from __future__ import annotations

from dataclasses import replace

from bot.matrix.render import cell, event_text, grid_doc
from bot.matrix.text import Doc
from commands.core.scale import level as scale_level
from commands.core.spans import Strong, Typed, from_data, line, mention, rich
from commands.core.texts import t
from commands.events.view import AlertView
from commands.rhythm.reminders import Reminder
from commands.rhythm.summary import Summary

THREAD_BYTES = 24_000  # one thread reply, body and HTML together: well within an event's 64 KiB


def alert_doc(view: AlertView) -> Doc:
    """The alert as it stands now: who acknowledged or withdrew it, or how to acknowledge it."""
    title = t("alert.title" if view.critical else "alert.title.downgraded", type=view.type_name, area=view.area)
    doc = Doc().add(line(Strong(title), f"  ·  {t('alert.event_number', number=view.number)}"),
                    lead="🚨 " if view.critical else "ℹ️ ")
    doc.add(rich("alert.when", when_label=Strong(t("alert.when.label")), when=view.when,
                 by_label=Strong(t("alert.by.label")), partner=view.partner, user=mention(view.reporter)))
    if view.description:
        doc.add(view.description, lead="> ")
    if view.level is not None:
        doc.add(line(Strong(t("alert.level.heading", area=view.area, week=view.week.week)),
                     f" {cell(view.level)} {scale_level(view.level).name}"))
    if view.withdrawn_by:
        note = rich("alert.withdrawn", user=mention(view.withdrawn_by), when=view.withdrawn_when)
        doc.add(line(note, f": {view.withdrawn_reason}") if view.withdrawn_reason else note)
    elif not view.critical:
        doc.add(t("alert.downgraded", type=view.type_name))
    elif view.acknowledged_by:
        doc.add(rich("alert.acknowledged", user=mention(view.acknowledged_by), when=view.acknowledged_when))
    else:
        doc.add(rich("matrix.alert.unacknowledged", command=Typed(f"kvittera {view.number}")))
    return doc


def renotify_doc(view: AlertView) -> Doc:
    """The one reminder in the alert's thread, mentioning the coordinators."""
    coordinators = tuple(part for user in view.coordinators for part in (" ", mention(user)))[1:]
    return Doc().add(rich("alert.renotify", type=view.type_name, area=view.area, minutes=view.renotify_minutes,
                          coordinators=coordinators or ""))


def summary_doc(summary: Summary) -> Doc:
    """Critical events first, then what rose, disagreements, then the grid a line per area."""
    grid = summary.grid
    doc = Doc().add(t("summary.title", week=grid.week.label), strong=True)
    if summary.critical:
        doc.add(t("summary.critical"), strong=True, lead="🚨 ")
        for event in summary.critical[:10]:
            doc.add(event_text(event), lead="• ")
        if len(summary.critical) > 10:
            doc.add(t("summary.more_in_thread", count=len(summary.critical) - 10))
    if summary.rose:
        doc.add(t("summary.rose"), strong=True, lead="↑ ")
        for row in summary.rose:
            doc.add(line(Strong(row.area), f" {row.previous} → {row.value}"), lead="• ")
    if summary.disagreements:
        doc.add(t("summary.disagreements"), strong=True, lead="⚠️ ")
        for row in summary.disagreements:
            levels = [(grid.head(i), c.level) for i, c in enumerate(row.cells) if c.level is not None]
            low, high = min(v for _, v in levels), max(v for _, v in levels)
            ends = [", ".join(name for name, v in levels if v == end) + f" {end}" for end in (low, high)]
            doc.add(line(Strong(row.area), f": {ends[0]} – {ends[1]}"), lead="• ")
    if not (summary.critical or summary.rose or summary.disagreements):
        doc.add(t("summary.nothing"))
    return grid_doc(replace(grid, comments=(), events=()), t("grid.title", week=grid.week.label), doc.blank())


def summary_thread(summary: Summary) -> list[Doc]:
    """The replies under the summary: critical events it had no room for, then every comment; numbered
    (1/3) when they need more than one reply."""
    grid = summary.grid
    lines = [(event_text(e), "• ") for e in summary.critical[10:]]
    if grid.comments:
        lines += [(line(Strong(c.area), f" – {c.partner}: {c.text}"), "• ") for c in grid.comments]
    chunks: list[Doc] = []
    for text, lead in lines:
        if not chunks or chunks[-1].size() > THREAD_BYTES:
            chunks.append(Doc())
        chunks[-1].add(text, lead=lead)
    title = t("summary.comments", week=grid.week.short) if grid.comments else t("summary.thread", week=grid.week.short)
    out = []
    for number, chunk in enumerate(chunks, start=1):
        name = title if len(chunks) == 1 else f"{title} ({number}/{len(chunks)})"
        doc = Doc().add(name, strong=True)
        doc.lines += chunk.lines
        doc.mentions += chunk.mentions
        out.append(doc)
    return out


def reminder_doc(reminder: Reminder) -> Doc:
    """The reminder DM: what is left to rate, and what to type."""
    text = t("reminder.text", partner=reminder.partner, missing=len(reminder.missing), total=reminder.total,
             week=reminder.week.label, areas=", ".join(reminder.missing))
    return Doc().add(text, lead="⏰ ").add(rich("matrix.reminder.how", rate=Typed("lage <område> <1-5>"),
                                                form=Typed("lage"), mute=Typed("lage påminnelser av")))


def note_doc(change: str | list) -> Doc:
    """`uppdaterad: Polisen bedömde Vällingby 3 → 4`, from the change as stored in the outbox row."""
    if isinstance(change, str):
        change = change.replace("\ue000", "").replace("\ue001", "")
    return Doc().add(rich("summary.updated", change=from_data(change)))
