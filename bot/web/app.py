"""The web view's WSGI app: every path under /storbild/, mounted beside Slack's in bot/http.py."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import Engine

from bot.web import access
from bot.web.area_html import area_body
from bot.web.cells import css_levels
from bot.web.html import Nav, e, message_page, page
from bot.web.info_html import accessibility_body, kiosk_body, signin_body
from bot.web.request import Request, Response, cookie, read_request, redirect
from bot.web.signin import SignIn, SignInFailed
from bot.web.signing import kiosk_token, seal, unseal
from bot.web.week_html import FOLDED, HIDDEN, SHOWN, week_body
from bot.web.year_html import year_body
from commands.context import Invocation, load_caller
from commands.storbild.kiosk import KioskLinkCreated, create_kiosk_link, revoke_kiosk_link
from commands.storbild.pages import area_page, week_page
from commands.texts import t
from commands.weeks import Week, weeks_in_year
from commands.year_table import build_year_table
from storage import kiosk_links
from storage.db import session_scope

PREFIX = "/storbild"
STATIC = Path(__file__).resolve().parent / "static"
REFRESH_SECONDS = 60
log = logging.getLogger("veckolage.web")


@dataclass(frozen=True)
class WebConfig:
    """The web view's settings: the secret that signs cookies and links, the public address, sign-in."""

    secret: str | None
    base_url: str | None
    signin: SignIn | None

    @property
    def secure(self) -> bool:
        """Cookies are Secure when the public address is https."""
        return bool(self.base_url and self.base_url.startswith("https://"))


def web_config(settings) -> WebConfig:
    """The web view's part of Settings."""
    signin = None
    if settings.signin_client_id and settings.signin_client_secret and settings.web_base_url:
        signin = SignIn(settings.signin_client_id, settings.signin_client_secret, settings.slack_api_url,
                        f"{settings.web_base_url}{PREFIX}/logga-in/klar")
    return WebConfig(settings.web_secret, settings.web_base_url, signin)


def kiosk_url(config: WebConfig, link: KioskLinkCreated, origin: str | None = None) -> str | None:
    """The kiosk link's full address (None when neither WEB_BASE_URL nor a request says where we are)."""
    base = config.base_url or origin
    if not base or not config.secret:
        return None
    token = kiosk_token(config.secret, link_id=link.link_id, expires=link.expires_at, nonce=link.nonce)
    return f"{base}{PREFIX}/k/{token}"


@cache
def _static(name: str) -> bytes:
    text = (STATIC / name).read_text(encoding="utf-8")
    return (text + "\n" + css_levels() + "\n" if name.endswith(".css") else text).encode()


