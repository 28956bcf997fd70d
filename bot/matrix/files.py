"""Files on Matrix: the year picture as an image where it was asked for, exports, the quarter's workbook and
the audit log's CSV as files in the asker's direct chat (never in a shared room). In an encrypted room the
file is encrypted before it is uploaded."""

from __future__ import annotations

import asyncio
import logging

from nio import MatrixRoom

from bot.matrix import calls
from bot.matrix.text import Doc
from bot.slack.year_delivery import export_bytes
from commands.core.reply import ExportRequest, FileReply, QuarterExport, YearRequest
from commands.core.texts import t
from commands.year.table import build_year_table, summary_lines
from storage.db import session_scope

log = logging.getLogger("veckolage.matrix")
FILES = (YearRequest, ExportRequest, FileReply, QuarterExport)
MIMETYPES = {"png": "image/png", "csv": "text/csv",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _build(engine, reply, workspace_id: int) -> tuple[bytes, str, list[str]]:
    """The file's bytes, its name, and the lines said with it."""
    if isinstance(reply, FileReply):
        return reply.content.encode("utf-8"), reply.filename, [reply.comment]
    if isinstance(reply, QuarterExport):
        from bot.files.quarter_xlsx import quarter_file

        data, name = quarter_file(reply.report)
        return data, name, [t("insats.quarter.comment", name=reply.report.name)]
    with session_scope(engine) as session:
        table = build_year_table(session, workspace_id=workspace_id, year=reply.year)
    fmt = "png" if isinstance(reply, YearRequest) else reply.format
    data, name = export_bytes(table, fmt)
    if isinstance(reply, YearRequest):
        return data, name, [t("year.summary.title", year=table.year), *summary_lines(table)]
    return data, name, [t("export.comment", year=table.year, format=reply.format)]


async def send_files(bot, reply, *, room: MatrixRoom, asker: str) -> None:
    """Upload and post the file: the year picture in the room asked from (a shared room of the collaboration),
    everything else in the asker's direct chat."""
    from bot.matrix.commands import shared_rooms

    try:
        workspace_id, shared = await asyncio.to_thread(shared_rooms, bot.engine, bot.team)
        data, name, lines = await asyncio.to_thread(_build, bot.engine, reply, workspace_id)
        target = room.room_id if isinstance(reply, YearRequest) and reply.channel_id else \
            await calls.direct_room(bot.client, asker, shared=shared)
        mimetype = MIMETYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")
        where = await calls.upload(bot.client, data, name=name, mimetype=mimetype, room=target)
        doc = Doc()
        for index, line in enumerate(lines):
            doc.add(line, strong=index == 0, lead="" if index == 0 else "• ")
        await bot.say(target, doc.content())
        await bot.say(target, {"msgtype": "m.image" if mimetype.startswith("image/") else "m.file", "body": name,
                               "filename": name, **where, "info": {"mimetype": mimetype, "size": len(data)}})
    except Exception:  # after the answer: log it and tell the asker
        log.exception("Sending a file failed")
        await bot.say(room.room_id, Doc().add(t("matrix.file.failed")).content())
