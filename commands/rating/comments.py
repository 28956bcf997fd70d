"""`/veckolage kommentarer [vecka] <område>`: every partner comment on one area, where the grid has no room."""

from __future__ import annotations

from collections import Counter

from sqlmodel import Session

from commands.core.arguments import check_not_future, take_week
from commands.core.context import Invocation, load_caller, tokenize
from commands.core.matching import match_name
from commands.core.refusals import InputError, input_refusal, refusal, unknown_user_refusal
from commands.core.reply import Notice, Reply
from commands.core.texts import t
from commands.core.weeks import WeekError
from commands.rating.week_grid import build_grid

COMMENTS_USAGE = "veckolage kommentarer [vecka] <område>"


def show_comments(args: str, inv: Invocation, session: Session) -> Reply:
    """An area's comments of a week; without an area, which areas have comments and how many."""
    caller = load_caller(session, inv)
    if not caller.known:
        return unknown_user_refusal()
    try:
        week, rest = take_week(tokenize(args), caller)
        week = week or caller.assessment_week
        check_not_future(week, caller)
    except (InputError, WeekError) as error:
        return input_refusal(error, usage=COMMENTS_USAGE)
    grid = build_grid(session, workspace_id=caller.workspace.id, week=week)
    if not rest:
        counts = Counter(c.area for c in grid.comments)
        lines = tuple(t("comments.count", area=area, count=counts[area]) for area in (r.area for r in grid.rows)
                      if counts[area])
        return Notice("info", t("comments.areas.title", week=week.label), lines or (t("comments.none.week"),),
                      usage=COMMENTS_USAGE, week=week)
    text = args[rest[0].start:rest[-1].end]
    found = match_name(text, [r.area for r in grid.rows])
    if not found.found:
        hint = t("error.did_you_mean", names=", ".join(found.candidates)) if found.candidates else \
            t("admin.existing", names=", ".join(r.area for r in grid.rows))
        return refusal(t("admin.not_found", name=text), hint, usage=COMMENTS_USAGE, week=week)
    lines = tuple(f"{c.partner}: {c.text}" for c in grid.comments if c.area == found.found)
    return Notice("info", t("comments.title", area=found.found, week=week.label),
                  lines or (t("comments.none.area"),), week=week)
