"""Importing a historical year table (the shape of the Stockholm årssammanställning CSV).

The file is checked whole before anything is written; imported values become fastställda values,
so a re-import of the same file changes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from commands.core.matching import fold, plain_int, same_name, sanitize
from commands.core.scale import is_level
from commands.core.texts import t
from commands.core.weeks import weeks_in_year
from storage import queries
from storage.models import Area
from storage.queries import setup as setup_queries

IMPORT_ACTOR = "import"


class YearFileError(ValueError):
    """A malformed file: the Swedish message names the line and column of the first problem."""


@dataclass(frozen=True)
class YearFile:
    """A checked year table: area names in file order and the values per (week, area)."""

    year: int
    areas: tuple[str, ...]
    values: dict[tuple[int, str], int]


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    created_areas: tuple[str, ...]
    changed: int
    unchanged: int


def parse_year_csv(text: str, *, year: int) -> YearFile:
    """First column the week, one column per area, empty cell = no assessment; `,` or `;` separated."""
    text = sanitize(text.lstrip("\ufeff"), keep_controls=True)  # area names reach the chat, never as mentions
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise YearFileError(t("yearfile.empty"))
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [cell.strip() for cell in rows[0]]
    if fold(header[0]) not in ("vecka", "v", "week"):
        raise YearFileError(t("yearfile.first_column", value=header[0]))
    seen: dict[str, int] = {}
    for column, name in enumerate(header[1:], start=2):
        if not name:
            raise YearFileError(t("yearfile.area_missing", column=column))
        if fold(name) in seen:
            raise YearFileError(t("yearfile.area_twice", column=column, name=name, first=seen[fold(name)]))
        seen[fold(name)] = column
    total, values, weeks = weeks_in_year(year), {}, set()
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise YearFileError(t("yearfile.columns", line=line, count=len(row), header=len(header)))
        week_text = row[0].strip().lower().removeprefix("v").strip()
        week = plain_int(week_text)
        if week is None or not 1 <= week <= total:
            raise YearFileError(t("yearfile.bad_week", line=line, value=row[0], total=total, year=year))
        if week in weeks:
            raise YearFileError(t("yearfile.week_twice", line=line, week=week))
        weeks.add(week)
        for column, (name, cell) in enumerate(zip(header[1:], row[1:], strict=True), start=2):
            cell = cell.strip()
            if not cell:
                continue
            level = plain_int(cell)
            if level is None or not is_level(level):
                raise YearFileError(t("yearfile.bad_level", line=line, column=column, area=name, value=cell))
            values[(week, name)] = level
    return YearFile(year, tuple(header[1:]), values)


def import_year(session: Session, *, workspace_id: int, file: YearFile, create_areas: bool, now: datetime,
                actor: str = IMPORT_ACTOR) -> ImportReport:
    """Write the values as fastställda; unknown areas are refused by name unless created on request."""
    areas = {fold(a.name): a for a in queries.active_areas(session, workspace_id=workspace_id)}
    unknown = [name for name in file.areas if fold(name) not in areas]
    if unknown and not create_areas:
        raise YearFileError(t("yearfile.unknown_areas", names=", ".join(f"”{n}”" for n in unknown)))
    for name in unknown:  # a retired area of that name comes back with its history
        area, restored = setup_queries.add_named(session, Area, workspace_id=workspace_id, name=name, same=same_name)
        areas[fold(name)] = area
        queries.audit(session, workspace_id=workspace_id, at=now, actor=actor,
                      action="area.restore" if restored else "area.add", subject=name, new=name)
    current = {(week, area_id): level
               for week, area_id, level in queries.agreed_for_year(session, workspace_id=workspace_id, year=file.year)}
    changed = unchanged = 0
    for (week, name), level in sorted(file.values.items()):
        area = areas[fold(name)]
        if current.get((week, area.id)) == level:
            unchanged += 1
            continue
        queries.save_agreed(session, workspace_id=workspace_id, area=area, year=file.year, week=week, level=level,
                            user_id=actor, now=now)
        changed += 1
    return ImportReport(tuple(unknown), changed, unchanged)
