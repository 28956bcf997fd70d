"""A WSGI request read once (path, query, cookies, a small form) and the responses the web view sends."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

MAX_FORM = 8 * 1024
SECURITY_HEADERS = [
    ("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    ("Referrer-Policy", "no-referrer"),  # a kiosk link's address never leaves in a Referer header
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Cache-Control", "no-store"),
]


@dataclass(frozen=True)
class Request:
    """What a page needs from a request."""

    method: str
    path: str
    query: dict[str, str]
    cookies: dict[str, str]
    form: dict[str, str]
    origin: str  # scheme://host of the request, for links when WEB_BASE_URL is not set

    def arg(self, name: str) -> str:
        """A query parameter ('' when absent)."""
        return self.query.get(name, "")


def read_request(environ: dict) -> Request:
    """Parse the parts of a WSGI environ the web view uses (a form of at most 8 KiB)."""
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).items()}
    jar = SimpleCookie()
    try:
        jar.load(environ.get("HTTP_COOKIE", ""))
    except Exception:  # noqa: BLE001 - a garbled cookie header is no cookie at all
        jar = SimpleCookie()
    form: dict[str, str] = {}
    if environ.get("REQUEST_METHOD") == "POST":
        try:
            size = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        if 0 < size <= MAX_FORM:
            raw = environ["wsgi.input"].read(size).decode("utf-8", "replace")
            form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
    scheme = environ.get("HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
    return Request(environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", ""), query,
                   {k: m.value for k, m in jar.items()}, form, f"{scheme}://{host}")


@dataclass
class Response:
    """A status, a body and headers (the security headers are always added)."""

    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    def send(self, start_response) -> Iterable[bytes]:
        """Start the WSGI response and return its body."""
        body = self.body.encode() if isinstance(self.body, str) else self.body
        headers = [("Content-Type", self.content_type), ("Content-Length", str(len(body))), *SECURITY_HEADERS,
                   *self.headers]
        start_response(f"{self.status} {HTTPStatus(self.status).phrase}", headers)
        return [body]


def redirect(location: str, headers: list[tuple[str, str]] | None = None) -> Response:
    """303 See Other to a location."""
    return Response(303, b"", "text/plain; charset=utf-8", [("Location", location), *(headers or [])])


def cookie(name: str, value: str, *, max_age: int, secure: bool, path: str = "/storbild") -> tuple[str, str]:
    """A Set-Cookie header: HttpOnly, SameSite=Lax, Secure behind https."""
    flags = f"; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")
    return ("Set-Cookie", f"{name}={value}{flags}")
