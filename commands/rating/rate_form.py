"""Saving the rating form: every area of one week in one go, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from commands.core.arguments import check_not_future, parse_level
from commands.core.context import Invocation, load_caller
from commands.core.matching import sanitize
from commands.core.refusals import InputError, not_member_refusal, refusal
from commands.core.reply import FieldErrors, Notice, Reply
from commands.core.scale import level
from commands.core.texts import t
from commands.core.weeks import Week, WeekError
from commands.rating.rate import CLEAR_COMMENT, clean_comment
from commands.rhythm.summary import week_changed
from storage import queries
from storage.queries.rating_write import repeats, save_rating


@dataclass(frozen=True)
class FormEntry:
    """What the form held for one area: the chosen level (text), the comment, and the comment the form was
    pre-filled with (emptying that field removes the comment; a field left empty keeps what is stored)."""

    area_id: int
    level: str | None
    comment: str | None
    initial_comment: str | None = None

    @property
    def clears_comment(self) -> bool:
        """The user emptied the pre-filled comment, or wrote only a dash as on the command line."""
        typed = (self.comment or "").strip()
        return typed in CLEAR_COMMENT or (not typed and bool((self.initial_comment or "").strip()))


def submit_form(inv: Invocation, session: Session, *, week: Week, entries: list[FormEntry]) -> Reply:
    """Validate every entry first, then save the changed ones; the reply lists what is stored."""
    caller = load_caller(session, inv)
    if caller.partner is None:
        return not_member_refusal(week)
    try:
        check_not_future(week, caller)
    except WeekError as error:
        return refusal(str(error), week=week)
    areas = {a.id: a for a in caller.areas}
    checked, errors = [], {}
    for entry in entries:
        entry = FormEntry(entry.area_id, entry.level and sanitize(entry.level),
                          entry.comment and sanitize(entry.comment), entry.initial_comment)
        if entry.area_id not in areas:
            continue  # retired since the form was opened: nothing to save there
        try:
            comment = None if entry.clears_comment else clean_comment(entry.comment)
        except InputError as error:
            errors[(entry.area_id, "comment")] = " ".join(error.lines)
            continue
        if entry.level is None:
            if comment:
                errors[(entry.area_id, "level")] = t("rate.form.level_needed")
            continue
        try:
            checked.append((areas[entry.area_id], parse_level(entry.level), comment, entry.clears_comment))
        except InputError as error:
            errors[(entry.area_id, "level")] = " ".join(error.lines)
    if errors:
        return FieldErrors(errors)
    stored = {r.area_id: r for r in queries.ratings_for_weeks(
        session, workspace_id=caller.workspace.id, weeks=[(week.year, week.week)]) if r.partner_id == caller.partner.id}
    changes, changed = [], 0
    for area, value, comment, clear in checked:
        old = stored.get(area.id)
        keep = comment is None and not clear  # an untouched empty field: a colleague's new comment stays
        comment = (old.comment if old else None) if keep else comment
        if old is None or (old.level, old.comment) != (value, comment):
            saved = save_rating(session, workspace_id=caller.workspace.id, area=area, partner=caller.partner,
                                year=week.year, week=week.week, level=value, comment=comment,
                                user_id=inv.user_id, now=inv.now, keep_comment=keep)
            if not repeats(saved, value, comment, inv.user_id, keep_comment=keep):  # the same form sent twice
                changed += 1
                changes.append(f"{area.name} {value} {level(value).name}" + (" 💬" if comment else ""))
    lines = saved_lines(checked, changes)
    if changed:
        week_changed(session, caller.workspace, week, t("change.form", partner=caller.partner.name, count=changed),
                     inv.now)
    title = t("rate.form.saved.title", partner=caller.partner.name, week=week.label)
    return Notice("ok", title, tuple(lines) or (t("rate.form.saved.none"),), week=week)


def saved_lines(checked: list, changes: list[str]) -> tuple[str, ...]:
    """The confirmation in short: how many areas are stored, which changed now; never every comment again."""
    if not checked:
        return ()
    comments = sum(1 for _, _, comment, _ in checked if comment)
    lines = [t("rate.form.saved.counts", areas=len(checked), changed=len(changes), comments=comments)]
    if changes:
        lines.append(t("rate.form.saved.changed", areas=", ".join(changes)))
    return tuple(lines)
