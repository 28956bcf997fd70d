"""The insats replies in the terminal."""

from __future__ import annotations

from bot.console.render import PREFIX, plain, render_text
from commands.core.texts import t
from commands.insats.lines import insats_text, quarter_lines, result_text
from commands.insats.parse import USAGE
from commands.insats.replies import InsatsForm, InsatsLine, InsatsList, QuarterReport


def _with_result(line: InsatsLine) -> str:
    result = result_text(line)
    return insats_text(line) + (f"\n      {result}" if result else "")


@render_text.register
def _insats_list(reply: InsatsList, color: bool = True) -> str:
    if not reply.lines:
        return f"{plain(reply.title)}\n  {plain(reply.empty)}"
    return "\n".join([plain(reply.title), *(f"  {_with_result(line)}" for line in reply.lines),
                      *(plain(n) for n in reply.notes)])


@render_text.register
def _insats_form(reply: InsatsForm, color: bool = True) -> str:
    return t("insats.form.only_chat", usage=PREFIX + USAGE)


@render_text.register
def _quarter(report: QuarterReport, color: bool = True) -> str:
    return "\n".join(quarter_lines(report))
