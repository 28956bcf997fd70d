"""`/veckolage`: the consolidated week grid, and the coordinator's fastställd value."""

from __future__ import annotations

from sqlmodel import Session

from commands.core.arguments import check_not_future, take_week
from commands.core.context import Invocation, load_caller, tokenize
from commands.core.refusals import InputError, input_refusal, refusal, unknown_user_refusal
from commands.core.reply import Notice, Reply
from commands.core.scale import level
from commands.core.spans import join, mention, rich
from commands.core.texts import t
from commands.core.weeks import WeekError
from commands.insats.focus import with_focus
from commands.rating.area_value import area_value
from commands.rating.rate import split_area_level
from commands.rating.week_grid import build_grid
from commands.rhythm.schedule import is_skipped
from commands.rhythm.summary import SummaryError, publish_summary, week_changed
from storage import queries
from storage.queries import rhythm

GRID_USAGE = "veckolage [vecka]"
AGREE_USAGE = "veckolage fastställ [vecka] <område> <1-5>"


def show_grid(args: str, inv: Invocation, session: Session) -> Reply:
    """The consolidated grid of a week (default: the week under assessment)."""
    caller = load_caller(session, inv)
    if not caller.known:
        return unknown_user_refusal()
    tokens = tokenize(args)
    try:
        week, rest = take_week(tokens, caller)
        if rest:
            word = rest[0].text
            raise InputError(t("error.unknown_subcommand", word=word), usage=GRID_USAGE)
        week = week or caller.assessment_week
        check_not_future(week, caller, "grid")
    except (InputError, WeekError) as error:
        return input_refusal(error, usage=GRID_USAGE)
    return with_focus(session, caller, build_grid(session, workspace_id=caller.workspace.id, week=week))


def agree(args: str, inv: Invocation, session: Session) -> Reply:
    """`fastställ [vecka] <område> <1-5>`: coordinators set the agreed value of an area-week."""
    caller = load_caller(session, inv)
    week = caller.assessment_week
    if not caller.coordinator:
        names = queries.users_with_role(session, workspace_id=caller.workspace.id, role=queries.COORDINATOR)
        mentions = join(", ", [mention(uid) for uid in names], "–")
        return refusal(t("error.not_coordinator"), rich("error.not_coordinator.hint", names=mentions), week=week)
    try:
        given, tokens = take_week(tokenize(args), caller)
        week = given or week
        check_not_future(week, caller, "agree")
        areas = queries.active_areas(session, workspace_id=caller.workspace.id)
        if not tokens:
            raise InputError(t("error.missing_area"), usage=AGREE_USAGE)
        area, value, rest = split_area_level(args, tokens, areas, usage=AGREE_USAGE)
        if rest.strip():
            raise InputError(t("error.unknown_subcommand", word=rest.strip().split()[0]), usage=AGREE_USAGE)
    except InputError as error:
        return refusal(*error.lines, usage=AGREE_USAGE, week=week)
    except WeekError as error:
        return input_refusal(error, usage=AGREE_USAGE, week=week)
    before = area_value(session, area_id=area.id, week=week)
    old = queries.save_agreed(session, workspace_id=caller.workspace.id, area=area, year=week.year,
                              week=week.week, level=value, user_id=inv.user_id, now=inv.now)
    week_changed(session, caller.workspace, week, t("change.agreed", area=area.name, value=value), inv.now)
    lines = []
    if old is not None:
        lines.append(t("agreed.saved.replaced", old=old))
    elif before is not None and before.value is not None:
        lines.append(t("agreed.saved.proposed", proposed=before.value))
    if before.critical and value < before.value:  # the event keeps the area at 5 whatever was fastställt
        now = area_value(session, area_id=area.id, week=week)
        lines.append(t("agreed.saved.lifted", area=area.name, value=now.value, status=now.status))
    title = t("agreed.saved.title", area=area.name, level=f"{value} {level(value).name}",
              week=week.short_in(caller.current_week.year))
    return Notice("ok", title, tuple(lines), week=week)


PUBLISH_USAGE = "veckolage publicera [vecka]"
SKIP_USAGE = "veckolage hoppa-över [vecka]"
UNSKIP_USAGE = "veckolage återuppta [vecka]"


def _coordinator_week(args: str, inv: Invocation, session: Session, usage: str, refused_key: str, default_shift: int,
                      reach: str):
    """Shared start of the coordinator's week commands: rights, then an optional week."""
    caller = load_caller(session, inv)
    if not caller.coordinator:
        return caller, None, refusal(t(refused_key), usage=usage)
    try:
        week, rest = take_week(tokenize(args), caller)
        if rest:
            raise InputError(t("error.unknown_subcommand", word=rest[0].text), usage=usage)
        week = week or caller.current_week.shift(default_shift)
        check_not_future(week, caller, reach)
    except (InputError, WeekError) as error:
        return caller, None, input_refusal(error, usage=usage)
    return caller, week, None


def publish(args: str, inv: Invocation, session: Session) -> Reply:
    """`publicera [vecka]` (default last week): post the summary now, or refresh the one already out."""
    caller, week, refused = _coordinator_week(args, inv, session, PUBLISH_USAGE, "publish.not_coordinator", -1,
                                             "publish")
    if refused:
        return refused
    if not caller.workspace.summary_channel:
        return refusal(t("publish.no_channel"), week=week)
    try:
        message = publish_summary(session, caller.workspace, week, actor=inv.user_id, now=inv.now)
    except SummaryError as error:
        return refusal(str(error), week=week)
    return Notice("ok", message, week=week)


def skip_week(args: str, inv: Invocation, session: Session) -> Reply:
    """`hoppa-över [vecka]` (default this week): no reminders and no summary for a week without a meeting."""
    caller, week, refused = _coordinator_week(args, inv, session, SKIP_USAGE, "skip.not_coordinator", 0, "plan")
    if refused:
        return refused
    ws = caller.workspace
    if is_skipped(session, ws.id, week):
        return Notice("info", t("skip.already", week=week.label.capitalize()), week=week)
    rhythm.skip(session, workspace_id=ws.id, year=week.year, week=week.week, user_id=inv.user_id, now=inv.now)
    queries.audit(session, workspace_id=ws.id, at=inv.now, actor=inv.user_id, action="week.skip", subject=str(week),
                  year=week.year, week=week.week)
    return Notice("ok", t("skip.done", week=week.label.capitalize()), week=week)


def unskip_week(args: str, inv: Invocation, session: Session) -> Reply:
    """`återuppta [vecka]`: undo a skipped week."""
    caller, week, refused = _coordinator_week(args, inv, session, UNSKIP_USAGE, "skip.not_coordinator", 0, "plan")
    if refused:
        return refused
    ws = caller.workspace
    if not rhythm.unskip(session, workspace_id=ws.id, year=week.year, week=week.week):
        return Notice("info", t("skip.not_skipped", week=week.label.capitalize()), week=week)
    queries.audit(session, workspace_id=ws.id, at=inv.now, actor=inv.user_id, action="week.unskip",
                  subject=str(week), year=week.year, week=week.week)
    return Notice("ok", t("skip.undone", week=week.label.capitalize()), week=week)
