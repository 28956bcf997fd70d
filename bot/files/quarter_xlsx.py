"""The quarter as an Excel workbook: one sheet per area, one of insatser, to paste into the half-year report."""

from __future__ import annotations

import io

from commands.core.texts import t
from commands.insats.replies import QuarterReport

AUTHOR = "Veckoläge"  # the product's name


def quarter_xlsx(report: QuarterReport) -> bytes:
    """Two sheets: areas (weeks assessed, at 4–5, critical; insatser done and open) and every insats listed."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.properties.creator = AUTHOR
    areas = wb.active
    areas.title = t("insats.xlsx.areas")
    areas.append([t("insats.xlsx.area"), t("insats.xlsx.assessed"), t("insats.xlsx.high"), t("insats.xlsx.critical"),
                  t("insats.xlsx.done"), t("insats.xlsx.open")])
    for row in report.areas:
        areas.append([row.area, row.assessed, row.high_weeks, row.critical_weeks, row.done, row.open])
    listed = wb.create_sheet(t("insats.xlsx.insatser"))
    listed.append([t("insats.xlsx.number"), t("insats.xlsx.area"), t("insats.xlsx.place"), t("insats.xlsx.what"),
                   t("insats.xlsx.partner"), t("insats.xlsx.weeks"), t("insats.xlsx.status"),
                   t("insats.xlsx.followup"), t("insats.xlsx.result")])
    for line in (*report.done, *report.open):
        listed.append([line.number, line.area, line.place or "", line.what or t("insats.list.blanked"), line.partner,
                       line.weeks, line.status, line.followup, line.result or ""])
    for sheet in (areas, listed):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        sheet.freeze_panes = "B2"
        for col in range(1, sheet.max_column + 1):
            longest = max(len(str(c.value or "")) for c in sheet[get_column_letter(col)])
            sheet.column_dimensions[get_column_letter(col)].width = min(max(longest + 2, 6), 60)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
