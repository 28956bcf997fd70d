"""Pages anyone may open: style and script, the tillgänglighetsredogörelse, sign-in and sign-out."""

from __future__ import annotations

import logging
import secrets
from functools import cache
from pathlib import Path

from bot.web import access
from bot.web.cells import css_levels
from bot.web.config import PREFIX
from bot.web.html import page
from bot.web.info_html import accessibility_body, signin_body
from bot.web.request import Response, cookie, redirect
from bot.web.router import Router, html, nav
from bot.web.signin import SignInFailed
from bot.web.signing import seal, unseal
from commands.core.context import Invocation, load_caller
from commands.core.texts import t
from storage import queries

STATIC = Path(__file__).resolve().parent / "static"
SIGNIN_PROBLEMS = {"state": "storbild.signin.problem.state", "denied": "{provider}.signin.denied",
                   "failed": "{provider}.signin.failed", "unknown": "storbild.signin.problem.unknown",
                   "out": "storbild.signin.problem.out"}  # {provider}: where people sign in (slack, teams)
STATE_SECONDS = 600
log = logging.getLogger("veckolage.web")


@cache
def _static(name: str) -> bytes:
    text = (STATIC / name).read_text(encoding="utf-8")
    return (text + "\n" + css_levels() + "\n" if name.endswith(".css") else text).encode()


def _back(value: str, default: str = "") -> str:
    """Where to go after signing in: only a page of ours."""
    return value if value.startswith(f"{PREFIX}/") else default


def register(r: Router) -> None:
    """Add the public routes."""
    config, clock = r.config, r.clock

    @r.route("GET", r"/stil\.css")
    def style(req, match, session) -> Response:
        return Response(200, _static("stil.css"), "text/css; charset=utf-8")

    @r.route("GET", r"/uppdatera\.js")
    def script(req, match, session) -> Response:
        return Response(200, _static("uppdatera.js"), "text/javascript; charset=utf-8")

    @r.route("GET", r"/tillganglighet")
    def accessibility(req, match, session) -> Response:
        who = r.viewer(req, session)
        return html(page(t("storbild.a11y.title"), accessibility_body(), nav=nav(who) if who else None))

    @r.route("GET", r"/logga-in")
    def signin_page(req, match, session) -> Response:
        provider = config.signin.provider if config.signin else None
        key = SIGNIN_PROBLEMS.get(req.arg("fel"))
        problem = t(key.format(provider=provider or "slack")) if key else None  # a typed ?fel= never fails
        return html(page(t("storbild.signin.title"), signin_body(provider=provider, problem=problem,
                                                                back=_back(req.arg("till")))))

    @r.route("GET", r"/logga-in/(?:slack|teams)")
    def signin_start(req, match, session) -> Response:
        if config.signin is None:
            return redirect(f"{PREFIX}/logga-in")
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        value = seal(config.secret, "signin", {"s": state, "n": nonce, "b": _back(req.arg("till"), f"{PREFIX}/"),
                                               "exp": int(clock().timestamp()) + STATE_SECONDS})
        return redirect(config.signin.authorize_url(state=state, nonce=nonce),
                        [cookie(access.STATE_COOKIE, value, max_age=STATE_SECONDS, secure=config.secure,
                                path=f"{PREFIX}/logga-in")])

    @r.route("GET", r"/logga-in/klar")
    def signin_done(req, match, session) -> Response:
        started = unseal(config.secret, "signin", req.cookies.get(access.STATE_COOKIE), now=clock())
        if config.signin is None or started is None or not req.arg("state") or req.arg("state") != started.get("s"):
            return redirect(f"{PREFIX}/logga-in?fel=state")
        if req.arg("error") or not req.arg("code"):
            return redirect(f"{PREFIX}/logga-in?fel=denied")
        try:
            identity = config.signin.finish(code=req.arg("code"), nonce=started["n"])
        except SignInFailed as error:
            log.warning("Sign in with %s failed: %s", config.signin.provider, error)
            return redirect(f"{PREFIX}/logga-in?fel=failed")
        workspace = queries.workspace_for(session, key=identity.team_id)
        caller = load_caller(session, Invocation(workspace.id, identity.user_id, clock())) if workspace else None
        if caller is None or not caller.known:
            return redirect(f"{PREFIX}/logga-in?fel=unknown")
        value = access.new_session(config.secret, workspace_id=workspace.id, user_id=identity.user_id, now=clock())
        return redirect(_back(started.get("b", ""), f"{PREFIX}/"), [
            cookie(access.SESSION_COOKIE, value, max_age=access.max_age(), secure=config.secure),
            cookie(access.STATE_COOKIE, "", max_age=0, secure=config.secure, path=f"{PREFIX}/logga-in")])

    @r.route("POST", r"/logga-ut")
    def signout(req, match, session) -> Response:
        return redirect(f"{PREFIX}/logga-in?fel=out",
                        [cookie(access.SESSION_COOKIE, "", max_age=0, secure=config.secure)])
