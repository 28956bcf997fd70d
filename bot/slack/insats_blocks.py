"""The insats replies in Block Kit: lists, the quarter, and the "working on it" of the quarter's file."""

from __future__ import annotations

from bot.slack.blocks import render
from bot.slack.limits import MESSAGE_BUDGET
from bot.slack.text import context, escape, fit, header, pack, section
from commands.core.spans import Strong, Typed, rich
from commands.core.texts import t
from commands.insats.quarter import QUARTER_USAGE
from commands.insats.replies import InsatsLine, InsatsList, QuarterExport, QuarterReport
from commands.year.table import weeks


def insats_text(line: InsatsLine) -> str:
    """`#3 *Vällingby* (torget): trygghetsvandring – Polisen, v48–v51 · _pågår · uppföljning v52_` (escaped)."""
    where = f"*{escape(line.area)}*" + (f" ({escape(line.place)})" if line.place else "")
    what = escape(" ".join(line.what.split())) if line.what else f"_{t('insats.list.blanked')}_"
    follow = t("insats.list.overdue" if line.overdue else "insats.list.followup", week=line.followup)
    text = f"#{line.number} {where}: {what} – {escape(line.partner)}, {escape(line.weeks)} · _{line.status} · {follow}_"
    if line.overdue:
        text = f"⏰ {text}"
    if line.result:
        text += f"\n    ↳ {t('insats.list.result')}: {escape(' '.join(line.result.split()))}"
    return text


def listed(lines: tuple[InsatsLine, ...], budget: int, more_command: str) -> list[str]:
    """Bullets of whole insatser within a budget, then how many more there are and where to see them."""
    bullets = [f"• {insats_text(line)}" for line in lines]
    shown = fit(bullets, budget)
    if len(shown) < len(bullets):
        shown.append(escape(rich("insats.quarter.more", count=len(bullets) - len(shown),
                                 command=Typed(more_command))))
    return shown


@render.register
def _insats_list(reply: InsatsList) -> dict:
    title = escape(reply.title)
    if not reply.lines:
        return {"text": title, "blocks": [section(f"*{title}*"), section(escape(reply.empty))]}
    lines = listed(reply.lines, MESSAGE_BUDGET - 1500, "insats lista alla")
    blocks = [header(title), *pack(lines)[:45]]
    if reply.notes:
        blocks.append(context(*(escape(n) for n in reply.notes)))
    return {"text": title, "blocks": blocks}


def quarter_lines(report: QuarterReport) -> tuple[list[str], list[str]]:
    """The per-area lines and the three most burdened areas (escaped)."""
    areas = [f"• {escape(t('insats.quarter.area', area=a.area, high=weeks(a.high_weeks), critical=weeks(a.critical_weeks), done=a.done, open=a.open))}"
             for a in report.areas]
    burdened = [escape(rich("insats.quarter.burdened.line", n=n, area=Strong(a.area), high=weeks(a.high_weeks)))
                for n, a in enumerate(report.burdened, start=1)] or [escape(t("insats.quarter.burdened.none"))]
    return areas, burdened


@render.register
def _quarter(report: QuarterReport) -> dict:
    title = t("insats.quarter.title", name=report.name, first=report.first, last=report.last, weeks=report.weeks)
    areas, burdened = quarter_lines(report)
    blocks = [header(title), section(f"*{t('insats.quarter.burdened')}*\n" + "\n".join(burdened)), *pack(areas)]
    budget = (MESSAGE_BUDGET - 2000 - sum(len(a) for a in areas)) // 2
    for key, lines in (("insats.quarter.done", report.done), ("insats.quarter.open", report.open)):
        shown = listed(lines, budget, "insats lista alla") or [t("insats.quarter.none")]
        blocks += pack([f"*{t(key)}*", *shown])
    blocks.append(context(escape(rich("insats.quarter.export", command=Typed(
        QUARTER_USAGE.split(" [")[0] + f" {report.name} xlsx")))))
    return {"text": escape(title), "blocks": blocks[:50]}


@render.register
def _quarter_working(reply: QuarterExport) -> dict:
    return {"text": escape(t("insats.quarter.working", name=reply.report.name))}


def decision_blocks(summary) -> list[dict]:
    """The top of the summary: priorities, how many insatser are open and late, next week's risk dates."""
    found = summary.decisions
    return pack([escape(line) for line in found.top]) if found is not None and found.top else []


def decision_lines(summary) -> list[str]:
    """For the summary's thread: open insatser per area, then the overdue follow-ups (escaped lines)."""
    found = summary.decisions
    if found is None or not (found.per_area or found.overdue):
        return []
    lines = [f"*📋 {t('insats.summary.thread')}*", *(f"• {escape(line)}" for line in found.per_area)]
    if found.overdue:
        lines += [f"*⏰ {t('insats.summary.overdue')}*", *(f"• {insats_text(line)}" for line in found.overdue)]
    return lines


FOLLOWUP_LINES = 15  # a phone's screen of insatser; the rest are counted


def followup_blocks(lines: tuple[InsatsLine, ...], *, partner: str | None = None) -> list[dict]:
    """A partner's insatser due for follow-up (App Home, the reminder DM): whole lines, then how many more."""
    if not lines:
        return []
    head = escape(rich("insats.reminder.followup", partner=partner or lines[0].partner, count=len(lines),
                       done=Typed("insats klar <nr>")))
    bullets = listed(lines[:FOLLOWUP_LINES], 5000, "insats lista öppna")
    if len(lines) > FOLLOWUP_LINES:
        bullets.append(escape(t("insats.list.more", count=len(lines) - FOLLOWUP_LINES)))
    return pack([f"*📋* {head}", *bullets])[:4]


def followup_message(reminder) -> dict:
    """The reminder DM of a partner that has rated every area but has insatser to follow up."""
    text = t("insats.reminder.text", partner=reminder.partner, count=len(reminder.followups),
             week=reminder.week.label)
    return {"text": escape(text), "blocks": followup_blocks(reminder.followups, partner=reminder.partner)}
