"""The rating form as an Adaptive Card, and its submission read back into the command core's form entries.

Every area gets a choice of level (pre-filled with what the organisation already reported) and a comment;
one Action.Submit sends them all, and commands/rating/rate_form.py saves them all or none.
"""

from __future__ import annotations

from bot.teams.card_text import block, card, cell_text
from commands.core.reply import FieldErrors, RatingForm
from commands.core.scale import SCALE
from commands.core.texts import t
from commands.core.weeks import Week
from commands.rating.rate_form import FormEntry

FORM_KIND = "lage.form"  # the submission's marker in Action.Submit data
COMMENT_LIMIT = 300


def form_card(form: RatingForm, errors: FieldErrors | None = None) -> dict:
    """The form card; with `errors`, each field's problem shown under it."""
    problems = errors.errors if errors else {}
    choices = [{"title": t("teams.form.level.none"), "value": ""},
               *({"title": f"{cell_text(s.number)} {s.name}", "value": str(s.number)} for s in SCALE)]
    body = [block(t("teams.form.title", partner=form.partner), size="Large", weight="Bolder"),
            block(t("teams.form.hint", week=form.week.label), isSubtle=True)]
    for area in form.areas:
        items = [block(area.area, weight="Bolder"),
                 {"type": "Input.ChoiceSet", "id": f"level.{area.area_id}", "label": t("teams.form.level"),
                  "style": "compact", "choices": choices, "value": str(area.level) if area.level else ""}]
        if (area.area_id, "level") in problems:
            items.append(block(f"⚠️ {problems[(area.area_id, 'level')]}", color="Attention"))
        items.append({"type": "Input.Text", "id": f"comment.{area.area_id}", "label": t("teams.form.comment"),
                      "maxLength": COMMENT_LIMIT, "isMultiline": False, "value": area.comment or ""})
        if (area.area_id, "comment") in problems:
            items.append(block(f"⚠️ {problems[(area.area_id, 'comment')]}", color="Attention"))
        body.append({"type": "Container", "items": items, "separator": True, "spacing": "Medium"})
    data = {"veckolage": FORM_KIND, "year": form.week.year, "week": form.week.week,
            "initial": {str(a.area_id): a.comment or "" for a in form.areas}}
    return card(body, [{"type": "Action.Submit", "title": t("teams.form.submit"), "data": data}])


def is_form_submission(value: object) -> bool:
    """True for what our form's Action.Submit sends (a message activity's `value`)."""
    return isinstance(value, dict) and value.get("veckolage") == FORM_KIND


def read_submission(value: dict) -> tuple[Week, list[FormEntry]]:
    """The week and one entry per area of a submitted form; raises ValueError when it is not our form's shape."""
    week = Week(int(value["year"]), int(value["week"]))
    initial = value.get("initial") or {}
    if not isinstance(initial, dict):
        raise ValueError("initial comments are not a mapping")
    entries = []
    for key, typed in value.items():
        if not key.startswith("level."):
            continue
        area_id = int(key.removeprefix("level."))
        comment = value.get(f"comment.{area_id}")
        entries.append(FormEntry(area_id, str(typed).strip() or None,
                                 str(comment) if comment is not None else None,
                                 str(initial.get(str(area_id)) or "") or None))
    return week, entries
