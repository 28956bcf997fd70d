"""The rating form as a Slack modal: one 1–5 choice and an optional comment per area."""

from __future__ import annotations

import json

from bot.slack.text import clip, escape, pack
from commands.core.matching import plain_int
from commands.core.reply import Notice, RatingForm
from commands.core.scale import SCALE
from commands.core.spans import Strong, rich
from commands.core.texts import t
from commands.core.weeks import Week
from commands.rating.rate import COMMENT_LIMIT
from commands.rating.rate_form import FormEntry

CALLBACK_ID = "rating_form"
LEVEL, COMMENT = "level", "comment"


def _option(number: int) -> dict:
    step = SCALE[number - 1]
    return {"text": {"type": "plain_text", "text": f"{step.emoji} {number} {step.name}", "emoji": True},
            "value": str(number)}


def rating_view(form: RatingForm, *, channel_id: str | None) -> dict:
    """The modal, pre-filled with what the organisation already reported for the week."""
    blocks: list[dict] = [{
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(escape(rich("form.rating.intro", partner=Strong(form.partner),
                                                                  week=form.week.label)))}],
    }]
    for area in form.areas:
        select = {"type": "static_select", "action_id": f"{LEVEL}-{area.area_id}", "options": [_option(s.number) for s in SCALE],
                  "placeholder": {"type": "plain_text", "text": t("form.level.placeholder")}}
        if area.level is not None:
            select["initial_option"] = _option(area.level)
        comment = {"type": "plain_text_input", "action_id": f"{COMMENT}-{area.area_id}", "max_length": COMMENT_LIMIT,
                   "placeholder": {"type": "plain_text", "text": t("form.comment.placeholder")}}
        if area.comment:
            comment["initial_value"] = area.comment
        blocks.append({"type": "input", "block_id": f"{LEVEL}-{area.area_id}", "optional": True,
                       "label": {"type": "plain_text", "text": clip(area.area, 2000)}, "element": select})
        blocks.append({"type": "input", "block_id": f"{COMMENT}-{area.area_id}", "optional": True,
                       "label": {"type": "plain_text", "text": clip(t("form.comment.label", area=area.area), 2000)},
                       "element": comment})
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": {"type": "plain_text", "text": t("form.rating.title", week=form.week.short)},
        "submit": {"type": "plain_text", "text": t("form.save")},
        "close": {"type": "plain_text", "text": t("form.cancel")},
        "private_metadata": json.dumps({"week": str(form.week), "channel": channel_id}),
        "blocks": blocks[:100],
    }


def read_submission(view: dict) -> tuple[Week, list[FormEntry]]:
    """The week and the per-area entries of a submitted form."""
    meta = json.loads(view.get("private_metadata") or "{}")
    year, number = meta["week"].split("-W")
    values = view.get("state", {}).get("values", {})
    entries: dict[int, dict] = {}
    for block_id, actions in values.items():
        kind, _, area_id = block_id.partition("-")
        if kind not in (LEVEL, COMMENT) or plain_int(area_id) is None:
            continue
        action = actions.get(block_id) or actions.get(kind, {})  # action ids are unique per form: `level-12`
        value = (action.get("selected_option") or {}).get("value") if kind == LEVEL else action.get("value")
        entries.setdefault(int(area_id), {})[kind] = value
    initial = {block.get("block_id"): (block.get("element") or {}).get("initial_value")
               for block in view.get("blocks") or () if isinstance(block, dict)}  # as the form was opened
    result = [FormEntry(area_id, e.get(LEVEL), e.get(COMMENT), initial.get(f"{COMMENT}-{area_id}"))
              for area_id, e in sorted(entries.items())]
    return Week(int(year), int(number)), result


def done_view(notice: Notice) -> dict:
    """The modal after saving: exactly what is stored now, or why nothing was."""
    lines = [f"{'✅' if notice.tone == 'ok' else '⚠️'} *{escape(notice.title)}*", *(escape(x) for x in notice.lines)]
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": t("form.done.title")},
        "close": {"type": "plain_text", "text": t("form.close")},
        "blocks": pack(lines),
    }
