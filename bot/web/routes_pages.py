"""The lägesbild's pages: the week, the wall (signed in or by kiosk link), the year and an area."""

from __future__ import annotations

from bot.web import access
from bot.web.area_html import area_body
from bot.web.config import PREFIX
from bot.web.html import e, message_page, page
from bot.web.request import Response, redirect
from bot.web.router import Router, html, nav, refusal
from bot.web.week_html import FOLDED, HIDDEN, SHOWN, week_body
from bot.web.year_html import year_body
from commands.core.context import Invocation, load_caller
from commands.core.texts import t
from commands.core.weeks import Week, weeks_in_year
from commands.storbild.pages import area_page, week_page
from commands.year.table import build_year_table

REFRESH_SECONDS = 60


def refresh_note() -> str:
    """Where the script puts its pause button; the texts it uses are in the attributes."""
    return (f'<p id="uppdatering" class="refresh" data-pause="{e(t("storbild.refresh.pause"))}" '
            f'data-paused="{e(t("storbild.refresh.paused"))}">{e(t("storbild.refresh.note"))}</p>')


def register(r: Router) -> None:
    """Add the week, wall, kiosk view, year and area routes."""
    config, clock = r.config, r.clock

    def not_found(who: access.Viewer, key: str, **values) -> Response:
        return html(message_page(t(key), [t(f"{key}.text", **values)], nav=nav(who)), 404)

    @r.route("GET", r"/k/([^/]+)")
    def kiosk(req, match, session) -> Response:
        verdict = access.check_kiosk(session, config.secret, match.group(1), now=clock())
        if verdict.refusal is not None:
            key = f"storbild.kiosk.refused.{verdict.refusal}"
            return refusal(t(key), t(f"{key}.text"), t("storbild.kiosk.refused.hint"))
        caller = load_caller(session, Invocation(verdict.workspace_id, "", clock()))
        built = week_page(session, workspace_id=verdict.workspace_id, week=caller.assessment_week,
                          current=caller.current_week, names={a.id: a.name for a in caller.areas})
        body = week_body(built, private=HIDDEN, nav_weeks=False) + refresh_note()
        return html(page(t("storbild.week.title", week=built.grid.week.label), body, mode="kiosk",
                         refresh=REFRESH_SECONDS))

    @r.route("GET", r"/?")
    @r.signed_in
    def home(req, match, session, who) -> Response:
        return _week(session, who, who.caller.assessment_week)

    @r.route("GET", r"/vecka/(\d{4})-W(\d{2})")
    @r.signed_in
    def week(req, match, session, who) -> Response:
        year, number = int(match.group(1)), int(match.group(2))
        latest = who.caller.current_week.shift(1)
        if not 2000 <= year <= latest.year or not 1 <= number <= weeks_in_year(year) or \
                (year, number) > (latest.year, latest.week):
            return not_found(who, "storbild.week.bad")
        return _week(session, who, Week(year, number))

    def _week(session, who: access.Viewer, shown: Week) -> Response:
        areas = who.caller.areas  # the process's copy of the set-up (storage/queries/directory.py): no query
        built = week_page(session, workspace_id=who.workspace_id, week=shown, current=who.caller.current_week,
                          names={a.id: a.name for a in areas})
        body = week_body(built, private=SHOWN, area_links={a.name: a.id for a in areas})
        return html(page(t("storbild.week.title", week=shown.label), body, nav=nav(who)))

    @r.route("GET", r"/skarm")
    @r.signed_in
    def wall(req, match, session, who) -> Response:
        shown = who.caller.assessment_week
        built = week_page(session, workspace_id=who.workspace_id, week=shown, current=who.caller.current_week,
                          names={a.id: a.name for a in who.caller.areas})
        body = week_body(built, private=FOLDED, nav_weeks=False) + refresh_note()
        return html(page(t("storbild.week.title", week=shown.label), body, nav=nav(who), mode="storbild",
                         refresh=REFRESH_SECONDS))

    @r.route("GET", r"/ar/?")
    @r.signed_in
    def this_year(req, match, session, who) -> Response:
        return redirect(f"{PREFIX}/ar/{who.caller.current_week.year}")

    @r.route("GET", r"/ar/(\d{4})(\.png)?")
    @r.signed_in
    def year(req, match, session, who) -> Response:
        shown, this = int(match.group(1)), who.caller.current_week.year
        if not 2000 <= shown <= this:
            return not_found(who, "storbild.year.bad", last=this)
        table = build_year_table(session, workspace_id=who.workspace_id, year=shown)
        if match.group(2):
            from bot.files.year_picture import year_png  # matplotlib: only when a picture is asked for

            return Response(200, year_png(table), "image/png")
        return html(page(t("year.summary.title", year=shown), year_body(table, this_year=this), nav=nav(who)))

    @r.route("GET", r"/omrade/(\d{1,9})")
    @r.signed_in
    def area(req, match, session, who) -> Response:
        built = area_page(session, workspace_id=who.workspace_id, area_id=int(match.group(1)),
                          last=who.caller.assessment_week)
        if built is None:
            return not_found(who, "storbild.area.unknown")
        return html(page(built.trend.area, area_body(built), nav=nav(who)))
