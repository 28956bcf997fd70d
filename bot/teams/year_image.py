"""The year picture in Teams: drawn after the first answer (drawing takes about half a second), then sent as an
inline image (a base64 data URI, which Teams shows in chats and channels alike) with the per-area summary.

Microsoft advises a hosted https URL for images that are not small; the picture is about 110 KB (770 × 1161 px),
so it is sent inline, which needs no public file host.
"""

from __future__ import annotations

import base64

from microsoft_teams.api import Attachment, MessageActivityInput
from sqlalchemy.engine import Engine

from bot.teams.card_text import CARD_TYPE, block, card
from commands.core.reply import YearRequest
from commands.core.texts import t
from commands.year.table import build_year_table, summary_lines
from storage.db import session_scope


def year_activity(engine: Engine, workspace_id: int, request: YearRequest) -> MessageActivityInput:
    """The picture and its summary card, as one message."""
    from bot.files.year_picture import year_png  # matplotlib loads only when a picture is asked for

    with session_scope(engine) as session:
        table = build_year_table(session, workspace_id=workspace_id, year=request.year)
    png = year_png(table)
    title = t("year.summary.title", year=table.year)
    summary = card([block(title, weight="Bolder", size="Medium"), *(block(f"• {line}") for line in summary_lines(table))])
    image = Attachment(content_type="image/png", name=f"lagesbild-{table.year}.png",
                       content_url="data:image/png;base64," + base64.b64encode(png).decode("ascii"))
    return MessageActivityInput(summary=title, attachments=[image, Attachment(content_type=CARD_TYPE, content=summary)])
