"""The insats form as an Adaptive Card (area, place, what, responsible partner, weeks), and its submission read
back for the command core (commands/insats/register.py's submit_insats_form, the same checks as the typed command).

Each form carries a token of its own in its Action.Submit data: a second press of the same form stores one insats
(the token is the insats' source key, as Slack's view id is). The alert card's *Planera insats* sends the
event's number, and the form comes to the presser's 1:1 chat with the event's area chosen.
"""

from __future__ import annotations

import uuid

from bot.teams.card_text import block, card
from commands.core.matching import plain_int
from commands.core.reply import FieldErrors
from commands.core.spans import Strong, rich
from commands.core.texts import t
from commands.insats.common import PLACE_LIMIT, WHAT_LIMIT
from commands.insats.replies import InsatsForm

FORM_KIND = "insats.form"
PLAN_KIND = "insats.plan"
WEEKS_LIMIT = 40
FIELDS = ("area", "place", "what", "partner", "weeks")


def insats_form_card(form: InsatsForm, errors: FieldErrors | None = None, typed: dict | None = None) -> dict:
    """The form; with `errors` and `typed` (a submission) each problem under its field and the values kept."""
    typed, problems = typed or {}, (errors.errors if errors else {})

    def chosen(name: str, default: int | None) -> str:
        return str(typed.get(name) or default or "")

    inputs = {
        "area": {"type": "Input.ChoiceSet", "id": "area", "label": t("insats.form.area"), "style": "compact",
                 "isRequired": True, "choices": [{"title": name, "value": str(i)} for i, name in form.areas],
                 "value": chosen("area", form.area_id)},
        "place": {"type": "Input.Text", "id": "place", "label": t("insats.form.place"), "maxLength": PLACE_LIMIT,
                  "value": typed.get("place") or ""},
        "what": {"type": "Input.Text", "id": "what", "label": t("insats.form.what"), "isRequired": True,
                 "isMultiline": True, "maxLength": WHAT_LIMIT, "value": typed.get("what") or ""},
        "partner": {"type": "Input.ChoiceSet", "id": "partner", "label": t("insats.form.partner"), "style": "compact",
                    "isRequired": True, "choices": [{"title": name, "value": str(i)} for i, name in form.partners],
                    "value": chosen("partner", form.partner_id)},
        "weeks": {"type": "Input.Text", "id": "weeks", "label": t("insats.form.weeks"), "maxLength": WEEKS_LIMIT,
                  "value": typed.get("weeks") if "weeks" in typed else form.start},
    }
    body = [block(t("insats.form.title"), size="Large", weight="Bolder"),
            block(rich("insats.form.intro", warning=Strong(t("insats.form.warning"))), isSubtle=True)]
    for name in FIELDS:
        body.append(inputs[name])
        if (0, name) in problems:
            problem = problems[(0, name)]
            body.append(block(("⚠️ ", *((problem,) if isinstance(problem, str) else problem)), color="Attention"))
    data = {"veckolage": FORM_KIND, "form": typed.get("form") or uuid.uuid4().hex}
    return card(body, [{"type": "Action.Submit", "title": t("insats.form.submit"), "data": data}])


def is_insats_submission(value: object) -> bool:
    """True for what the insats form's Action.Submit sends."""
    return isinstance(value, dict) and value.get("veckolage") == FORM_KIND


def read_insats_submission(value: dict) -> tuple[str, dict, dict]:
    """(the form's token, submit_insats_form's keyword arguments, what was typed); ids as plain numbers."""
    typed = {key: str(value.get(key) or "") for key in (*FIELDS, "form")}
    fields = {"area_id": plain_int(typed["area"]) or 0, "partner_id": plain_int(typed["partner"]),
              "what": typed["what"], "place": typed["place"], "weeks": typed["weeks"]}
    return typed["form"][:64], fields, typed


def plan_action(event_number: int) -> dict:
    """The alert card's *Planera insats*: asks for the form with the event's area chosen."""
    return {"type": "Action.Submit", "title": t("insats.alert.button"),
            "data": {"veckolage": PLAN_KIND, "event": event_number}}


def planned_event(value: object) -> int | None:
    """The event number a *Planera insats* press carries (a number we put there; never trusted further)."""
    if isinstance(value, dict) and value.get("veckolage") == PLAN_KIND:
        return plain_int(str(value.get("event") or "")) or 0
    return None
