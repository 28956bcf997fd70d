"""The insats replies on Matrix: lists and the quarter as lines; the form (Matrix has no modals) as what to type."""

from __future__ import annotations

from bot.matrix.render import render
from bot.matrix.text import Doc
from commands.core.spans import Typed, rich
from commands.core.texts import t
from commands.insats.lines import insats_text, quarter_lines, result_text
from commands.insats.parse import USAGE
from commands.insats.replies import InsatsForm, InsatsList, QuarterExport, QuarterReport


@render.register
def _insats_list(reply: InsatsList) -> Doc:
    doc = Doc().add(reply.title, strong=True)
    if not reply.lines:
        doc.add(reply.empty)
    for line in reply.lines:
        doc.add(insats_text(line), lead="⏰ " if line.overdue else "• ")
        if result_text(line):
            doc.add(result_text(line), indent=True)
    for note in reply.notes:
        doc.add(note)
    return doc


@render.register
def _insats_form(reply: InsatsForm) -> Doc:
    return Doc().add(rich("insats.form.as_text", usage=Typed(USAGE), areas=", ".join(name for _, name in reply.areas)))


@render.register
def _quarter(report: QuarterReport) -> Doc:
    lines = quarter_lines(report)
    doc = Doc().add(lines[0], strong=True)
    for line in lines[1:]:
        if line.startswith("      "):
            doc.add(line.strip(), indent=True)
        elif line.startswith("  "):
            doc.add(line.strip(), lead="• ")
        elif line:
            doc.add(line, strong=True)
    return doc


@render.register
def _quarter_working(reply: QuarterExport) -> Doc:
    return Doc().add(t("insats.quarter.working", name=reply.report.name))
