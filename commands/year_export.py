"""The year table as CSV, in the same shape the import reads (so the two round-trip).

Written for Swedish Excel, which opens a file by double-click only when it starts with a UTF-8 byte-order
mark (else "HÃ¤sselby") and is separated by `;` (the list separator where the decimal mark is a comma).
"""

from __future__ import annotations

import csv
import io

from commands.year_table import YearTable

BOM = "\ufeff"
SEPARATOR = ";"


def year_csv(table: YearTable) -> str:
    """BOM, `vecka;<område>;…` then one row per ISO week; an empty cell where nobody assessed."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow(["vecka", *table.areas])
    for week in table.weeks:
        writer.writerow([week.week, *("" if (v := table.value(week.week, a)) is None else v for a in table.areas)])
    return out.getvalue()
