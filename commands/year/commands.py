"""`/veckolage år`, `/veckolage trend` and `/veckolage export`: the year picture, an area's trend, files."""

from __future__ import annotations

from sqlmodel import Session

from commands.core.arguments import resolve_area
from commands.core.context import Invocation, load_caller, tokenize
from commands.core.matching import plain_int
from commands.core.refusals import InputError, input_refusal, refusal, unknown_user_refusal
from commands.core.reply import ExportRequest, Reply, Trend, TrendPoint, YearRequest
from commands.core.texts import t
from commands.year.table import build_year_table
from storage import queries

YEAR_USAGE = "veckolage år [år]"
TREND_USAGE = "veckolage trend <område> [veckor]"
EXPORT_USAGE = "veckolage export [år] csv|xlsx"
FORMATS = ("csv", "xlsx")
TREND_DEFAULT, TREND_MAX = 12, 52


def _year(text: str, default: int, usage: str) -> int:
    year = plain_int(text)
    if year is not None and default < year <= 9998:
        raise InputError(t("year.future", year=year, last=default), usage=usage)
    if year is None or not 2000 <= year <= default:
        raise InputError(t("year.bad", value=text, last=default), usage=usage)
    return year


def year_picture(args: str, inv: Invocation, session: Session) -> Reply:
    """`år [år]`: the year table (default this year), drawn off the request path; posted in the channel only
    when it is one of the collaboration's own (summary or alert), else sent to the asker directly."""
    caller = load_caller(session, inv)
    if not caller.known:
        return unknown_user_refusal()
    words = args.split()
    try:
        if len(words) > 1:
            raise InputError(t("error.unknown_subcommand", word=words[1]), usage=YEAR_USAGE)
        year = _year(words[0], caller.current_week.year, YEAR_USAGE) if words else caller.current_week.year
    except InputError as error:
        return input_refusal(error)
    shared = {caller.workspace.summary_channel, caller.workspace.alert_channel} - {None}
    return YearRequest(year, inv.channel_id if inv.channel_id in shared else None)


def export(args: str, inv: Invocation, session: Session) -> Reply:
    """`export [år] csv|xlsx` (coordinators): the year table as a file in the caller's DM."""
    caller = load_caller(session, inv)
    if not caller.coordinator:
        return refusal(t("export.not_coordinator"), usage=EXPORT_USAGE)
    words = [w.lower().lstrip(".") for w in args.split()]
    try:
        formats = [w for w in words if w in FORMATS]
        years = [w for w in words if w not in FORMATS]
        if len(formats) != 1 or len(years) > 1:
            raise InputError(t("export.format"), usage=EXPORT_USAGE)
        year = _year(years[0], caller.current_week.year, EXPORT_USAGE) if years else caller.current_week.year
    except InputError as error:
        return input_refusal(error)
    queries.audit(session, workspace_id=caller.workspace.id, at=inv.now, actor=inv.user_id, action="export",
                  subject=f"{year}.{formats[0]}", year=year)
    return ExportRequest(year, formats[0], inv.user_id)


def trend(args: str, inv: Invocation, session: Session) -> Reply:
    """`trend <område> [veckor]`: the area's last N weeks beside the collaboration's average."""
    caller = load_caller(session, inv)
    if not caller.known:
        return unknown_user_refusal()
    tokens = tokenize(args)
    count = TREND_DEFAULT
    try:
        if len(tokens) > 1 and plain_int(tokens[-1].text) is not None:
            count = plain_int(tokens[-1].text)
            if not 2 <= count <= TREND_MAX:
                raise InputError(t("trend.weeks", max=TREND_MAX), usage=TREND_USAGE)
            tokens = tokens[:-1]
        query = args[tokens[0].start:tokens[-1].end] if tokens else ""
        area = resolve_area(query, queries.active_areas(session, workspace_id=caller.workspace.id))
    except InputError as error:
        return input_refusal(error, usage=TREND_USAGE)
    weeks = [caller.assessment_week.shift(-offset) for offset in range(count - 1, -1, -1)]
    tables = {year: build_year_table(session, workspace_id=caller.workspace.id, year=year)
              for year in {w.year for w in weeks}}  # one or two years, three queries each
    points = []
    for week in weeks:
        table = tables[week.year]
        values = [v for a in table.areas if (v := table.value(week.week, a)) is not None]
        points.append(TrendPoint(week, table.value(week.week, area.name), sum(values) / len(values) if values else None))
    return Trend(area.name, tuple(points))
