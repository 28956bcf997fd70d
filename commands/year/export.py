"""The year table as CSV, in the same shape the import reads (so the two round-trip), for Swedish Excel."""

from __future__ import annotations

from commands.core.excel_csv import excel_csv
from commands.year.table import YearTable


def year_csv(table: YearTable) -> str:
    """BOM, `vecka;<område>;…` then one row per ISO week; an empty cell where nobody assessed."""
    weeks = ([week.week, *("" if (v := table.value(week.week, a)) is None else v for a in table.areas)]
             for week in table.weeks)
    return excel_csv([["vecka", *table.areas], *weeks])