def make_web_app(config: WebConfig, engine: Engine, clock: Callable[[], datetime]) -> Callable:
    """The WSGI callable for paths under /storbild."""
    routes: list[tuple[str, re.Pattern, Callable]] = []

    def route(method: str, pattern: str):
        def add(handler: Callable) -> Callable:
            routes.append((method, re.compile(f"{PREFIX}{pattern}"), handler))
            return handler
        return add

    def html(body: str, status: int = 200, headers: list | None = None) -> Response:
        return Response(status, body, headers=headers or [])

    def refusal(title: str, *lines: str, status: int = 403) -> Response:
        return html(message_page(title, list(lines)), status)

    def signed_in(handler: Callable) -> Callable:
        """Only for a member: everyone else goes to the sign-in page (and comes back after it)."""
        def wrapped(req: Request, match: re.Match, session) -> Response:
            who = access.viewer(session, config.secret, req.cookies.get(access.SESSION_COOKIE), now=clock())
            if who is None:
                return redirect(f"{PREFIX}/logga-in?till={quote(req.path)}")
            if req.method == "POST" and not access.csrf_ok(who, req.form):
                return refusal(t("storbild.csrf.title"), t("storbild.csrf.text"), status=400)
            return handler(req, match, session, who)
        return wrapped

    def nav(who: access.Viewer) -> Nav:
        return Nav(who.caller.coordinator, who.csrf)

    # ---------------------------------------------------------------- public: assets, a11y, sign-in, kiosk
    @route("GET", r"/stil\.css")
    def style(req, match, session) -> Response:
        return Response(200, _static("stil.css"), "text/css; charset=utf-8")

    @route("GET", r"/uppdatera\.js")
    def script(req, match, session) -> Response:
        return Response(200, _static("uppdatera.js"), "text/javascript; charset=utf-8")

    @route("GET", r"/tillganglighet")
    def accessibility(req, match, session) -> Response:
        who = access.viewer(session, config.secret, req.cookies.get(access.SESSION_COOKIE), now=clock())
        return html(page(t("storbild.a11y.title"), accessibility_body(), nav=nav(who) if who else None))

    @route("GET", r"/logga-in")
    def signin_page(req, match, session) -> Response:
        problem = t(SIGNIN_PROBLEMS[req.arg("fel")]) if req.arg("fel") in SIGNIN_PROBLEMS else None
        back = req.arg("till") if req.arg("till").startswith(f"{PREFIX}/") else ""
        return html(page(t("storbild.signin.title"), signin_body(available=config.signin is not None,
                                                                problem=problem, back=back)))

    @route("GET", r"/logga-in/slack")
    def signin_start(req, match, session) -> Response:
        if config.signin is None:
            return redirect(f"{PREFIX}/logga-in")
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        back = req.arg("till") if req.arg("till").startswith(f"{PREFIX}/") else f"{PREFIX}/"
        value = seal(config.secret, "signin", {"s": state, "n": nonce, "b": back,
                                               "exp": int(clock().timestamp()) + 600})
        return redirect(config.signin.authorize_url(state=state, nonce=nonce),
                        [cookie(access.STATE_COOKIE, value, max_age=600, secure=config.secure,
                                path=f"{PREFIX}/logga-in")])

    @route("GET", r"/logga-in/klar")
    def signin_done(req, match, session) -> Response:
        started = unseal(config.secret, "signin", req.cookies.get(access.STATE_COOKIE), now=clock())
        if config.signin is None or started is None or not req.arg("state") or req.arg("state") != started.get("s"):
            return redirect(f"{PREFIX}/logga-in?fel=state")
        if req.arg("error") or not req.arg("code"):
            return redirect(f"{PREFIX}/logga-in?fel=denied")
        try:
            identity = config.signin.finish(code=req.arg("code"), nonce=started["n"])
        except SignInFailed as error:
            log.warning("Sign in with Slack failed: %s", error)
            return redirect(f"{PREFIX}/logga-in?fel=slack")
        from storage import queries

        workspace = queries.workspace_for(session, key=identity.team_id)
        caller = load_caller(session, Invocation(workspace.id, identity.user_id, clock())) if workspace else None
        if caller is None or not caller.known:
            return redirect(f"{PREFIX}/logga-in?fel=unknown")
        value = access.new_session(config.secret, workspace_id=workspace.id, user_id=identity.user_id, now=clock())
        return redirect(started.get("b") or f"{PREFIX}/", [
            cookie(access.SESSION_COOKIE, value, max_age=access.max_age(), secure=config.secure),
            cookie(access.STATE_COOKIE, "", max_age=0, secure=config.secure, path=f"{PREFIX}/logga-in")])

    @route("POST", r"/logga-ut")
    def signout(req, match, session) -> Response:
        return redirect(f"{PREFIX}/logga-in?fel=out",
                        [cookie(access.SESSION_COOKIE, "", max_age=0, secure=config.secure)])

    @route("GET", r"/k/([^/]+)")
    def kiosk(req, match, session) -> Response:
        verdict = access.check_kiosk(session, config.secret, match.group(1), now=clock())
        if verdict.refusal is not None:
            return refusal(t(f"storbild.kiosk.refused.{verdict.refusal}"), t(f"storbild.kiosk.refused.{verdict.refusal}.text"),
                           t("storbild.kiosk.refused.hint"))
        caller = load_caller(session, Invocation(verdict.workspace_id, "", clock()))
        built = week_page(session, workspace_id=verdict.workspace_id, week=caller.assessment_week,
                          current=caller.current_week, names={a.id: a.name for a in caller.areas})
        body = week_body(built, private=HIDDEN, nav_weeks=False) + _refresh_note()
        return html(page(t("storbild.week.title", week=built.grid.week.label), body, mode="kiosk",
                         refresh=REFRESH_SECONDS))

    # ---------------------------------------------------------------- signed in: week, wall, year, area
    @route("GET", r"/?")
    @signed_in
    def home(req, match, session, who) -> Response:
        return _week(session, who, who.caller.assessment_week)

    @route("GET", r"/vecka/(\d{4})-W(\d{2})")
    @signed_in
    def week(req, match, session, who) -> Response:
        year, number = int(match.group(1)), int(match.group(2))
        latest = who.caller.current_week.shift(1)
        if not 2000 <= year <= latest.year or not 1 <= number <= weeks_in_year(year) or \
                (year, number) > (latest.year, latest.week):
            return html(message_page(t("storbild.week.bad"), [t("storbild.week.bad.text")], nav=nav(who)), 404)
        return _week(session, who, Week(year, number))

    def _week(session, who: access.Viewer, shown: Week) -> Response:
        areas = who.caller.areas  # the process's copy of the set-up (storage/directory.py): no query
        built = week_page(session, workspace_id=who.workspace_id, week=shown, current=who.caller.current_week,
                          names={a.id: a.name for a in areas})
        body = week_body(built, private=SHOWN, area_links={a.name: a.id for a in areas})
        return html(page(t("storbild.week.title", week=shown.label), body, nav=nav(who)))

    @route("GET", r"/skarm")
    @signed_in
    def wall(req, match, session, who) -> Response:
        shown = who.caller.assessment_week
        built = week_page(session, workspace_id=who.workspace_id, week=shown, current=who.caller.current_week,
                          names={a.id: a.name for a in who.caller.areas})
        body = week_body(built, private=FOLDED, nav_weeks=False) + _refresh_note()
        return html(page(t("storbild.week.title", week=shown.label), body, nav=nav(who), mode="storbild",
                         refresh=REFRESH_SECONDS))

    @route("GET", r"/ar/?")
    @signed_in
    def this_year(req, match, session, who) -> Response:
        return redirect(f"{PREFIX}/ar/{who.caller.current_week.year}")

    @route("GET", r"/ar/(\d{4})(\.png)?")
    @signed_in
    def year(req, match, session, who) -> Response:
        shown, this = int(match.group(1)), who.caller.current_week.year
        if not 2000 <= shown <= this:
            return html(message_page(t("storbild.year.bad"), [t("storbild.year.bad.text", last=this)], nav=nav(who)), 404)
        table = build_year_table(session, workspace_id=who.workspace_id, year=shown)
        if match.group(2):
            from bot.year_picture import year_png

            return Response(200, year_png(table), "image/png")
        return html(page(t("year.summary.title", year=shown), year_body(table, this_year=this), nav=nav(who)))

    @route("GET", r"/omrade/(\d{1,9})")
    @signed_in
    def area(req, match, session, who) -> Response:
        built = area_page(session, workspace_id=who.workspace_id, area_id=int(match.group(1)),
                          last=who.caller.assessment_week)
        if built is None:
            return html(message_page(t("storbild.area.unknown"), [t("storbild.area.unknown.text")], nav=nav(who)), 404)
        return html(page(built.trend.area, area_body(built), nav=nav(who)))

    # ---------------------------------------------------------------- coordinators: kiosk links
    def _kiosk_page(req, session, who, *, created: str | None = None, notice: str | None = None,
                    status: int = 200) -> Response:
        if not who.caller.coordinator:
            return html(message_page(t("storbild.kiosk.coordinators"), [t("storbild.not_coordinator")],
                                     nav=nav(who)), 403)
        links = kiosk_links.active_links(session, workspace_id=who.workspace_id, now=clock())
        body = kiosk_body(links, csrf=who.csrf, timezone=who.caller.workspace.timezone, created_url=created,
                          notice=notice)
        return html(page(t("storbild.kiosk.title"), body, nav=nav(who)), status)

    @route("GET", r"/kiosk")
    @signed_in
    def kiosk_list(req, match, session, who) -> Response:
        return _kiosk_page(req, session, who)

    @route("POST", r"/kiosk")
    @signed_in
    def kiosk_create(req, match, session, who) -> Response:
        if not who.caller.coordinator:
            return _kiosk_page(req, session, who)
        days = int(req.form["dagar"]) if req.form.get("dagar", "").isdigit() else 0
        if days not in (1, 7, 30, 90):
            return _kiosk_page(req, session, who, notice=t("storbild.days", max=90), status=400)
        link = create_kiosk_link(session, workspace_id=who.workspace_id, timezone=who.caller.workspace.timezone,
                                 user_id=who.caller.user_id, now=clock(), days=days)
        return _kiosk_page(req, session, who, created=kiosk_url(config, link, req.origin))

    @route("POST", r"/kiosk/(\d{1,9})/aterkalla")
    @signed_in
    def kiosk_revoke(req, match, session, who) -> Response:
        if not who.caller.coordinator:
            return _kiosk_page(req, session, who)
        number = int(match.group(1))
        done = revoke_kiosk_link(session, workspace_id=who.workspace_id, link_id=number, user_id=who.caller.user_id,
                                 now=clock())
        notice = t("storbild.revoked", number=number) if done else t("storbild.revoke.unknown", number=number)
        return _kiosk_page(req, session, who, notice=notice)

    def application(environ: dict, start_response) -> Iterable[bytes]:
        req = read_request(environ)
        if not config.secret:
            return refusal(t("storbild.off.title"), t("storbild.off.text"), status=503).send(start_response)
        for method, pattern, handler in routes:
            match = pattern.fullmatch(req.path)
            if match and method == req.method:
                with session_scope(engine) as session:
                    response = handler(req, match, session)
                return response.send(start_response)
        return Response(404, message_page(t("storbild.notfound.title"), [t("storbild.notfound.text")],
                                          link=(f"{PREFIX}/", t("storbild.nav.week")))).send(start_response)

    return application


SIGNIN_PROBLEMS = {"state": "storbild.signin.problem.state", "denied": "slack.signin.denied",
                   "slack": "slack.signin.failed", "unknown": "storbild.signin.problem.unknown",
                   "out": "storbild.signin.problem.out"}


def _refresh_note() -> str:
    """Where the script puts its pause button; the texts it uses are in the attributes."""
    return (f'<p id="uppdatering" class="refresh" data-pause="{e(t("storbild.refresh.pause"))}" '
            f'data-paused="{e(t("storbild.refresh.paused"))}">{e(t("storbild.refresh.note"))}</p>')
