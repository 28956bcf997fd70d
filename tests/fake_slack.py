"""A tiny in-process fake of the Slack Web API for tests (stdlib only, 127.0.0.1 only)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.slack.limits import problems
from tests.fake_slack_limits import RateLimits
from tests.fake_slack_openid import FakeOpenID

_JSON_FORM_KEYS = ("blocks", "view", "attachments", "files")
_JSON_TYPE = "application/json; charset=utf-8"
_HTML_TYPE = "text/html; charset=utf-8"
# What Slack's edge answers on a 5xx: a web page, not the Web API's JSON.
_ERROR_PAGE = ("<!DOCTYPE html><html><head><title>Slack - {status}</title></head><body><h1>Slack is having "
               "trouble</h1><p>Server error {status}. Please try again.</p></body></html>")
MARKETPLACE_LIMIT = 15  # messages per conversations.history/replies request for apps outside the Marketplace
_READS = ("conversations.history", "conversations.replies")
_AUTH_TEST = {
    "ok": True,
    "url": "https://fake.slack.com/",
    "team": "Fake",
    "user": "veckolage",
    "team_id": "T0001",
    "user_id": "UBOT",
    "bot_id": "B0001",
}


@dataclass(frozen=True)
class Call:
    """One HTTP request received by the fake server."""

    method: str
    args: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    token: str | None = None
    body: bytes = b""  # the raw request body (file uploads)


class _Server(ThreadingHTTPServer):
    """Threaded HTTP server that never waits for handler threads on close."""

    daemon_threads = True
    block_on_close = False
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    """Request handler delegating GET/POST to the owning FakeSlack."""

    server: _Server

    def do_POST(self) -> None:
        """Handle POST (and GET) requests."""
        self.server.fake._handle(self)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


def _parse_form(raw: str) -> dict[str, Any]:
    """Parse a urlencoded body, decoding JSON-valued keys like blocks/view."""
    args: dict[str, Any] = {}
    for key, values in parse_qs(raw, keep_blank_values=True).items():
        value: Any = values[0] if len(values) == 1 else values
        if key in _JSON_FORM_KEYS and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        args[key] = value
    return args


def _public(message: dict[str, Any]) -> dict[str, Any]:
    """A stored message as Slack shows it (without the fake's own bookkeeping)."""
    return {k: v for k, v in message.items() if not k.startswith("_")}


class FakeSlack:
    """Fake Slack Web API server bound to 127.0.0.1 on an ephemeral port."""

    def __init__(self, clock: Callable[[], datetime] | None = None, *, limits: RateLimits | None = None) -> None:
        """Create a stopped fake server; message timestamps follow `clock` (default: the real time); with
        `limits`, Slack's rate limits apply (off by default)."""
        self.limits = limits
        self.openid = FakeOpenID()  # Sign in with Slack (tests/fake_slack_openid.py)
        self.calls: list[Call] = []
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel → every message posted, oldest first
        self.retry_after_header = "Retry-After"  # the spelling of the 429's header (clients meet several)
        self.outside_marketplace = False  # 2025 limits: history/replies 1 request a minute, at most 15 messages
        self._appear_after: list[float] = []  # seconds until the next posts show up in the channel
        self._last_read: dict[tuple[str, str | None], datetime] = {}
        self._last_ts = 0.0
        self._lock = threading.RLock()  # re-entrant: `wait_for` checks its condition holding it
        self._changed = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._failures: dict[str, list[tuple[int, int | None, str | None]]] = {}
        self._hangs: dict[str, list[float]] = {}
        self._overrides: dict[str, dict[str, Any]] = {}
        self._counter = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakeSlack:
        """Bind 127.0.0.1:0 and serve in a daemon thread."""
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving promptly, releasing any hanging handlers."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self._server, self._thread = None, None

    def __enter__(self) -> FakeSlack:
        """Start the server."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop the server."""
        self.stop()

    @property
    def url(self) -> str:
        """Return the base_url for slack_sdk's WebClient."""
        return f"{self._root()}/api/"

    def response_url(self, name: str = "r") -> str:
        """Return a response_url pointing at this server (recorded as method "/respond/<name>")."""
        return f"{self._root()}/respond/{name}"

    def _root(self) -> str:
        """Return http://127.0.0.1:PORT of the running server."""
        assert self._server is not None, "FakeSlack not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def calls_to(self, method: str) -> list[Call]:
        """Return the recorded calls to one method, in order."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        retry_after: int | None = None,
        times: int = 1,
        body: str | None = None,
    ) -> None:
        """Make the next `times` calls to `method` answer with an error status."""
        with self._lock:
            self._failures.setdefault(method, []).extend([(status, retry_after, body)] * times)

    def recover(self, method: str) -> None:
        """Slack is back: `method` answers normally again (failures still queued are dropped)."""
        with self._lock:
            self._failures.pop(method, None)

    def hang_next(self, method: str, *, seconds: float, times: int = 1) -> None:
        """Delay the next `times` answers to `method` by `seconds`."""
        with self._lock:
            self._hangs.setdefault(method, []).extend([seconds] * times)

    def respond_with(self, method: str, payload: dict[str, Any]) -> None:
        """Merge `payload` over the default answer for `method` from now on."""
        with self._lock:
            self._overrides[method] = dict(payload)

    def appear_later(self, seconds: float, *, times: int = 1) -> None:
        """The next `times` posts reach the channel `seconds` (test clock) after the call: their ts is then."""
        with self._lock:
            self._appear_after.extend([seconds] * times)

    def wait_for(self, found: Callable[[FakeSlack], Any], timeout: float = 10.0) -> Any:
        """Block until `found(self)` is truthy (checked after every request); fail after `timeout` seconds."""
        with self._changed:
            result = self._changed.wait_for(lambda: found(self), timeout)
        assert result, f"not seen within {timeout} s; calls: {[c.method for c in self.calls]}"
        return result

    def channel(self, channel: str) -> list[dict[str, Any]]:
        """The messages in a channel that Slack shows now (test clock), oldest first, threads included."""
        now = self.clock().timestamp()
        with self._lock:
            return [_public(m) for m in self.messages.get(channel, []) if m["_shows"] <= now]

    def _next_id(self) -> int:
        """Return a fresh increasing counter value."""
        with self._lock:
            self._counter += 1
            return self._counter

    def _ts(self, later: float = 0.0) -> str:
        """Return a unique, increasing Slack-style timestamp at the test clock's time (plus `later` s)."""
        with self._lock:
            self._last_ts = max(self._last_ts + 0.000001, self.clock().timestamp() + later)
            return f"{self._last_ts:.6f}"

    def _post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Store a chat.postMessage in its channel (it shows when the test clock reaches its ts)."""
        with self._lock:
            later = self._appear_after.pop(0) if self._appear_after else 0.0
        shows = self.clock().timestamp() + later
        message = {"type": "message", "user": _AUTH_TEST["user_id"], "bot_id": _AUTH_TEST["bot_id"],
                   "ts": self._ts(later), "_shows": shows, **{k: args[k] for k in ("text", "blocks", "metadata", "thread_ts")
                                             if args.get(k) is not None}}
        with self._changed:
            self.messages.setdefault(args.get("channel"), []).append(message)
            self._changed.notify_all()
        return _public(message)

    def _update(self, args: dict[str, Any]) -> None:
        """chat.update changes the stored message in place."""
        with self._lock:
            for message in self.messages.get(args.get("channel"), []):
                if message["ts"] == args.get("ts"):
                    message.update({k: args[k] for k in ("text", "blocks", "metadata") if k in args})

    def _read(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """conversations.history (top-level messages, newest first) or .replies (a thread, oldest first),
        honouring oldest, latest, inclusive, limit and cursor as Slack does; metadata only when asked."""
        now = self.clock().timestamp()
        oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or "inf")
        inclusive = str(args.get("inclusive", "")).lower() in ("1", "true")
        limit = int(args.get("limit") or 100)
        limit = min(limit, MARKETPLACE_LIMIT) if self.outside_marketplace else min(limit, 999)
        cursor = base64.b64decode(args["cursor"]).decode().split(":", 1)[1] if args.get("cursor") else None
        with self._lock:
            stored = [_public(m) for m in self.messages.get(args.get("channel"), []) if m["_shows"] <= now]
        if method == "conversations.history":
            chosen = sorted((m for m in stored if "thread_ts" not in m), key=lambda m: -float(m["ts"]))
        else:
            thread = args.get("ts")
            chosen = [m for m in stored if m["ts"] == thread or m.get("thread_ts") == thread]
            chosen.sort(key=lambda m: float(m["ts"]))
        chosen = [m for m in chosen if (oldest <= float(m["ts"]) <= latest if inclusive
                                        else oldest < float(m["ts"]) < latest)]
        if cursor is not None:
            start = next((i for i, m in enumerate(chosen) if m["ts"] == cursor), len(chosen))
            chosen = chosen[start:]
        page, rest = chosen[:limit], chosen[limit:]
        if str(args.get("include_all_metadata", "")).lower() not in ("1", "true"):
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        answer: dict[str, Any] = {"ok": True, "messages": page, "has_more": bool(rest)}
        if rest:
            answer["response_metadata"] = {"next_cursor": base64.b64encode(f"next_ts:{rest[0]['ts']}".encode()).decode()}
        return answer

    def _read_too_soon(self, call: Call) -> int | None:
        """Outside the Marketplace: seconds to wait when history/replies was already read this minute."""
        if not self.outside_marketplace or call.method not in _READS:
            return None
        now, key = self.clock(), (call.method, call.token)
        with self._lock:
            last = self._last_read.get(key)
            if last is not None and (now - last).total_seconds() < 60:
                return max(1, int(60 - (now - last).total_seconds() + 0.999))
            self._last_read[key] = now
        return None

    def _default(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """Build the default ok answer for `method`."""
        if method == "auth.test":
            return dict(_AUTH_TEST)
        channel, text = args.get("channel"), args.get("text")
        if method == "chat.postMessage":
            message = self._post(args)
            return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}
        if method == "chat.update":
            self._update(args)
            return {"ok": True, "channel": channel, "ts": args.get("ts"), "text": text}
        if method in _READS:
            return self._read(method, args)
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._ts()}
        if method in ("views.open", "views.update", "views.publish"):
            view = args["view"] if isinstance(args.get("view"), dict) else {}
            return {"ok": True, "view": {"id": f"V{self._next_id()}", **view}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{args.get('users', '')}"}}
        if method == "apps.connections.open":
            return {"ok": True, "url": "ws://127.0.0.1:1/"}
        if method == "files.getUploadURLExternal":  # files_upload_v2, step 1: where to send the bytes
            file_id = f"F{self._next_id()}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self._root()}/upload/{file_id}"}
        if method == "files.completeUploadExternal":  # step 3: share it
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in args.get("files", [])]}
        return {"ok": True}

    def _record(self, h: _Handler) -> Call:
        """Parse the incoming request (query + JSON or form body) and record it."""
        parts = urlsplit(h.path)
        headers = {k.lower(): v for k, v in h.headers.items()}
        body = h.rfile.read(int(headers.get("content-length") or 0))
        raw = body.decode("utf-8", "replace")
        args = _parse_form(parts.query)
        ctype = headers.get("content-type", "")
        if "json" in ctype and raw:
            try:
                args.update(json.loads(raw))
            except ValueError:
                args["_raw"] = raw
        elif "x-www-form-urlencoded" in ctype:
            args.update(_parse_form(raw))
        auth = headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else args.get("token")
        method = parts.path[5:] if parts.path.startswith("/api/") else parts.path
        call = Call(method, args, headers, token, body)
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        return call

    def _handle(self, h: _Handler) -> None:
        """Answer one request."""
        call = self._record(h)
        if call.method.startswith(("openid.", "/openid/")):
            status, text, ctype, extra = self.openid.answer(call.method, call.args, call.headers, self._root())
            return self._send(h, status, text, ctype, extra)
        if not h.path.startswith("/api/"):
            ok = h.path.startswith(("/respond/", "/upload/"))  # response_url, and files_upload_v2's upload
            return self._send(h, 200 if ok else 404, "ok" if ok else "not found", "text/plain")
        with self._lock:
            hangs, failures = self._hangs.get(call.method), self._failures.get(call.method)
            delay = hangs.pop(0) if hangs else 0.0
            failure = failures.pop(0) if failures else None
            override = dict(self._overrides.get(call.method, {}))
        if failure is None and (wait := self._read_too_soon(call)) is not None:
            failure = (429, wait, None)
        if failure is None and self.limits is not None:  # Slack's rate limits: refused before anything is done
            retry_after = self.limits.check(call)
            if retry_after is not None:
                failure = (429, retry_after, None)
        refused = self._refusal(call) if failure is None else []
        if failure is None and not refused:  # the work is done (a post stored) before a slow answer, as in Slack
            answer = json.dumps({**self._default(call.method, call.args), **override})
        if delay:
            self._stopping.wait(delay)
        if refused:
            return self._send(h, 200, json.dumps({"ok": False, "error": refused[0][0], "detail": refused[0][1]}))
        if failure is None:
            return self._send(h, 200, answer)
        status, retry_after, body = failure
        extra = {self.retry_after_header: str(retry_after)} if status == 429 and retry_after is not None else {}
        if body is None and status >= 500:
            return self._send(h, status, _ERROR_PAGE.format(status=status), _HTML_TYPE, extra)
        error = "ratelimited" if status == 429 else "internal_error"
        text = body if body is not None else json.dumps({"ok": False, "error": error})
        self._send(h, status, text, _JSON_TYPE, extra)

    @staticmethod
    def _refusal(call: Call) -> list[tuple[str, str]]:
        """What Slack would refuse in a message or view (too many blocks, too much text, duplicate ids)."""
        if call.method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            return problems(call.args.get("blocks") if isinstance(call.args.get("blocks"), list) else None)
        if call.method in ("views.open", "views.update", "views.publish", "views.push"):
            view = call.args.get("view") if isinstance(call.args.get("view"), dict) else {}
            return problems(view.get("blocks"), view=True)
        return []

    @staticmethod
    def _send(
        h: _Handler, status: int, text: str, ctype: str = _JSON_TYPE, extra: dict[str, str] | None = None
    ) -> None:
        """Write an HTTP response, ignoring clients that already went away."""
        data = text.encode("utf-8")
        headers = {"Content-Type": ctype, "Content-Length": str(len(data)), **(extra or {})}
        try:
            h.send_response(status)
            for key, value in headers.items():
                h.send_header(key, value)
            h.end_headers()
            h.wfile.write(data)
        except OSError:
            pass
