"""Files in Teams: a bot may save a file for a person only in their 1:1 chat, and only after they say yes.

1. `offer`: the file (an export, the audit log's CSV, the quarter's workbook) is made when asked for and held
   (storage/held_files.py, 24 hours) behind a FileConsentCard whose context is a random token.
2. The person accepts or declines; Teams sends a `fileConsent/invoke` (with an upload address in their
   OneDrive when accepted). `decide` checks it is that person's live file and claims it for one upload.
3. `upload` PUTs the bytes to that address in one request (an upload session: Content-Range, no token of
   ours); `finish` empties the held file, or releases it for another try when the upload failed.
4. bot/teams/app.py posts a file card that opens the file and turns the consent card into a receipt.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
from microsoft_teams.api import Attachment, MessageActivityInput
from sqlalchemy.engine import Engine

from bot.files.chat_file import chat_file
from bot.teams import turn
from commands.core.refusals import refusal
from commands.core.reply import ExportRequest, FileReply, Notice, QuarterExport
from commands.core.texts import t
from storage import held_files, queries
from storage.db import session_scope

log = logging.getLogger("veckolage.teams")
OFFERED = (ExportRequest, FileReply, QuarterExport)  # sent as files to the asker's 1:1 chat
CONSENT_TYPE = "application/vnd.microsoft.teams.card.file.consent"
INFO_TYPE = "application/vnd.microsoft.teams.card.file.info"
KEEP = timedelta(hours=24)
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


@dataclass(frozen=True)
class Upload:
    """An accepted file, claimed for one upload to the person's OneDrive."""

    file_id: int
    name: str
    data: bytes
    info: dict  # Teams' uploadInfo: uploadUrl, contentUrl, name, uniqueId, fileType


@dataclass(frozen=True)
class Answer:
    """What to tell the person instead; `final`: the consent card can do nothing more (it is replaced)."""

    notice: Notice
    final: bool


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def offer(engine: Engine, reply, workspace_id: int, now: datetime) -> MessageActivityInput:
    """Make the file, hold it for the asker, and the consent card that offers it."""
    made = chat_file(engine, reply, workspace_id)
    token = secrets.token_urlsafe(32)
    with session_scope(engine) as session:
        held_files.hold(session, workspace_id=workspace_id, user_id=reply.user_id, token_hash=_hash(token),
                        filename=made.name, content=made.data, now=now, expires_at=now + KEEP)
    context = {"file": token}
    card = {"description": t("teams.file.offer", comment=made.lines[0]), "sizeInBytes": len(made.data),
            "acceptContext": context, "declineContext": context}
    return MessageActivityInput(summary=made.lines[0],
                                attachments=[Attachment(content_type=CONSENT_TYPE, name=made.name, content=card)])


def decide(engine: Engine, activity: dict, now: datetime) -> Upload | Answer:
    """The person's answer on a consent card: their file claimed for upload, or what to tell them."""
    value = activity.get("value") or {}
    context = value.get("context")
    token = context.get("file") if isinstance(context, dict) else None
    with session_scope(engine) as session:
        workspace = queries.workspace_for(session, key=turn.tenant(activity))
        user = turn.person(activity)
        if workspace is None or user is None:
            return Answer(refusal(t("error.workspace")), final=False)
        held = held_files.held_file(session, token_hash=_hash(token)) if isinstance(token, str) else None
        if held is None or (held.workspace_id, held.user_id) != (workspace.id, user) or held.expires_at <= now:
            return Answer(refusal(t("teams.file.gone")), final=True)  # someone else's file reads as gone too
        if held.sent_at is not None:
            return Answer(Notice("info", t("teams.file.already", name=held.filename)), final=True)
        if value.get("action") != "accept":
            held_files.drop(session, file_id=held.id)
            return Answer(Notice("info", t("teams.file.declined", name=held.filename)), final=True)
        info = value.get("uploadInfo") or {}
        if not _upload_address(info.get("uploadUrl")):
            log.error("File consent without a usable upload address (%s)", urlsplit(str(info.get("uploadUrl"))).netloc)
            return Answer(refusal(t("teams.file.failed", name=held.filename)), final=False)
        if not held_files.take(session, file_id=held.id, now=now):
            return Answer(Notice("info", t("teams.file.busy", name=held.filename)), final=False)
        return Upload(held.id, held.filename, bytes(held.content), info)


def _upload_address(url) -> bool:
    """Only https (OneDrive's), or http to this machine (a test's fake): the file never travels in the clear."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    return bool(parts.hostname) and (parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK))


async def upload(client: httpx.AsyncClient, item: Upload) -> bool:
    """PUT the whole file to the upload session in one request; True when it is saved. The address carries its
    own authorisation: no bearer token is sent with it."""
    size = len(item.data)
    headers = {"Content-Range": f"bytes 0-{size - 1}/{size}", "Content-Type": "application/octet-stream"}
    try:
        answer = await client.put(item.info["uploadUrl"], content=item.data, headers=headers)
    except httpx.HTTPError as error:
        log.error("Uploading %s to OneDrive failed: %s", item.name, type(error).__name__)
        return False
    if answer.status_code in (200, 201):
        return True
    log.error("Uploading %s to OneDrive failed: HTTP %s", item.name, answer.status_code)
    return False


def finish(engine: Engine, item: Upload, saved: bool, now: datetime) -> None:
    """Saved: forget the bytes. Failed: let the next Godkänn try again."""
    with session_scope(engine) as session:
        if saved:
            held_files.mark_sent(session, file_id=item.file_id, now=now)
        else:
            held_files.release(session, file_id=item.file_id)


def file_card(item: Upload) -> MessageActivityInput:
    """The message that shows the saved file (open, preview or download from OneDrive)."""
    info = item.info
    name = info.get("name") or item.name
    content = {"uniqueId": info.get("uniqueId"), "fileType": info.get("fileType") or name.rsplit(".", 1)[-1]}
    return MessageActivityInput(summary=name, attachments=[
        Attachment(content_type=INFO_TYPE, name=name, content_url=info.get("contentUrl"), content=content)])
