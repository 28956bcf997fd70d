"""CSV as Swedish Excel opens it by double-click: a UTF-8 byte-order mark (else "HÃ¤sselby"), `;` between
fields (the list separator where the decimal mark is a comma) and CRLF line ends."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

BOM = "\ufeff"
SEPARATOR = ";"


def excel_csv(rows: Iterable[Iterable[object]]) -> str:
    """The rows as one CSV text for Swedish Excel."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue()
