"""The reminder DM: what is left to rate, with a button that opens the rating form."""

from __future__ import annotations

from bot.slack.insats_blocks import followup_blocks, followup_message
from bot.slack.text import clip, context, escape, section
from commands.core.spans import Typed, rich
from commands.core.texts import t
from commands.rhythm.reminders import Reminder

OPEN_FORM_ACTION = "open_rating_form"


def reminder_message(reminder: Reminder) -> dict:
    """The DM text and blocks."""
    if not reminder.missing:  # every area rated: only the insatser to follow up
        return followup_message(reminder)
    text = t("reminder.text", partner=reminder.partner, missing=len(reminder.missing), total=reminder.total,
             week=reminder.week.label, areas=", ".join(reminder.missing))
    return {
        "text": escape(clip(text, 3000)),
        "blocks": [
            section(f"⏰ {escape(text)}"),
            {"type": "actions", "elements": [{
                "type": "button", "action_id": OPEN_FORM_ACTION, "style": "primary", "value": str(reminder.week),
                "text": {"type": "plain_text", "text": t("reminder.button")},
            }]},
            context(escape(rich("reminder.how", rate=Typed("lage <område> <1-5>"), mute=Typed("lage påminnelser av")))),
            *followup_blocks(reminder.followups, partner=reminder.partner),
        ],
    }
