"""The weekly summary in Slack: the message, its thread (comments, and whatever the message had no room
for), and the "uppdaterad" notes. Every message stays within Slack's limits (bot/slack/limits.py)."""

from __future__ import annotations

from bot.slack.blocks import event_text
from bot.slack.grid_blocks import PARTNER_COLUMNS, fallback_text, legend_block, missing_section, table_block
from bot.slack.insats_blocks import decision_blocks, decision_lines
from bot.slack.limits import MESSAGE_BUDGET, block_units, units
from bot.slack.text import clip, context, escape, fit, header, pack, section
from commands.core.reply import AreaRow, WeekGrid
from commands.core.spans import from_data, rich
from commands.core.texts import t
from commands.rhythm.summary import Summary

THREAD_BUDGET = 10000  # UTF-16 units of text in one thread reply


def disagreement_line(grid: WeekGrid, row: AreaRow) -> str:
    """`• *Vällingby*: Skolan 1 – Polisen, Bostadsbolaget 4`: only the ends of the spread, not the grid again."""
    levels = [(grid.head(i), c.level) for i, c in enumerate(row.cells) if c.level is not None]
    low, high = min(v for _, v in levels), max(v for _, v in levels)
    ends = [", ".join(escape(name) for name, v in levels if v == end) + f" {end}" for end in (low, high)]
    return f"• *{escape(row.area)}*: {ends[0]} – {ends[1]}"


def _main(summary: Summary) -> tuple[dict, list[str]]:
    """The summary message, and the critical-event lines it had no room for (they go to the thread)."""
    grid = summary.grid
    title = t("summary.title", week=grid.week.label)
    tail = [missing_section(grid), {"type": "divider"}, table_block(grid)]
    if len(grid.partners) > PARTNER_COLUMNS:
        tail.append(context(t("grid.columns.more", count=len(grid.partners) - PARTNER_COLUMNS)))
    tail.append(legend_block(grid))
    head = [header(title), *(section(f"⚠️ *{escape(w)}*") for w in grid.warnings[:5]), *decision_blocks(summary)]
    rose = [f"• *{escape(r.area)}* {r.previous} → {r.value}" for r in summary.rose]
    disagreements = [disagreement_line(grid, row) for row in summary.disagreements]
    text = fallback_text(grid, title)
    budget = MESSAGE_BUDGET - units(text) - block_units(head + tail) - units("\n".join(rose + disagreements)) - 400
    critical = [f"• {event_text(e)}" for e in summary.critical]
    shown = fit(critical, budget)
    body = []
    if critical:
        more = [t("summary.more_in_thread", count=len(critical) - len(shown))] if len(shown) < len(critical) else []
        body += pack([f"*🚨 {t('summary.critical')}*", *shown, *more])
    if rose:
        body += pack([f"*↑ {t('summary.rose')}*", *rose])
    if disagreements:
        body += pack([f"*⚠️ {t('summary.disagreements')}*", *disagreements])
    if not (critical or rose or disagreements):
        body.append(section(t("summary.nothing")))
    return {"text": text, "blocks": head + body + tail}, critical[len(shown):]


def summary_message(summary: Summary) -> dict:
    """Critical events first, then what rose, disagreements, who did not report, then the grid as a table."""
    return _main(summary)[0]


def summary_thread(summary: Summary) -> list[dict]:
    """The replies under the summary: critical events it had no room for, then every comment, split so that
    each reply stays within Slack's limits; numbered (1/3) when there is more than one."""
    grid = summary.grid
    lines = []
    cut = _main(summary)[1]
    if cut:
        lines += [f"*🚨 {t('summary.critical')}*", *cut]
    if grid.comments:
        lines += [f"*{t('summary.comments', week=grid.week.short)}*",
                  *(f"• *{escape(c.area)}* – {escape(c.partner)}: {escape(c.text)}" for c in grid.comments)]
    lines += decision_lines(summary)
    chunks: list[list[str]] = []
    used = THREAD_BUDGET
    for line in (clip(line) for line in lines):
        if used + units(line) + 1 > THREAD_BUDGET:
            chunks.append([])
            used = 0
        chunks[-1].append(line)
        used += units(line) + 1
    title = t("summary.thread" if cut or not grid.comments else "summary.comments", week=grid.week.short)
    names = [title if len(chunks) == 1 else f"{title} ({n}/{len(chunks)})" for n in range(1, len(chunks) + 1)]
    return [{"text": escape(name), "blocks": [*([context(escape(name))] if len(chunks) > 1 else []), *pack(chunk)]}
            for name, chunk in zip(names, chunks, strict=True)]


def note_text(change: str | list) -> str:
    """`uppdaterad: Polisen bedömde Vällingby 3 → 4` (escaped), from the change as stored in the outbox row.

    Rows queued before mentions were typed spans carry a plain string with private-use markers: drop those."""
    if isinstance(change, str):
        change = change.replace("\ue000", "").replace("\ue001", "")
    return clip(escape(rich("summary.updated", change=from_data(change))), 1000)
