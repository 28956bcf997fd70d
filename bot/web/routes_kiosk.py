"""Coordinators' page for kiosk links: create one (its address shown once) and revoke them."""

from __future__ import annotations

from bot.web.config import kiosk_url
from bot.web.html import message_page, page
from bot.web.info_html import DAY_CHOICES, kiosk_body
from bot.web.request import Response
from bot.web.router import Router, html, nav
from commands.core.texts import t
from commands.storbild.kiosk import MAX_DAYS, create_kiosk_link, revoke_kiosk_link
from storage import kiosk_links


def register(r: Router) -> None:
    """Add the kiosk links' routes."""
    config, clock = r.config, r.clock

    def listing(session, who, *, created: str | None = None, notice: str | None = None, status: int = 200) -> Response:
        if not who.caller.coordinator:
            return html(message_page(t("storbild.kiosk.coordinators"), [t("storbild.not_coordinator")],
                                     nav=nav(who)), 403)
        links = kiosk_links.active_links(session, workspace_id=who.workspace_id, now=clock())
        body = kiosk_body(links, csrf=who.csrf, timezone=who.caller.workspace.timezone, created_url=created,
                          notice=notice)
        return html(page(t("storbild.kiosk.title"), body, nav=nav(who)), status)

    @r.route("GET", r"/kiosk")
    @r.signed_in
    def kiosk_list(req, match, session, who) -> Response:
        return listing(session, who)

    @r.route("POST", r"/kiosk")
    @r.signed_in
    def kiosk_create(req, match, session, who) -> Response:
        if not who.caller.coordinator:
            return listing(session, who)
        days = int(req.form["dagar"]) if req.form.get("dagar", "").isdigit() else 0
        if days not in DAY_CHOICES:
            return listing(session, who, notice=t("storbild.days", max=MAX_DAYS), status=400)
        link = create_kiosk_link(session, workspace_id=who.workspace_id, timezone=who.caller.workspace.timezone,
                                 user_id=who.caller.user_id, now=clock(), days=days)
        return listing(session, who, created=kiosk_url(config, link, req.origin))

    @r.route("POST", r"/kiosk/(\d{1,9})/aterkalla")
    @r.signed_in
    def kiosk_revoke(req, match, session, who) -> Response:
        if not who.caller.coordinator:
            return listing(session, who)
        number = int(match.group(1))
        done = revoke_kiosk_link(session, workspace_id=who.workspace_id, link_id=number, user_id=who.caller.user_id,
                                 now=clock())
        notice = t("storbild.revoked", number=number) if done else t("storbild.revoke.unknown", number=number)
        return listing(session, who, notice=notice)
