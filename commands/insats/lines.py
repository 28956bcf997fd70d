"""The insats replies as plain lines of words, the same on every text surface (the console, Teams, Matrix)."""

from __future__ import annotations

from commands.core.texts import t
from commands.insats.replies import InsatsLine, QuarterReport
from commands.year.table import weeks


def insats_text(line: InsatsLine) -> str:
    """`#3 Vällingby (torget): trygghetsvandring – Polisen, v48–v51 · pågår · uppföljning v52`."""
    where = line.area + (f" ({line.place})" if line.place else "")
    follow = t("insats.list.overdue" if line.overdue else "insats.list.followup", week=line.followup)
    return f"#{line.number} {where}: {line.what or t('insats.list.blanked')} – {line.partner}, {line.weeks} · " \
           f"{line.status} · {follow}"


def result_text(line: InsatsLine) -> str | None:
    """`resultat: fyra vandringar, lugnare vid torget`, when the insats has one."""
    return f"{t('insats.list.result')}: {line.result}" if line.result else None


def quarter_lines(report: QuarterReport) -> list[str]:
    """The quarter as lines: the title, the most burdened areas, every area, then the insatser done and open
    (a line starting with two spaces belongs under the line before; an empty line separates the parts)."""
    out = [t("insats.quarter.title", name=report.name, first=report.first, last=report.last, weeks=report.weeks),
           t("insats.quarter.burdened") + ":"]
    out += [f"  {t('insats.quarter.burdened.line', n=n, area=a.area, high=weeks(a.high_weeks))}"
            for n, a in enumerate(report.burdened, start=1)] or [f"  {t('insats.quarter.burdened.none')}"]
    out += [""] + [f"  {t('insats.quarter.area', area=a.area, high=weeks(a.high_weeks), critical=weeks(a.critical_weeks), done=a.done, open=a.open)}"
                   for a in report.areas]
    for key, lines in (("insats.quarter.done", report.done), ("insats.quarter.open", report.open)):
        if not lines:
            out += ["", f"{t(key)}: {t('insats.quarter.none')}"]
            continue
        out += ["", t(key) + ":"]
        for line in lines:
            out.append(f"  {insats_text(line)}")
            if result_text(line):
                out.append(f"      {result_text(line)}")
    return out
