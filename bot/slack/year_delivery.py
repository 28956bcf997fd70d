"""The year picture and exports in Slack: built after the ack (drawing takes ~0.5 s), then uploaded."""

from __future__ import annotations

import logging
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.slack.text import escape
from commands.core.reply import ExportRequest, FileReply, QuarterExport, YearRequest
from commands.core.texts import t
from commands.year.export import year_csv
from commands.year.table import YearTable, build_year_table, summary_lines
from storage.db import session_scope

log = logging.getLogger("veckolage.year")
EXPORTS = Path("exports")  # relative to where the command runs; .gitignore keeps it out of the repository


def export_bytes(table: YearTable, fmt: str) -> tuple[bytes, str]:
    """The file and its name for a format: csv, xlsx or png (heavy libraries load only here)."""
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


def _table(engine: Engine, workspace_id: int, year: int) -> YearTable:
    with session_scope(engine) as session:
        return build_year_table(session, workspace_id=workspace_id, year=year)


def send_year_picture(engine: Engine, client: WebClient, request: YearRequest, *, workspace_id: int,
                      user_id: str, respond) -> None:
    """Upload the heatmap with the per-area summary to the collaboration's channel asked from, else (or when the
    bot is not in it) to the asker's DM."""
    table = _table(engine, workspace_id, request.year)
    data, name = export_bytes(table, "png")
    comment = "\n".join([f"*{escape(t('year.summary.title', year=table.year))}*",
                         *(f"• {escape(line)}" for line in summary_lines(table))])
    if request.channel_id is None:
        _to_dm(client, user_id, data, name, comment, respond, failed="year.failed", escaped=True)
        return
    try:
        try:
            client.files_upload_v2(channel=request.channel_id, content=data, filename=name,
                                   title=t("year.summary.title", year=table.year), initial_comment=comment)
        except SlackApiError as error:
            if error.response.get("error") not in ("not_in_channel", "channel_not_found", "invalid_channel"):
                raise
            dm = client.conversations_open(users=user_id)["channel"]["id"]  # a channel the bot is not in
            client.files_upload_v2(channel=dm, content=data, filename=name, initial_comment=comment)
    except SlackApiError as error:
        log.error("Year picture upload failed: %s", error)
        respond(response_type="ephemeral", replace_original=False,
                text=escape(t("year.failed", error=error.response.get("error"))))


def _to_dm(client: WebClient, user_id: str, data: bytes, name: str, comment: str, respond, *,
           failed: str = "export.failed", escaped: bool = False) -> None:
    """Upload a file to the user's DM (never to a channel); tell them if Slack refused."""
    try:
        dm = client.conversations_open(users=user_id)["channel"]["id"]
        client.files_upload_v2(channel=dm, content=data, filename=name,
                               initial_comment=comment if escaped else escape(comment))
    except SlackApiError as error:
        log.error("File upload failed: %s", error)
        respond(response_type="ephemeral", replace_original=False,
                text=escape(t(failed, error=error.response.get("error"))))


def send_export(engine: Engine, client: WebClient, request: ExportRequest, *, workspace_id: int, respond) -> None:
    """The year table file, to the coordinator's DM."""
    table = _table(engine, workspace_id, request.year)
    data, name = export_bytes(table, request.format)
    _to_dm(client, request.user_id, data, name, t("export.comment", year=table.year, format=request.format), respond)


def send_file(client: WebClient, reply: FileReply, *, respond) -> None:
    """A ready file (the audit log as CSV), to the asker's DM."""
    _to_dm(client, reply.user_id, reply.content.encode("utf-8"), reply.filename, reply.comment, respond)


def send_quarter(client: WebClient, reply: QuarterExport, *, respond) -> None:
    """The quarter as XLSX, to the coordinator's DM."""
    from bot.files.quarter_xlsx import quarter_xlsx

    name = reply.report.name
    _to_dm(client, reply.user_id, quarter_xlsx(reply.report), f"kvartal-{name}.xlsx",
           t("insats.quarter.comment", name=name), respond)
