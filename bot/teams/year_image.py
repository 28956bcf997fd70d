"""The year picture in Teams: drawn after the first answer (drawing takes about half a second), then sent as an
inline image (a base64 data URI, which Teams shows in chats and channels alike) with the per-area summary.

Microsoft advises a hosted https URL for images that are not small; the picture is about 110 KB (770 × 1161 px),
so it is sent inline, which needs no public file host.
"""

from __future__ import annotations

import base64

from microsoft_teams.api import Attachment, MessageActivityInput
from sqlalchemy.engine import Engine

from bot.files.chat_file import chat_file
from bot.teams.card_text import CARD_TYPE, block, card
from commands.core.reply import YearRequest


def year_activity(engine: Engine, workspace_id: int, request: YearRequest) -> MessageActivityInput:
    """The picture and its summary card, as one message."""
    made = chat_file(engine, request, workspace_id)  # matplotlib loads only when a picture is asked for
    title, *lines = made.lines
    summary = card([block(title, weight="Bolder", size="Medium"), *(block(f"• {line}") for line in lines)])
    image = Attachment(content_type=made.mimetype, name=made.name,
                       content_url=f"data:{made.mimetype};base64," + base64.b64encode(made.data).decode("ascii"))
    return MessageActivityInput(summary=title, attachments=[image, Attachment(content_type=CARD_TYPE, content=summary)])
