"""The event form as an Adaptive Card (area, type, date and time, a short description), and its submission read
back for the command core (commands/events/report.py's submit_event_form, the same checks as the typed command).

Each form carries a token of its own in its Action.Submit data: a second press of the same form reports nothing
new (the token is the event's source key, as Slack's view id is).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.teams.card_text import block, card
from commands.core.matching import plain_int
from commands.core.reply import EventForm, FieldErrors
from commands.core.spans import Strong, rich
from commands.core.texts import t
from commands.events.kinds import event_type

FORM_KIND = "handelse.form"
DESCRIPTION_LIMIT = 500
FIELDS = ("area", "type", "when", "description")


def event_form_card(form: EventForm, errors: FieldErrors | None = None, typed: dict | None = None) -> dict:
    """The form; with `errors` and `typed` (a submission) each problem under its field and the values kept."""
    typed, problems = typed or {}, (errors.errors if errors else {})
    types = [{"title": f"{event_type(key).emoji} {name}" + (t("form.event.critical") if event_type(key).critical
                                                              else ""), "value": key} for key, name in form.types]
    inputs = {
        "area": {"type": "Input.ChoiceSet", "id": "area", "label": t("form.event.area"), "style": "compact",
                 "isRequired": True, "choices": [{"title": name, "value": str(area_id)} for area_id, name in form.areas],
                 "value": str(typed.get("area") or "")},
        "type": {"type": "Input.ChoiceSet", "id": "type", "label": t("form.event.type"), "style": "compact",
                 "isRequired": True, "choices": types, "value": str(typed.get("type") or "")},
        "when": {"type": "ColumnSet", "columns": [
            {"type": "Column", "items": [{"type": "Input.Date", "id": "date", "label": t("form.event.when"),
                                          "value": typed.get("date") or form.now_local.date().isoformat()}]},
            {"type": "Column", "items": [{"type": "Input.Time", "id": "time", "label": " ",
                                          "value": typed.get("time") or form.now_local.strftime("%H:%M")}]}]},
        "description": {"type": "Input.Text", "id": "description", "label": t("form.event.description"),
                        "isMultiline": True, "maxLength": DESCRIPTION_LIMIT, "value": typed.get("description") or ""},
    }
    body = [block(t("form.event.title"), size="Large", weight="Bolder"),
            block(rich("form.event.intro", partner=Strong(form.partner)), isSubtle=True)]
    for name in FIELDS:
        body.append(inputs[name])
        if (0, name) in problems:
            body.append(block(("⚠️ ", *_spans(problems[(0, name)])), color="Attention"))
    data = {"veckolage": FORM_KIND, "form": typed.get("form") or uuid.uuid4().hex}
    return card(body, [{"type": "Action.Submit", "title": t("form.event.submit"), "data": data}])


def _spans(text) -> tuple:
    return (text,) if isinstance(text, str) else tuple(text)


def is_event_submission(value: object) -> bool:
    """True for what the event form's Action.Submit sends."""
    return isinstance(value, dict) and value.get("veckolage") == FORM_KIND


def read_event_submission(value: dict, timezone: str) -> tuple[str, dict, dict]:
    """(the form's token, submit_event_form's keyword arguments, what was typed); an unreadable date or time
    is None (the event happened now), as a form without one."""
    typed = {key: str(value.get(key) or "") for key in ("area", "type", "date", "time", "description", "form")}
    moment = None
    try:
        day, clock = date.fromisoformat(typed["date"]), time.fromisoformat(typed["time"])
        moment = datetime.combine(day, clock, ZoneInfo(timezone))
    except ValueError:
        pass
    fields = {"area_id": plain_int(typed["area"]) or 0, "type_key": typed["type"] or None, "occurred_at": moment,
              "description": typed["description"] or None}
    return typed["form"][:64], fields, typed
