"""HMAC-signed values: the session cookie, the sign-in state cookie and kiosk link tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from datetime import datetime

_KIOSK = re.compile(r"(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{43})")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signature(secret: str, purpose: str, payload: str) -> str:
    """HMAC-SHA256 of a payload for one purpose (a cookie's signature never fits a link), base64url."""
    mac = hmac.new(secret.encode(), f"{purpose}\n{payload}".encode(), hashlib.sha256)
    return _b64(mac.digest())


def seal(secret: str, purpose: str, data: dict) -> str:
    """A signed cookie value: the data as base64url JSON, a dot, its signature."""
    payload = _b64(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode())
    return f"{payload}.{signature(secret, purpose, payload)}"


def unseal(secret: str, purpose: str, value: str | None, *, now: datetime) -> dict | None:
    """The data of a signed value whose signature holds and whose `exp` (epoch seconds) is in the future."""
    if not value or value.count(".") != 1 or len(value) > 4096:
        return None
    payload, mac = value.split(".")
    if not hmac.compare_digest(mac, signature(secret, purpose, payload)):
        return None
    try:
        data = json.loads(_unb64(payload))
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("exp"), int) or data["exp"] <= now.timestamp():
        return None
    return data


def kiosk_token(secret: str, *, link_id: int, expires: datetime, nonce: str, purpose: str = "kiosk") -> str:
    """The last part of a link's address (a kiosk link, or with `purpose="signin"` a sign-in link): id, expiry,
    random part and the signature over them for that purpose (one kind of link never passes for the other)."""
    payload = f"{link_id}.{int(expires.timestamp())}.{nonce}"
    return f"{payload}.{signature(secret, purpose, payload)}"


def read_kiosk_token(secret: str, token: str, purpose: str = "kiosk") -> tuple[int, int, str] | None:
    """(link id, expiry epoch, random part) of a token whose signature holds, else None (tampered or foreign)."""
    match = _KIOSK.fullmatch(token)
    if match is None:
        return None
    link_id, expires, nonce, mac = match.groups()
    if not hmac.compare_digest(mac, signature(secret, purpose, f"{link_id}.{expires}.{nonce}")):
        return None
    return int(link_id), int(expires), nonce
