"""Files on Matrix: the year picture as an image where it was asked for, exports, the quarter's workbook and
the audit log's CSV as files in the asker's direct chat (never in a shared room). In an encrypted room the
file is encrypted before it is uploaded."""

from __future__ import annotations

import asyncio
import logging

from nio import MatrixRoom

from bot.files.chat_file import chat_file
from bot.matrix import calls
from bot.matrix.text import Doc
from commands.core.reply import YearRequest
from commands.core.texts import t

log = logging.getLogger("veckolage.matrix")


async def send_files(bot, reply, *, room: MatrixRoom, asker: str) -> None:
    """Upload and post the file: the year picture in the room asked from (a shared room of the collaboration),
    everything else in the asker's direct chat."""
    from bot.matrix.commands import shared_rooms

    try:
        workspace_id, shared = await asyncio.to_thread(shared_rooms, bot.engine, bot.team)
        made = await asyncio.to_thread(chat_file, bot.engine, reply, workspace_id)
        data, name, lines, mimetype = made.data, made.name, made.lines, made.mimetype
        target = room.room_id if isinstance(reply, YearRequest) and reply.channel_id else \
            await calls.direct_room(bot.client, asker, shared=shared)
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
