"""The weekly summary in Slack: the message, its thread of comments, and the "uppdaterad" notes."""

from __future__ import annotations

from bot.blocks import event_text, legend, row_text
from bot.slack_text import BLOCK_LIMIT, context, escape, header, pack, section
from commands.reply import WeekGrid
from commands.summary import Summary
from commands.texts import t


def summary_message(summary: Summary) -> dict:
    """Critical events first, then what rose, disagreements, who did not report, then the whole grid."""
    grid = summary.grid
    title = t("summary.title", week=grid.week.label)
    blocks = [header(title), *(section(f"⚠️ *{escape(w)}*") for w in grid.warnings[:5])]
    if summary.critical:
        blocks += pack([f"*🚨 {t('summary.critical')}*", *(f"• {event_text(e)}" for e in summary.critical)])
    if summary.rose:
        blocks += pack([f"*↑ {t('summary.rose')}*", *(
            f"• *{escape(r.area)}* {r.previous} → {r.value}" for r in summary.rose)])
    if summary.disagreements:
        lines = []
        for row in summary.disagreements:
            levels = ", ".join(f"{escape(p)} {c.level}" for p, c in zip(grid.partners, row.cells, strict=True)
                               if c.level is not None)
            lines.append(f"• *{escape(row.area)}*: {levels}")
        blocks += pack([f"*⚠️ {t('summary.disagreements')}*", *lines])
    if not (summary.critical or summary.rose or summary.disagreements):
        blocks.append(section(t("summary.nothing")))
    missing = [t("grid.missing.all" if m.missing == m.total else "grid.missing.some", partner=escape(m.partner),
                 missing=m.missing, total=m.total) for m in summary.missing]
    blocks.append(section(f"*{t('grid.missing.title')}:* " + ", ".join(missing) if missing
                          else t("grid.missing.imported" if grid.imported else "grid.missing.none")))
    blocks.append({"type": "divider"})
    blocks += pack([row_text(grid, row) for row in grid.rows])
    blocks.append(context(legend()))
    return {"text": escape(title), "blocks": blocks[:BLOCK_LIMIT]}


def comments_message(grid: WeekGrid) -> dict:
    """The thread under the summary: every partner comment of the week."""
    lines = [f"*{t('summary.comments', week=grid.week.short)}*",
             *(f"• *{escape(c.area)}* – {escape(c.partner)}: {escape(c.text)}" for c in grid.comments)]
    blocks = pack(lines)[:BLOCK_LIMIT]
    return {"text": escape(t("summary.comments", week=grid.week.short)), "blocks": blocks}


def note_text(change: str) -> str:
    """`uppdaterad: Polisen bedömde Vällingby 3 → 4` (escaped)."""
    return escape(t("summary.updated", change=change))
