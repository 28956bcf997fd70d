"""The insats replies in Teams: lists and the quarter as cards of lines, the form as a card
(bot/teams/insats_form_card.py). The quarter's workbook is a file (bot/teams/file_consent.py)."""

from __future__ import annotations

from bot.teams.card_text import block, card, plain_text
from bot.teams.insats_form_card import insats_form_card
from bot.teams.render import MAX_LINES, TeamsMessage, render
from commands.core.texts import t
from commands.insats.lines import insats_text, quarter_lines, result_text
from commands.insats.replies import InsatsForm, InsatsList, QuarterReport


@render.register
def _insats_list(reply: InsatsList) -> list[TeamsMessage]:
    body = [block(reply.title, size="Large", weight="Bolder")]
    if not reply.lines:
        body.append(block(reply.empty))
    for line in reply.lines[:MAX_LINES]:
        body.append(block(("⏰ " if line.overdue else "") + insats_text(line)))
        if result_text(line):
            body.append(block(result_text(line), isSubtle=True, size="Small", spacing="None"))
    if len(reply.lines) > MAX_LINES:
        body.append(block(t("notice.more", count=len(reply.lines) - MAX_LINES)))
    body += [block(note, isSubtle=True, size="Small") for note in reply.notes]
    return [TeamsMessage(plain_text(reply.title), card(body))]


@render.register
def _insats_form(reply: InsatsForm) -> list[TeamsMessage]:
    return [TeamsMessage(t("insats.form.title"), insats_form_card(reply))]


@render.register
def _quarter(report: QuarterReport) -> list[TeamsMessage]:
    lines = quarter_lines(report)
    body = [block(lines[0], size="Large", weight="Bolder")]
    rest = [line for line in lines[1:] if line]
    body += [block(line.strip(), spacing="None") if line.startswith("  ") else block(line, weight="Bolder")
             for line in rest[:MAX_LINES]]
    if len(rest) > MAX_LINES:
        body.append(block(t("notice.more", count=len(rest) - MAX_LINES)))
    return [TeamsMessage(lines[0], card(body))]

