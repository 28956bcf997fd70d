"""The App Home tab in Block Kit."""

from __future__ import annotations

from bot.slack.blocks import event_text
from bot.slack.grid_blocks import grid_message
from bot.slack.insats_blocks import followup_blocks
from bot.slack.reminder_blocks import OPEN_FORM_ACTION
from bot.slack.text import clip, context, escape, header, pack, section
from commands.core.spans import Typed, rich
from commands.core.texts import t
from commands.events.manage import LIST_USAGE
from commands.rhythm.home import RECENT_WEEKS, Home

HOME_BLOCK_LIMIT = 100


def home_view(home: Home) -> dict:
    """A `home` view: what to do first, then the week's grid, then recent critical events."""
    if not home.known:
        return {"type": "home", "blocks": [header(t("home.title")), section(escape(t("home.unknown")))]}
    blocks: list[dict] = [header(t("home.title"))]
    todo = home.todo
    if todo is not None and todo.missing:
        text = t("home.todo", partner=todo.partner, count=len(todo.missing), total=todo.total, week=todo.week.label,
                 areas=", ".join(todo.missing))
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": clip(f"📝 {escape(text)}")},
                       "accessory": {"type": "button", "action_id": OPEN_FORM_ACTION, "style": "primary",
                                     "value": str(todo.week), "text": {"type": "plain_text",
                                                                       "text": t("reminder.button")}}})
    elif todo is not None:
        blocks.append(section(f"✅ {escape(t('home.done', partner=todo.partner, week=todo.week.label))}"))
    blocks += followup_blocks(home.followups)
    blocks.append({"type": "divider"})
    blocks += grid_message(home.grid, table=False)["blocks"]  # a view cannot hold a table block
    blocks.append({"type": "divider"})
    blocks.append(section(f"*🚨 {t('home.events')}*"))
    if home.recent_critical:  # whole events only, never cut mid-word; then how many more there are
        more = [escape(rich("home.events.more", count=home.more_critical, weeks=RECENT_WEEKS,
                            command=Typed(LIST_USAGE)))] if home.more_critical else []
        blocks += pack([*(f"• {event_text(e)}" for e in home.recent_critical), *more])
    else:
        blocks.append(context(t("home.no_events")))
    return {"type": "home", "blocks": blocks[:HOME_BLOCK_LIMIT]}
