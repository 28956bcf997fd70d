"""The årssammanställning as an Excel workbook: one coloured sheet for the year, one for the legend."""

from __future__ import annotations

import io

from bot.files.year_picture import ink
from commands.core.scale import SCALE, level
from commands.core.texts import t
from commands.year.table import YearTable

CRITICAL_NOTE = t("year.xlsx.critical")
AUTHOR = "Veckoläge"  # the product's name
LEGEND_SHEET = t("year.xlsx.legend")


def _argb(hex_colour: str) -> str:
    """`#2e9e44` → `FF2E9E44`, the opaque ARGB form openpyxl and Excel expect."""
    return "FF" + hex_colour.lstrip("#").upper()


def year_xlsx(table: YearTable) -> bytes:
    """The year table as .xlsx bytes: integers, level fills, critical cells bold, framed and commented."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    def fill(hex_colour: str) -> PatternFill:
        return PatternFill(fill_type="solid", start_color=_argb(hex_colour), end_color=_argb(hex_colour))

    def font(hex_colour: str, *, bold: bool = False) -> Font:
        return Font(color=_argb(ink(hex_colour)), bold=bold)

    thick = Side(style="thick", color="FF000000")
    frame = Border(left=thick, right=thick, top=thick, bottom=thick)
    centre = Alignment(horizontal="center", vertical="center")

    wb = Workbook()
    wb.properties.creator = AUTHOR
    ws = wb.active
    ws.title = f"{table.year}"
    ws.append([t("year.xlsx.week"), *table.areas])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="bottom", wrap_text=False)
    for row, week in enumerate(table.weeks, start=2):
        ws.cell(row=row, column=1, value=week.week).alignment = centre
        for col, area in enumerate(table.areas, start=2):
            value = table.value(week.week, area)
            if value is None:
                continue
            colour = level(value).hex
            critical = (week.week, area) in table.critical
            cell = ws.cell(row=row, column=col, value=int(value))
            cell.fill = fill(colour)
            cell.font = font(colour, bold=critical)
            cell.alignment = centre
            if critical:
                cell.border = frame
                cell.comment = Comment(CRITICAL_NOTE, AUTHOR)
    ws.freeze_panes = "B2"
    ws.column_dimensions["A"].width = 8
    for col, area in enumerate(table.areas, start=2):
        ws.column_dimensions[get_column_letter(col)].width = max(len(area) + 2, 6)

    legend = wb.create_sheet(LEGEND_SHEET)
    legend.append([t("year.xlsx.legend.level"), t("year.xlsx.legend.name"), t("year.xlsx.legend.meaning")])
    for cell in legend[1]:
        cell.font = Font(bold=True)
    for step in SCALE:
        legend.append([step.number, step.name, step.meaning])
        number = legend.cell(row=legend.max_row, column=1)
        number.fill, number.font, number.alignment = fill(step.hex), font(step.hex), centre
    legend.append([])
    legend.append([None, t("year.xlsx.legend.frame"), t("year.xlsx.legend.frame_meaning")])
    legend.cell(row=legend.max_row, column=2).border = frame
    legend.append([None, t("year.xlsx.legend.empty"), t("year.xlsx.legend.empty_meaning")])
    legend.column_dimensions["A"].width = 6
    legend.column_dimensions["B"].width = max(len(s.name) for s in SCALE) + 6
    legend.column_dimensions["C"].width = max(len(s.meaning) for s in SCALE) + 6

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
