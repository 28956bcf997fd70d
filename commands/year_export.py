"""The year table as CSV, in the same shape the import reads (so the two round-trip)."""

from __future__ import annotations

import csv
import io

from commands.year_table import YearTable


def year_csv(table: YearTable) -> str:
    """`vecka,<område>,…` then one row per ISO week; an empty cell where nobody assessed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["vecka", *table.areas])
    for week in table.weeks:
        writer.writerow([week.week, *("" if (v := table.value(week.week, a)) is None else v for a in table.areas)])
    return out.getvalue()
