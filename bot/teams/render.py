"""Reply → Teams messages: the one place that knows how every reply looks in Teams (Adaptive Cards).

Every reply becomes one or more cards with a plain summary (what a notification shows). `personal(reply)` says
which replies belong in the person's 1:1 chat when the command came from a channel: Teams has no private
replies in channels, so errors, forms, files and help go there. Files (exports, the audit log's CSV, the
quarter's workbook) have no rendering here: they are offered with a consent card (bot/teams/file_consent.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import singledispatch

from bot.teams.card_text import block, card, cell_text, plain_text
from bot.teams.event_card import event_form_card
from bot.teams.form_card import form_card
from bot.teams.grid_card import grid_cards
from commands.core.refusals import refusal
from commands.core.reply import (
    EventForm,
    EventList,
    ExportRequest,
    FieldErrors,
    FileReply,
    HelpReply,
    Notice,
    RatingForm,
    Reply,
    Trend,
    WeekGrid,
    YearRequest,
)
from commands.core.spans import Typed, rich
from commands.core.texts import t
from commands.insats.replies import InsatsForm, QuarterExport
from commands.rating.rate import USAGE as RATE_USAGE
from commands.storbild.kiosk import SecretLink

TONE_ICON = {"ok": "✅", "error": "⚠️", "info": "ℹ️"}
MAX_LINES = 60  # a card of more lines is hard to read on a phone; the rest are counted


@dataclass(frozen=True)
class TeamsMessage:
    """One message to post: an Adaptive Card and its plain summary."""

    summary: str
    card: dict


def personal(reply: Reply) -> bool:
    """True when the reply is for the asker alone (sent to their 1:1 chat when asked in a channel)."""
    return isinstance(reply, RatingForm | EventForm | InsatsForm | FieldErrors | ExportRequest | FileReply
                      | QuarterExport | HelpReply | SecretLink) or (
        isinstance(reply, Notice) and reply.tone == "error") or (isinstance(reply, YearRequest) and not reply.channel_id)


@singledispatch
def render(reply) -> list[TeamsMessage]:
    """The messages that show a reply in Teams."""
    raise TypeError(f"no Teams rendering for {type(reply).__name__}")


@render.register
def _notice(reply: Notice) -> list[TeamsMessage]:
    body = [block(("", TONE_ICON[reply.tone] + " ", *_spans(reply.title)), weight="Bolder", size="Medium")]
    body += [block(line) for line in reply.lines[:MAX_LINES]]
    if len(reply.lines) > MAX_LINES:
        body.append(block(t("notice.more", count=len(reply.lines) - MAX_LINES)))
    if reply.usage:
        body.append(block(rich("usage", usage=Typed(reply.usage))))
    if reply.week is not None:
        body.append(block(f"📅 {reply.week.label}", isSubtle=True, size="Small"))
    return [TeamsMessage(plain_text(reply.title), card(body))]


def _spans(text):
    return (text,) if isinstance(text, str) else text


@render.register
def _help(reply: HelpReply) -> list[TeamsMessage]:
    body = [block(reply.title, size="Large", weight="Bolder")]
    for entry in reply.entries:
        body.append({"type": "Container", "spacing": "Small", "items": [
            block(Typed(entry.usage), weight="Bolder"), block(entry.summary, isSubtle=True)]})
    body += [block(note, isSubtle=True, size="Small") for note in reply.notes]
    return [TeamsMessage(reply.title, card(body))]


@render.register
def _grid(reply: WeekGrid) -> list[TeamsMessage]:
    title = t("grid.title", week=reply.week.label)
    return [TeamsMessage(title, c) for c in grid_cards(reply)]


@render.register
def _form(reply: RatingForm) -> list[TeamsMessage]:
    return [TeamsMessage(t("teams.form.title", partner=reply.partner), form_card(reply))]


@render.register
def _field_errors(reply: FieldErrors) -> list[TeamsMessage]:  # shown in the form when it comes back from it
    lines = [text for _, text in sorted(reply.errors.items())]
    return render(refusal(*tuple(lines)))


@render.register
def _events(reply: EventList) -> list[TeamsMessage]:
    title = t("event.list.title", week=reply.week.label)
    if not reply.events:
        return [TeamsMessage(title, card([block(t("event.list.none", week=reply.week.label))]))]
    body = [block(title, size="Large", weight="Bolder"), *(block(f"⚠️ {w}") for w in reply.warnings)]
    for e in reply.events[:MAX_LINES]:
        line = f"#{e.number} {e.emoji} {e.type_name} – {e.area}, {e.when} ({e.partner})"
        body.append(block(line + (f": {' '.join(e.description.split())}" if e.description else "")))
        if e.status:
            body.append(block(e.status, isSubtle=True, size="Small", spacing="None"))
    if len(reply.events) > MAX_LINES:
        body.append(block(t("event.list.more", count=len(reply.events) - MAX_LINES)))
    return [TeamsMessage(title, card(body))]


@render.register
def _event_form(reply: EventForm) -> list[TeamsMessage]:
    return [TeamsMessage(t("form.event.title"), event_form_card(reply))]


@render.register
def _trend(reply: Trend) -> list[TeamsMessage]:
    from bot.slack.blocks import trend_lines  # plain text lines (no markup): the same words on every surface

    title, _, compare = trend_lines(reply)
    row = " ".join(f"{p.week.short} {cell_text(p.value)}" for p in reply.points)
    body = [block(f"📈 {title}", weight="Bolder", size="Medium"), block(row), block(compare, isSubtle=True)]
    return [TeamsMessage(title, card(body))]


@render.register
def _year(reply: YearRequest) -> list[TeamsMessage]:  # the picture follows (bot/teams/year_image.py)
    text = t("year.working", year=reply.year)
    return [TeamsMessage(text, card([block(text)]))]


USAGE_EXAMPLE = RATE_USAGE

import bot.teams.insats_cards  # noqa: E402, F401  (registers the insats replies on `render`)
