"""The insats replies in the terminal."""

from __future__ import annotations

from bot.console.render import PREFIX, plain, render_text
from commands.core.texts import t
from commands.insats.parse import USAGE
from commands.insats.replies import InsatsForm, InsatsLine, InsatsList, QuarterReport
from commands.year.table import weeks


def insats_text(line: InsatsLine) -> str:
    """`#3 Vällingby (torget): trygghetsvandring – Polisen, v48–v51 · pågår · uppföljning v52`."""
    where = line.area + (f" ({line.place})" if line.place else "")
    follow = t("insats.list.overdue" if line.overdue else "insats.list.followup", week=line.followup)
    text = f"#{line.number} {where}: {line.what or t('insats.list.blanked')} – {line.partner}, {line.weeks} · " \
           f"{line.status} · {follow}"
    return text + (f"\n      {t('insats.list.result')}: {line.result}" if line.result else "")


@render_text.register
def _insats_list(reply: InsatsList, color: bool = True) -> str:
    if not reply.lines:
        return f"{plain(reply.title)}\n  {plain(reply.empty)}"
    return "\n".join([plain(reply.title), *(f"  {insats_text(line)}" for line in reply.lines),
                      *(plain(n) for n in reply.notes)])


@render_text.register
def _insats_form(reply: InsatsForm, color: bool = True) -> str:
    return t("insats.form.only_chat", usage=PREFIX + USAGE)


@render_text.register
def _quarter(report: QuarterReport, color: bool = True) -> str:
    out = [t("insats.quarter.title", name=report.name, first=report.first, last=report.last, weeks=report.weeks),
           t("insats.quarter.burdened") + ":"]
    out += [f"  {t('insats.quarter.burdened.line', n=n, area=a.area, high=weeks(a.high_weeks))}"
            for n, a in enumerate(report.burdened, start=1)] or \
        [f"  {t('insats.quarter.burdened.none')}"]
    out += [""] + [f"  {t('insats.quarter.area', area=a.area, high=weeks(a.high_weeks), critical=weeks(a.critical_weeks), done=a.done, open=a.open)}"
                   for a in report.areas]
    for key, lines in (("insats.quarter.done", report.done), ("insats.quarter.open", report.open)):
        out += ["", t(key) + ":", *(f"  {insats_text(line)}" for line in lines)] if lines else \
            ["", f"{t(key)}: {t('insats.quarter.none')}"]
    return "\n".join(out)
