"""The base of the tests' loopback fakes of outside services (the Bot Framework, Entra ID): an HTTP server on
127.0.0.1 at a free port, answering in threads of its own, quiet, with JSON answers one call away."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackFake:
    """Subclasses answer with `handle_<VERB>(handler)` (GET, POST, PUT); `start()` serves, `stop()` ends it."""

    def start(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

        for verb in ("GET", "POST", "PUT"):
            if hasattr(self, f"handle_{verb}"):
                setattr(Handler, f"do_{verb}", lambda handler, verb=verb: getattr(fake, f"handle_{verb}")(handler))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def send(self, handler, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        """An answer with a body, its type and length, and any further headers."""
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    def send_json(self, handler, status: int, body: dict | None, headers: dict | None = None) -> None:
        """A JSON answer."""
        self.send(handler, status, json.dumps(body or {}).encode(), "application/json", headers)
