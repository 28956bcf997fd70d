"""The file a reply stands for, with its name and the lines said with it: the same bytes on every platform.

`export_bytes` makes the year table as csv, xlsx or png; `chat_file` turns a file reply (the year picture, an
export, the audit log's CSV, the quarter's workbook) into a `ChatFile`; `save_export` writes one to disk for
the terminal. Heavy libraries (matplotlib, openpyxl) load only when such a file is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from commands.core.reply import ExportRequest, FileReply, QuarterExport, YearRequest
from commands.core.texts import t
from commands.year.export import year_csv
from commands.year.table import YearTable, build_year_table, summary_lines
from storage.db import session_scope

FILE_REPLIES = (YearRequest, ExportRequest, FileReply, QuarterExport)
EXPORTS = Path("exports")  # relative to where the command runs; .gitignore keeps it out of the repository
MIMETYPES = {"png": "image/png", "csv": "text/csv",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class ChatFile:
    """A file to send: its bytes, its name, and the lines said with it (the first is its title)."""

    data: bytes
    name: str
    lines: tuple[str, ...]

    @property
    def extension(self) -> str:
        return self.name.rsplit(".", 1)[-1].lower()

    @property
    def mimetype(self) -> str:
        return MIMETYPES.get(self.extension, "application/octet-stream")


def export_bytes(table: YearTable, fmt: str) -> tuple[bytes, str]:
    """The file and its name for a format: csv, xlsx or png."""
    if fmt == "csv":
        return year_csv(table).encode("utf-8"), f"lagesbild-{table.year}.csv"
    if fmt == "xlsx":
        from bot.files.year_xlsx import year_xlsx

        return year_xlsx(table), f"lagesbild-{table.year}.xlsx"
    from bot.files.year_picture import year_png

    return year_png(table), f"lagesbild-{table.year}.png"


def save_export(data: bytes, name: str, out: str | None = None) -> Path:
    """Write a file the terminal asked for: to `out`, else into `exports/` where the command runs (git-ignored)."""
    path = Path(out) if out else EXPORTS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path.resolve()


def chat_file(engine: Engine, reply, workspace_id: int) -> ChatFile:
    """The file of a file reply, made now from the workspace's data."""
    if isinstance(reply, FileReply):
        return ChatFile(reply.content.encode("utf-8"), reply.filename, (reply.comment,))
    if isinstance(reply, QuarterExport):
        from bot.files.quarter_xlsx import quarter_file

        data, name = quarter_file(reply.report)
        return ChatFile(data, name, (t("insats.quarter.comment", name=reply.report.name),))
    with session_scope(engine) as session:
        table = build_year_table(session, workspace_id=workspace_id, year=reply.year)
    if isinstance(reply, YearRequest):
        data, name = export_bytes(table, "png")
        return ChatFile(data, name, (t("year.summary.title", year=table.year), *summary_lines(table)))
    data, name = export_bytes(table, reply.format)
    return ChatFile(data, name, (t("export.comment", year=table.year, format=reply.format),))
