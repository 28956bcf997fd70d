"""The reminder in a person's 1:1 chat: what is left to rate, with *Rapportera nu*, which opens the rating
form for that week (an Action.Submit the bot answers with the form card)."""

from __future__ import annotations

from bot.teams.card_text import block, card
from commands.core.spans import Typed, rich
from commands.core.texts import t
from commands.core.weeks import Week
from commands.rhythm.reminders import Reminder

OPEN_FORM = "lage.open"


def reminder_card(reminder: Reminder) -> dict:
    """The reminder card (sent proactively through the stored 1:1 reference, bot/teams/delivery.py)."""
    text = t("reminder.text", partner=reminder.partner, missing=len(reminder.missing), total=reminder.total,
             week=reminder.week.label, areas=", ".join(reminder.missing))
    body = [block(f"⏰ {text}"),
            block(rich("reminder.how", rate=Typed("lage <område> <1-5>"), mute=Typed("lage påminnelser av")),
                  isSubtle=True, size="Small")]
    action = {"type": "Action.Submit", "title": t("reminder.button"), "style": "positive",
              "data": {"veckolage": OPEN_FORM, "week": str(reminder.week)}}
    return card(body, [action])


def form_week(value: object) -> Week | None:
    """The week whose form *Rapportera nu* asks for, or None when the value is not that button's."""
    if not isinstance(value, dict) or value.get("veckolage") != OPEN_FORM:
        return None
    year, _, week = str(value.get("week") or "").partition("-W")
    return Week(int(year), int(week)) if year.isdigit() and week.isdigit() else None
