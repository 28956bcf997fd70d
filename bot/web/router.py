"""Routes of the web view and what every handler shares: the config, the clock, sign-in checks, answers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from urllib.parse import quote

from sqlalchemy.engine import Engine

from bot.web import access
from bot.web.config import PREFIX, WebConfig
from bot.web.html import Nav, message_page
from bot.web.request import Request, Response, read_request, redirect
from commands.core.texts import t
from storage.db import session_scope

Handler = Callable[..., Response]


class Router:
    """Paths under /storbild → handlers `(request, match, session)`, each in one database session."""

    def __init__(self, config: WebConfig, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.config, self.engine, self.clock = config, engine, clock
        self._routes: list[tuple[str, re.Pattern, Handler]] = []

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        """Register a handler for a method and a path pattern (after /storbild)."""
        def add(handler: Handler) -> Handler:
            self._routes.append((method, re.compile(f"{PREFIX}{pattern}"), handler))
            return handler
        return add

    def viewer(self, req: Request, session) -> access.Viewer | None:
        """The signed-in member making the request, if any."""
        return access.viewer(session, self.config.secret, req.cookies.get(access.SESSION_COOKIE), now=self.clock())

    def signed_in(self, handler: Handler) -> Handler:
        """Only for a member (handler gets `who` too); everyone else goes to sign in and comes back after it."""
        def wrapped(req: Request, match: re.Match, session) -> Response:
            who = self.viewer(req, session)
            if who is None:
                return redirect(f"{PREFIX}/logga-in?till={quote(req.path)}")
            if req.method == "POST" and not access.csrf_ok(who, req.form):
                return refusal(t("storbild.csrf.title"), t("storbild.csrf.text"), status=400)
            return handler(req, match, session, who)
        return wrapped

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        req = read_request(environ)
        if not self.config.secret:
            return refusal(t("storbild.off.title"), t("storbild.off.text"), status=503).send(start_response)
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(req.path)
            if match and method == req.method:
                with session_scope(self.engine) as session:
                    response = handler(req, match, session)
                return response.send(start_response)
        return Response(404, message_page(t("storbild.notfound.title"), [t("storbild.notfound.text")],
                                          link=(f"{PREFIX}/", t("storbild.nav.week")))).send(start_response)


def html(body: str, status: int = 200, headers: list | None = None) -> Response:
    """An HTML page."""
    return Response(status, body, headers=headers or [])


def refusal(title: str, *lines: str, status: int = 403) -> Response:
    """A page that says no, in Swedish, and shows nothing else."""
    return html(message_page(title, list(lines)), status)


def nav(who: access.Viewer) -> Nav:
    """The navigation for a signed-in member."""
    return Nav(who.caller.coordinator, who.csrf)
