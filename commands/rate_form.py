"""Saving the rating form: every area of one week in one go, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from commands.context import Invocation, load_caller
from commands.matching import sanitize
from commands.rate import InputError, check_not_future, clean_comment, parse_level
from commands.reply import FieldErrors, Notice, Reply
from commands.scale import level
from commands.summary import week_changed
from commands.texts import t
from commands.weeks import Week, WeekError
from storage import queries
from storage.rating_write import repeats, save_rating


@dataclass(frozen=True)
class FormEntry:
    """What the form held for one area: the chosen level (text) and the comment."""

    area_id: int
    level: str | None
    comment: str | None


def submit_form(inv: Invocation, session: Session, *, week: Week, entries: list[FormEntry]) -> Reply:
    """Validate every entry first, then save the changed ones; the reply lists what is stored."""
    caller = load_caller(session, inv)
    if caller.partner is None:
        return Notice("error", t("error.title"), (t("error.not_member"), t("error.not_member.hint")), week=week)
    try:
        check_not_future(week, caller)
    except WeekError as error:
        return Notice("error", t("error.title"), (str(error),), week=week)
    areas = {a.id: a for a in caller.areas}
    checked, errors = [], {}
    for entry in entries:
        entry = FormEntry(entry.area_id, entry.level and sanitize(entry.level), entry.comment and sanitize(entry.comment))
        if entry.area_id not in areas:
            continue  # retired since the form was opened: nothing to save there
        try:
            comment = clean_comment(entry.comment)
        except InputError as error:
            errors[(entry.area_id, "comment")] = " ".join(error.lines)
            continue
        if entry.level is None:
            if comment:
                errors[(entry.area_id, "level")] = t("rate.form.level_needed")
            continue
        try:
            checked.append((areas[entry.area_id], parse_level(entry.level), comment))
        except InputError as error:
            errors[(entry.area_id, "level")] = " ".join(error.lines)
    if errors:
        return FieldErrors(errors)
    stored = {r.area_id: r for r in queries.ratings_for_weeks(
        session, workspace_id=caller.workspace.id, weeks=[(week.year, week.week)]) if r.partner_id == caller.partner.id}
    lines, changed = [], 0
    for area, value, comment in checked:
        old = stored.get(area.id)
        if old is None or (old.level, old.comment) != (value, comment):
            saved = save_rating(session, workspace_id=caller.workspace.id, area=area, partner=caller.partner,
                                year=week.year, week=week.week, level=value, comment=comment,
                                user_id=inv.user_id, now=inv.now)
            changed += not repeats(saved, value, comment, inv.user_id)  # the same form sent twice at once
        lines.append(f"{area.name}: {value} {level(value).name}" + (f" – {comment}" if comment else ""))
    if changed:
        week_changed(session, caller.workspace, week, t("change.form", partner=caller.partner.name, count=changed),
                     inv.now)
    title = t("rate.form.saved.title", partner=caller.partner.name, week=week.label)
    return Notice("ok", title, tuple(lines) or (t("rate.form.saved.none"),), week=week)
