"""A tiny in-process fake of the Slack Web API for tests (stdlib only, 127.0.0.1 only)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fake_slack_limits import RateLimits

_JSON_FORM_KEYS = ("blocks", "view", "attachments", "files")
_JSON_TYPE = "application/json; charset=utf-8"
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


class FakeSlack:
    """Fake Slack Web API server bound to 127.0.0.1 on an ephemeral port."""

    def __init__(self, *, limits: RateLimits | None = None) -> None:
        """Create a stopped fake server; with `limits`, Slack's rate limits apply (off by default)."""
        self.limits = limits
        self.calls: list[Call] = []
        self._lock = threading.Lock()
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

    def hang_next(self, method: str, *, seconds: float, times: int = 1) -> None:
        """Delay the next `times` answers to `method` by `seconds`."""
        with self._lock:
            self._hangs.setdefault(method, []).extend([seconds] * times)

    def respond_with(self, method: str, payload: dict[str, Any]) -> None:
        """Merge `payload` over the default answer for `method` from now on."""
        with self._lock:
            self._overrides[method] = dict(payload)

    def _next_id(self) -> int:
        """Return a fresh increasing counter value."""
        with self._lock:
            self._counter += 1
            return self._counter

    def _ts(self) -> str:
        """Return a unique, increasing Slack-style timestamp."""
        n = self._next_id() * 100
        return f"{1700000000 + n // 1_000_000}.{n % 1_000_000:06d}"

    def _default(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """Build the default ok answer for `method`."""
        if method == "auth.test":
            return dict(_AUTH_TEST)
        channel, text = args.get("channel"), args.get("text")
        if method == "chat.postMessage":
            ts = self._ts()
            return {"ok": True, "channel": channel, "ts": ts, "message": {"text": text, "ts": ts}}
        if method == "chat.update":
            return {"ok": True, "channel": channel, "ts": args.get("ts"), "text": text}
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
        with self._lock:
            self.calls.append(call)
        return call

    def _handle(self, h: _Handler) -> None:
        """Answer one request."""
        call = self._record(h)
        if not h.path.startswith("/api/"):
            ok = h.path.startswith(("/respond/", "/upload/"))  # response_url, and files_upload_v2's upload
            return self._send(h, 200 if ok else 404, "ok" if ok else "not found", "text/plain")
        with self._lock:
            hangs, failures = self._hangs.get(call.method), self._failures.get(call.method)
            delay = hangs.pop(0) if hangs else 0.0
            failure = failures.pop(0) if failures else None
            override = dict(self._overrides.get(call.method, {}))
        if delay:
            self._stopping.wait(delay)
        if failure is None and self.limits is not None:
            retry_after = self.limits.check(call)
            if retry_after is not None:
                failure = (429, retry_after, None)
        if failure is None:
            return self._send(h, 200, json.dumps({**self._default(call.method, call.args), **override}))
        status, retry_after, body = failure
        extra = {"Retry-After": str(retry_after)} if status == 429 and retry_after is not None else {}
        error = "ratelimited" if status == 429 else "internal_error"
        text = body if body is not None else json.dumps({"ok": False, "error": error})
        self._send(h, status, text, _JSON_TYPE, extra)

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
