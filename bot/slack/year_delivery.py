"""The year picture and exports in Slack: built after the ack (drawing takes ~0.5 s), then uploaded."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.files.chat_file import chat_file
from bot.slack.text import escape
from commands.core.reply import YearRequest
from commands.core.texts import t

log = logging.getLogger("veckolage.year")


def send_year_picture(engine: Engine, client: WebClient, request: YearRequest, *, workspace_id: int,
                      user_id: str, respond) -> None:
    """Upload the heatmap with the per-area summary to the collaboration's channel asked from, else (or when the
    bot is not in it) to the asker's DM."""
    made = chat_file(engine, request, workspace_id)
    data, name, (title, *lines) = made.data, made.name, made.lines
    comment = "\n".join([f"*{escape(title)}*", *(f"• {escape(line)}" for line in lines)])
    if request.channel_id is None:
        _to_dm(client, user_id, data, name, comment, respond, failed="year.failed", escaped=True)
        return
    try:
        try:
            client.files_upload_v2(channel=request.channel_id, content=data, filename=name,
                                   title=title, initial_comment=comment)
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


def send_to_dm(engine: Engine, client: WebClient, reply, *, workspace_id: int, respond) -> None:
    """An export, the audit log's CSV or the quarter's workbook, to the asker's DM (never to a channel)."""
    made = chat_file(engine, reply, workspace_id)
    _to_dm(client, reply.user_id, made.data, made.name, made.lines[0], respond)
