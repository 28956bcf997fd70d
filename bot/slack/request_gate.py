"""The door of POST /slack/events: size, signature and shape are checked on the raw bytes before Bolt
parses anything, so garbage gets a 4xx and one short log line, never a traceback or a 500.

Bolt parses the body in `BoltRequest(...)` before its own signature check, and its checks index
Slack's payloads without looking (`body["view"]["type"]`); what reaches Bolt from here is signed,
UTF-8, parses the way Bolt parses it, and has the shape those lookups expect.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

MAX_BODY = 1024 * 1024  # Slack's largest payloads (a 20-area form with its state) are far below this
MAX_AGE = 5 * 60 - 5  # seconds from Slack's timestamp; Slack says 5 minutes, and Bolt checks again after us
IDS = ("team", "user", "channel", "enterprise")  # an id, or an object with an `id`
OBJECTS = ("container", "message", "previous_message", "item", "assistant_thread", "function_data", "workflow_step")
LISTS = ("actions", "authorizations", "response_urls")
TEXTS = ("type", "command", "text", "team_id", "user_id", "channel_id", "trigger_id", "response_url", "id",
         "callback_id", "api_app_id", "private_metadata", "hash")
ITEM_TEXTS = ("action_id", "block_id", "value", "team_id", "user_id", "channel_id", "response_url")


@dataclass(frozen=True)
class Refusal:
    """Why a request is turned away: the HTTP status and a short reason for the log."""

    status: int
    reason: str


@dataclass(frozen=True)
class Admitted:
    """A signed, well-formed request: its body as text and as Bolt will parse it."""

    text: str
    body: dict


def check(environ: dict, secret: str) -> tuple[Admitted | Refusal, int | None]:
    """Size, then signature on the raw bytes, then UTF-8 and shape; with the body's size when it was read."""
    raw = read_body(environ)
    if isinstance(raw, Refusal):
        return raw, None
    reason = signed(secret, raw, environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"), environ.get("HTTP_X_SLACK_SIGNATURE"))
    if reason:
        return Refusal(401, reason), len(raw)
    return admit(raw, environ.get("CONTENT_TYPE")), len(raw)


def read_body(environ: dict) -> bytes | Refusal:
    """At most MAX_BODY bytes of the request body; a larger one is refused before it is read."""
    declared = environ.get("CONTENT_LENGTH") or ""
    if declared and (not declared.isascii() or not declared.isdigit()):
        return Refusal(400, "bad Content-Length")
    if declared and int(declared) > MAX_BODY:
        return Refusal(413, "body too large")
    stream = environ.get("wsgi.input")
    raw = stream.read(int(declared) if declared else MAX_BODY + 1) if stream is not None else b""
    return Refusal(413, "body too large") if len(raw) > MAX_BODY else raw


def signed(secret: str, raw: bytes, timestamp: str | None, signature: str | None,
           now: Callable[[], float] = time.time) -> str | None:
    """None when Slack's v0 signature of the raw body is valid and fresh; otherwise the reason."""
    if not secret:
        return "no signing secret configured"
    if not timestamp or not signature:
        return "unsigned"
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return "bad timestamp"
    if abs(now() - int(timestamp)) > MAX_AGE:
        return "stale timestamp"
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return None if hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")) else "bad signature"


def admit(raw: bytes, content_type: str | None) -> Admitted | Refusal:
    """The body as Bolt will see it (`slack_bolt.request.internals.parse_body`), or why it cannot be."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "not UTF-8")
    try:
        body = _parse(text, content_type)
    except ValueError:  # json.JSONDecodeError is a ValueError
        return Refusal(400, "not JSON")
    if not well_formed(body):
        return Refusal(400, "not a Slack payload")
    return Admitted(text, body)


def _parse(text: str, content_type: str | None) -> object:
    """Bolt's parsing rules, followed exactly so the checked body is the one Bolt dispatches."""
    if not text:
        return {}
    if content_type == "application/json" or text.startswith("{"):
        return json.loads(text)
    if "payload" in text:
        payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
        return {} if payload is None else json.loads(payload)
    return dict(parse_qsl(text, keep_blank_values=True))


def well_formed(body: object) -> bool:
    """Every part Bolt or a listener looks into has the type Slack sends: objects, lists of objects, text."""
    if not isinstance(body, dict) or not _fields(body, TEXTS, IDS, OBJECTS, LISTS):
        return False
    if not any(isinstance(body.get(kind), str) for kind in ("type", "command", "ssl_check")):
        return False  # not an event, an interaction, a slash command or Slack's certificate check
    if body.get("type") == "block_actions" and not body.get("actions"):
        return False
    if "view" in body or body.get("type") in ("view_submission", "view_closed"):
        view = body.get("view")
        if not isinstance(view, dict) or not isinstance(view.get("type"), str) or not _fields(view, TEXTS):
            return False
        values = (view.get("state") or {}).get("values") or {}
        if not isinstance(view.get("state") or {}, dict) or not _nested_objects(values, 2):
            return False
    if "event" in body or body.get("type") == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str) or not _fields(event, (), IDS, OBJECTS):
            return False
    return all(_fields(item, ITEM_TEXTS) for key in LISTS for item in body.get(key) or ())


def _fields(part: dict, texts=(), ids=(), objects=(), lists=()) -> bool:
    """Text where text is expected, an id as text or an object with a text id, objects, lists of objects."""
    for key, value in part.items():
        if value is None:
            continue
        if key in texts and not isinstance(value, str):
            return False
        if key in ids and not (isinstance(value, str) or isinstance(value, dict) and
                               isinstance(value.get("id", ""), str)):
            return False
        if key in objects and not isinstance(value, dict):
            return False
        if key in lists and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            return False
    return True


def _nested_objects(value: object, levels: int) -> bool:
    """A dict of dicts, `levels` deep (a view's state: block → action → value)."""
    return isinstance(value, dict) and (levels == 0 or all(_nested_objects(v, levels - 1) for v in value.values()))


def summary(environ: dict, refusal: Refusal, size: int | None) -> str:
    """One bounded log line about a refused request: no body, no user text, no response_url."""
    kind = (environ.get("CONTENT_TYPE") or "-")[:60]
    length = size if size is not None else (environ.get("CONTENT_LENGTH") or "?")[:12]
    retry = (environ.get("HTTP_X_SLACK_RETRY_NUM") or "")[:4]
    return (f"Refused a request to /slack/events ({refusal.status}, {refusal.reason}): {length} bytes, "
            f"content-type {kind!r}" + (f", retry {retry!r}" if retry else ""))
