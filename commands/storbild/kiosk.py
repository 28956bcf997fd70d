"""Kiosk links for the meeting room's screen: `veckolage storbild [dagar]` and `veckolage storbild återkalla <nr>`.

The core makes the link's random part and stores its hash; the surface that shows the link signs it with
the web secret and puts it after the web view's address (bot/web/), which the core does not know.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from commands.core.arguments import read_number
from commands.core.context import Invocation, load_caller
from commands.core.matching import fold, plain_int
from commands.core.refusals import refusal
from commands.core.reply import Notice
from commands.core.texts import t
from commands.core.when import show
from storage import kiosk_links, queries

KIOSK_USAGE = "veckolage storbild [dagar] | storbild återkalla <nr>"
DEFAULT_DAYS, MAX_DAYS = 7, 90
REVOKE_WORDS = ("återkalla", "aterkalla")


@dataclass(frozen=True)
class SecretLink(Notice):
    """A new link to the web view that is a secret (for the asker's eyes only). As a Notice it says the link
    exists but not its address (the core knows no address); a surface that knows the web view's address and
    secret shows `link_id`, `expires_at` and `nonce` signed into it instead (bot/web/chat_reply.py)."""

    link_id: int = 0
    workspace_id: int = 0
    nonce: str = ""
    expires_at: datetime | None = None
    expires_text: str = ""  # local time, `lör 21 nov 22:15`


@dataclass(frozen=True)
class KioskLinkCreated(SecretLink):
    """A new kiosk link for the meeting room's screen."""

    days: int = 0


def nonce_hash(nonce: str) -> str:
    """The stored form of a link's random part."""
    return hashlib.sha256(nonce.encode()).hexdigest()


def create_kiosk_link(session: Session, *, workspace_id: int, timezone: str, user_id: str, now: datetime,
                      days: int) -> KioskLinkCreated:
    """Store a new link valid for `days` days and audit it (the caller checked the coordinator role)."""
    nonce = secrets.token_urlsafe(18)
    expires = now + timedelta(days=days)
    link = kiosk_links.create_link(session, workspace_id=workspace_id, nonce_hash=nonce_hash(nonce), user_id=user_id,
                                   now=now, expires_at=expires)
    queries.audit(session, workspace_id=workspace_id, at=now, actor=user_id, action="kiosk.create",
                  subject=f"kiosk:{link.id}", new=f"{days}")
    return KioskLinkCreated("ok", t("storbild.link.title", number=link.id), (t("storbild.link.no_address", number=link.id),),
                            link_id=link.id, workspace_id=workspace_id, nonce=nonce, expires_at=expires,
                            expires_text=show(expires.astimezone(ZoneInfo(timezone))), days=days)


def revoke_kiosk_link(session: Session, *, workspace_id: int, link_id: int, user_id: str, now: datetime) -> bool:
    """Revoke a link and audit it; False when there was no such active link."""
    done = kiosk_links.revoke_link(session, workspace_id=workspace_id, link_id=link_id, user_id=user_id, now=now)
    if done:
        queries.audit(session, workspace_id=workspace_id, at=now, actor=user_id, action="kiosk.revoke",
                      subject=f"kiosk:{link_id}")
    return done


def kiosk_command(args: str, inv: Invocation, session: Session) -> Notice:
    """`storbild [dagar]` creates a link (answered privately); `storbild återkalla <nr>` revokes one."""
    caller = load_caller(session, inv)
    if not caller.coordinator:
        return refusal(t("storbild.not_coordinator"), usage=KIOSK_USAGE)
    words = args.split()
    if words and fold(words[0]) in {fold(w) for w in REVOKE_WORDS}:
        number = read_number(words[1]) if len(words) == 2 else None
        if number is None:
            return refusal(t("storbild.revoke.number"), usage=KIOSK_USAGE)
        if not revoke_kiosk_link(session, workspace_id=caller.workspace.id, link_id=number, user_id=inv.user_id,
                                 now=inv.now):
            return refusal(t("storbild.revoke.unknown", number=number), usage=KIOSK_USAGE)
        return Notice("ok", t("storbild.revoked", number=number))
    days = plain_int(words[0]) if len(words) == 1 else (DEFAULT_DAYS if not words else None)
    if days is None or not 1 <= days <= MAX_DAYS:
        return refusal(t("storbild.days", max=MAX_DAYS), usage=KIOSK_USAGE)
    return create_kiosk_link(session, workspace_id=caller.workspace.id, timezone=caller.workspace.timezone,
                             user_id=inv.user_id, now=inv.now, days=days)
