"""The event form as a Slack modal: area, type, when (default now) and a short description."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.slack.text import clip, escape
from commands.core.matching import plain_int
from commands.core.reply import EventForm
from commands.core.spans import Strong, rich
from commands.core.texts import t
from commands.events.kinds import event_type
from commands.events.report import DESCRIPTION_LIMIT

CALLBACK_ID = "event_form"
AREA, TYPE, WHEN, DESCRIPTION = "area", "type", "when", "description"


def _option(text: str, value: str) -> dict:
    return {"text": {"type": "plain_text", "text": clip(text, 75), "emoji": True}, "value": value}


def event_view(form: EventForm, *, channel_id: str | None) -> dict:
    """The modal; critical types are marked so the reporter knows an alert will go out."""
    types = [_option(f"{event_type(key).emoji} {name}" + (t("form.event.critical") if event_type(key).critical else ""),
                     key) for key, name in form.types]
    blocks = [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(
            escape(rich("form.event.intro", partner=Strong(form.partner))))}]},
        {"type": "input", "block_id": AREA, "label": {"type": "plain_text", "text": t("form.event.area")},
         "element": {"type": "static_select", "action_id": AREA,
                     "options": [_option(name, str(area_id)) for area_id, name in form.areas][:100]}},
        {"type": "input", "block_id": TYPE, "label": {"type": "plain_text", "text": t("form.event.type")},
         "element": {"type": "static_select", "action_id": TYPE, "options": types}},
        {"type": "input", "block_id": WHEN, "label": {"type": "plain_text", "text": t("form.event.when")},
         "element": {"type": "datetimepicker", "action_id": WHEN,
                     "initial_date_time": int(form.now_local.timestamp())}},
        {"type": "input", "block_id": DESCRIPTION, "optional": True,
         "label": {"type": "plain_text", "text": t("form.event.description")},
         "element": {"type": "plain_text_input", "action_id": DESCRIPTION, "multiline": True,
                     "max_length": DESCRIPTION_LIMIT}},
    ]
    return {
        "type": "modal", "callback_id": CALLBACK_ID,
        "title": {"type": "plain_text", "text": t("form.event.title")},
        "submit": {"type": "plain_text", "text": t("form.event.submit")},
        "close": {"type": "plain_text", "text": t("form.cancel")},
        "private_metadata": json.dumps({"channel": channel_id}),
        "blocks": blocks,
    }


def read_event_submission(view: dict) -> dict:
    """area_id, type_key, occurred_at (UTC) and description from a submitted form."""
    values = view.get("state", {}).get("values", {})

    def value(block: str) -> dict:
        return values.get(block, {}).get(block, {})

    stamp = str(value(WHEN).get("selected_date_time") or "")  # signed by Slack, still never trusted
    description = value(DESCRIPTION).get("value")
    return {
        "area_id": plain_int(str((value(AREA).get("selected_option") or {}).get("value") or "")) or 0,
        "type_key": (value(TYPE).get("selected_option") or {}).get("value"),
        "occurred_at": datetime.fromtimestamp(int(stamp), UTC) if stamp.isascii() and stamp.isdigit() and
        len(stamp) <= 11 else None,
        "description": description if isinstance(description, str) else None,
    }
