"""The insats form as a Slack modal, and the alert's "Planera insats" button that opens it."""

from __future__ import annotations

import json

from bot.slack.text import clip, escape
from commands.core.matching import plain_int
from commands.core.spans import Strong, rich
from commands.core.texts import t
from commands.insats.common import PLACE_LIMIT, WHAT_LIMIT
from commands.insats.replies import InsatsForm

CALLBACK_ID = "insats_form"
PLAN_ACTION = "plan_insats"
AREA, PLACE, WHAT, PARTNER, WEEKS = "area", "place", "what", "partner", "weeks"


def _option(text: str, value: str) -> dict:
    return {"text": {"type": "plain_text", "text": clip(text, 75), "emoji": True}, "value": value}


def _select(block: str, label: str, options: list[dict], initial: str | None) -> dict:
    element = {"type": "static_select", "action_id": block, "options": options[:100]}
    chosen = next((o for o in element["options"] if o["value"] == initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return {"type": "input", "block_id": block, "label": {"type": "plain_text", "text": label}, "element": element}


def _text(block: str, label: str, limit: int, *, optional: bool = False, initial: str = "") -> dict:
    element = {"type": "plain_text_input", "action_id": block, "max_length": limit}
    if initial:
        element["initial_value"] = initial
    return {"type": "input", "block_id": block, "optional": optional,
            "label": {"type": "plain_text", "text": label}, "element": element}


def insats_view(form: InsatsForm, *, channel_id: str | None) -> dict:
    """The modal: area, place, what (no personal data), responsible partner, weeks."""
    blocks = [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(rich(
            "insats.form.intro", warning=Strong(t("insats.form.warning"))))}]},
        _select(AREA, t("insats.form.area"), [_option(n, str(i)) for i, n in form.areas],
                str(form.area_id) if form.area_id else None),
        _text(PLACE, t("insats.form.place"), PLACE_LIMIT, optional=True),
        _text(WHAT, t("insats.form.what"), WHAT_LIMIT),
        _select(PARTNER, t("insats.form.partner"), [_option(n, str(i)) for i, n in form.partners],
                str(form.partner_id) if form.partner_id else None),
        _text(WEEKS, t("insats.form.weeks"), 40, optional=True, initial=form.start),
    ]
    return {"type": "modal", "callback_id": CALLBACK_ID,
            "title": {"type": "plain_text", "text": t("insats.form.title")},
            "submit": {"type": "plain_text", "text": t("insats.form.submit")},
            "close": {"type": "plain_text", "text": t("form.cancel")},
            "private_metadata": json.dumps({"channel": channel_id}), "blocks": blocks}


def read_insats_submission(view: dict) -> dict:
    """The form's fields, never trusted: ids as plain numbers, texts as strings."""
    values = view.get("state", {}).get("values", {})

    def value(block: str) -> dict:
        return values.get(block, {}).get(block, {})

    def chosen(block: str) -> int | None:
        return plain_int(str((value(block).get("selected_option") or {}).get("value") or ""))

    def text(block: str) -> str | None:
        found = value(block).get("value")
        return found if isinstance(found, str) else None

    return {"area_id": chosen(AREA) or 0, "partner_id": chosen(PARTNER), "what": text(WHAT), "place": text(PLACE),
            "weeks": text(WEEKS)}


def plan_button(event_number: int) -> dict:
    """The alert's "Planera insats" button: opens the form with the event's area chosen."""
    return {"type": "button", "action_id": PLAN_ACTION, "value": str(event_number),
            "text": {"type": "plain_text", "text": t("insats.alert.button")}}


def add_plan_button(blocks: list[dict], event_number: int) -> None:
    """Put "Planera insats" beside the alert's other buttons (or in a row of its own once acknowledged)."""
    actions = next((b for b in blocks if b.get("type") == "actions"), None)
    if actions is None:
        blocks.append({"type": "actions", "block_id": "plan", "elements": [plan_button(event_number)]})
    else:
        actions["elements"].append(plan_button(event_number))
