"""`/veckolage`: the consolidated week grid, and the coordinator's fastställd value."""

from __future__ import annotations

from sqlmodel import Session

from commands.context import Invocation, load_caller, tokenize
from commands.rate import InputError, check_not_future, error_notice, split_area_level, take_week
from commands.reply import Notice, Reply, mention
from commands.scale import level
from commands.texts import t
from commands.week_grid import area_row, build_grid
from commands.weeks import WeekError
from storage import queries

GRID_USAGE = "/veckolage [vecka]"
AGREE_USAGE = "/veckolage fastställ [vecka] <område> <1-5>"


def show_grid(args: str, inv: Invocation, session: Session) -> Reply:
    """The consolidated grid of a week (default: the week under assessment)."""
    caller = load_caller(session, inv)
    if not caller.known:
        return Notice("error", t("error.title"), (t("error.unknown_user"), t("error.unknown_user.hint")))
    tokens = tokenize(args)
    try:
        week, rest = take_week(tokens, caller)
        if rest:
            word = rest[0].text
            raise InputError(t("error.unknown_subcommand", word=word), usage=GRID_USAGE)
        week = week or caller.assessment_week
        check_not_future(week, caller)
    except (InputError, WeekError) as error:
        return error_notice(error, usage=GRID_USAGE)
    return build_grid(session, workspace_id=caller.workspace.id, week=week)


def agree(args: str, inv: Invocation, session: Session) -> Reply:
    """`fastställ [vecka] <område> <1-5>`: coordinators set the agreed value of an area-week."""
    caller = load_caller(session, inv)
    week = caller.assessment_week
    if not caller.coordinator:
        names = queries.users_with_role(session, workspace_id=caller.workspace.id, role=queries.COORDINATOR)
        mentions = ", ".join(mention(uid) for uid in names) or "–"
        return Notice("error", t("error.title"), (t("error.not_coordinator"),
                                                  t("error.not_coordinator.hint", names=mentions)), week=week)
    try:
        given, tokens = take_week(tokenize(args), caller)
        week = given or week
        check_not_future(week, caller)
        areas = queries.active_areas(session, workspace_id=caller.workspace.id)
        if not tokens:
            raise InputError(t("error.missing_area"), usage=AGREE_USAGE)
        area, value, rest = split_area_level(args, tokens, areas, usage=AGREE_USAGE)
        if rest.strip():
            raise InputError(t("error.unknown_subcommand", word=rest.strip().split()[0]), usage=AGREE_USAGE)
    except InputError as error:
        return error_notice(InputError(*error.lines, usage=AGREE_USAGE), week)
    except WeekError as error:
        return error_notice(error, week, usage=AGREE_USAGE)
    before = area_row(session, workspace_id=caller.workspace.id, area=area.name, week=week)
    old = queries.save_agreed(session, workspace_id=caller.workspace.id, area=area, year=week.year,
                              week=week.week, level=value, user_id=inv.user_id, now=inv.now)
    lines = []
    if old is not None:
        lines.append(t("agreed.saved.replaced", old=old))
    elif before is not None and before.value is not None:
        lines.append(t("agreed.saved.proposed", proposed=before.value))
    title = t("agreed.saved.title", area=area.name, level=f"{value} {level(value).name}", week=week.short)
    return Notice("ok", title, tuple(lines), week=week)
