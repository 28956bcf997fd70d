"""`veckolage kvartal [2026-Q4] [xlsx]`: the quarter per area and its insatser, for the half-year report."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import Session

from commands.core.context import Invocation, load_caller
from commands.core.refusals import refusal, unknown_user_refusal
from commands.core.reply import Reply
from commands.core.texts import t
from commands.core.weeks import Week, weeks_in_year
from commands.insats.common import DONE, is_open, key, line, names
from commands.insats.replies import QuarterArea, QuarterExport, QuarterReport
from commands.year.table import build_year_table
from storage import queries
from storage.queries import insats as insats_queries

QUARTER_USAGE = "veckolage kvartal [år-Qn] [xlsx]"
_QUARTER = re.compile(r"^(?:(\d{4})[-\s]?)?q([1-4])$", re.IGNORECASE)
BURDENED = 3


def quarter_of(week: Week) -> tuple[int, int]:
    """An ISO week belongs to the quarter its Thursday falls in (so every week is in exactly one, of its ISO year)."""
    thursday = week.monday() + timedelta(days=3)
    return week.year, (thursday.month - 1) // 3 + 1


def quarter_weeks(year: int, quarter: int) -> tuple[Week, ...]:
    """The ISO weeks of a quarter: usually 13; 14 in a 53-week year's fourth, 12 when a Thursday falls just so."""
    return tuple(w for n in range(1, weeks_in_year(year) + 1) if quarter_of(w := Week(year, n)) == (year, quarter))


def parse_quarter(text: str, current: Week) -> tuple[int, int] | None:
    """`2026-Q4`, `Q4` (this year), `2026Q4`; None when it is not a quarter."""
    found = _QUARTER.match(text.strip())
    if not found:
        return None
    return int(found.group(1) or current.year), int(found.group(2))


def quarter_command(args: str, inv: Invocation, session: Session) -> Reply:
    """The quarter's report (everyone in the collaboration); as XLSX (coordinators) to a direct message."""
    caller = load_caller(session, inv)
    if not caller.known:
        return unknown_user_refusal()
    words = [w.lower().lstrip(".") for w in args.split()]
    as_file = "xlsx" in words
    rest = [w for w in words if w != "xlsx"]
    chosen = parse_quarter(rest[0], caller.current_week) if len(rest) == 1 else None
    if len(rest) > 1 or (rest and chosen is None):
        return refusal(t("insats.quarter.bad", value=" ".join(rest)[:40]), usage=QUARTER_USAGE)
    year, quarter = chosen or quarter_of(caller.assessment_week)
    if not 2000 <= year <= caller.current_week.year or (year, quarter) > quarter_of(caller.current_week):
        return refusal(t("insats.quarter.future", quarter=f"{year}-Q{quarter}"), usage=QUARTER_USAGE)
    if as_file and not caller.coordinator:
        return refusal(t("export.not_coordinator"), usage=QUARTER_USAGE)
    report = build_quarter(session, caller.workspace.id, year, quarter, caller.current_week)
    if as_file:
        queries.audit(session, workspace_id=caller.workspace.id, at=inv.now, actor=inv.user_id, action="export",
                      subject=f"{report.name}.xlsx", year=year)
        return QuarterExport(report, inv.user_id)
    return report


def build_quarter(session: Session, workspace_id: int, year: int, quarter: int, current: Week) -> QuarterReport:
    """Weeks at 4–5 and critical weeks per area; the most burdened; insatser done and open in the quarter."""
    weeks = quarter_weeks(year, quarter)
    table = build_year_table(session, workspace_id=workspace_id, year=year)
    numbers = {w.week for w in weeks}
    first, last = key(weeks[0]), key(weeks[-1])
    found = insats_queries.insatser_between(session, workspace_id=workspace_id, first=first, last=last)
    area_names, partners = names(session, workspace_id)
    ids = {name: area_id for area_id, name in area_names.items()}
    done = [i for i in found if i.status == DONE and i.start_week <= last and (i.end_week or i.start_week) >= first]
    still = [i for i in found if is_open(i)]
    rows = []
    for area in table.areas:
        values = [table.value(n, area) for n in numbers]
        rows.append(QuarterArea(
            area, sum(v is not None for v in values), sum(v is not None and v >= 4 for v in values),
            sum((n, area) in table.critical for n in numbers),
            sum(i.area_id == ids.get(area) for i in done), sum(i.area_id == ids.get(area) for i in still)))
    burdened = sorted((r for r in rows if r.high_weeks or r.critical_weeks),
                      key=lambda r: (-r.high_weeks, -r.critical_weeks, table.areas.index(r.area)))[:BURDENED]
    return QuarterReport(year, quarter, weeks[0].short, weeks[-1].short, len(weeks), tuple(rows), tuple(burdened),
                         tuple(line(i, area_names, partners, current) for i in done),
                         tuple(line(i, area_names, partners, current) for i in still))
