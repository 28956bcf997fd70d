"""Who is looking: a signed-in member (from the session cookie, checked against the roles on every request)
or a screen holding a kiosk link (checked against its signature, its expiry and its row)."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.web.signing import read_kiosk_token, seal, signature, unseal
from commands.core.context import Caller, Invocation, load_caller
from commands.storbild.kiosk import nonce_hash
from storage import kiosk_links

SESSION_COOKIE, STATE_COOKIE = "vl_session", "vl_signin"
SESSION_HOURS = 12


@dataclass(frozen=True)
class Viewer:
    """A signed-in member of the collaboration."""

    caller: Caller
    csrf: str

    @property
    def workspace_id(self) -> int:
        """The member's collaboration."""
        return self.caller.workspace.id


def new_session(secret: str, *, workspace_id: int, user_id: str, now: datetime) -> str:
    """A session cookie value for a member who just signed in."""
    exp = int(now.timestamp()) + SESSION_HOURS * 3600
    return seal(secret, "session", {"w": workspace_id, "u": user_id, "sid": secrets.token_urlsafe(16), "exp": exp})


def viewer(session: Session, secret: str, cookie: str | None, *, now: datetime) -> Viewer | None:
    """The member behind a session cookie, while it is valid and they are still in the collaboration."""
    data = unseal(secret, "session", cookie, now=now)
    if data is None or not isinstance(data.get("w"), int) or not isinstance(data.get("u"), str):
        return None
    try:
        caller = load_caller(session, Invocation(data["w"], data["u"], now))
    except LookupError:
        return None
    if not caller.known:
        return None
    return Viewer(caller, signature(secret, "csrf", str(data.get("sid"))))


def csrf_ok(viewer: Viewer, form: dict[str, str]) -> bool:
    """The form carries this session's token (a form from another site cannot)."""
    return hmac.compare_digest(form.get("csrf", ""), viewer.csrf)


def max_age() -> int:
    """The session cookie's lifetime in seconds."""
    return SESSION_HOURS * 3600


@dataclass(frozen=True)
class KioskCheck:
    """A kiosk link's verdict: the workspace it shows, or why it is refused (`invalid`, `expired`, `revoked`)."""

    workspace_id: int | None
    refusal: str | None = None
    expired_at: datetime | None = None


def signed_link(secret: str | None, token: str, purpose: str, find: Callable[[int], object | None]):
    """The stored link (kiosk or sign-in) a signed token stands for, with its random part, or None: the signature
    first (a tampered link never reaches the database), then the row `find(id)` gives, its hashed random part and
    the expiry it was signed with."""
    parts = read_kiosk_token(secret, token, purpose) if secret else None
    if parts is None:
        return None
    link_id, expires, nonce = parts
    link = find(link_id)
    if link is None or not hmac.compare_digest(link.nonce_hash, nonce_hash(nonce)) or \
            int(link.expires_at.timestamp()) != expires:
        return None
    return link, nonce


def check_kiosk(session: Session, secret: str, token: str, *, now: datetime) -> KioskCheck:
    """The signed link first, then whether it is revoked or expired."""
    found = signed_link(secret, token, "kiosk", lambda link_id: kiosk_links.link_by_id(session, link_id=link_id))
    if found is None:
        return KioskCheck(None, "invalid")
    link = found[0]
    if link.revoked_at is not None:
        return KioskCheck(None, "revoked")
    if link.expires_at <= now:
        return KioskCheck(None, "expired", link.expires_at)
    return KioskCheck(link.workspace_id)
