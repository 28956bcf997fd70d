"""A sign-in link from the chat (`veckolage webb`): its page asks for one press (a link preview in a chat spends
nothing), then the press spends the link once and signs its person in, if they are still in the collaboration."""

from __future__ import annotations

from datetime import datetime

from bot.web import access
from bot.web.config import PREFIX
from bot.web.html import e, message_page, page
from bot.web.request import Response, cookie, redirect
from bot.web.router import Router, html
from commands.core.context import Invocation, load_caller
from commands.core.texts import t
from commands.storbild.signin_link import SIGNIN_USAGE
from storage import signin_links
from storage.models import SignInLink

TOKEN = r"/in/([0-9A-Za-z_.-]{1,200})"


def _link(session, secret: str, token: str, now: datetime) -> SignInLink | None:
    """The live link a token stands for: signed, stored, unused and unexpired."""
    found = access.signed_link(secret, token, "signin",
                               lambda link_id: signin_links.link_by_id(session, link_id=link_id))
    if found is None or found[0].used_at is not None or found[0].expires_at <= now:
        return None
    return found[0]


def _spent() -> Response:
    return html(message_page(t("storbild.signin.title"), [t("storbild.signin_link.spent", usage=SIGNIN_USAGE)],
                             link=(f"{PREFIX}/logga-in", t("storbild.signin.title"))), 410)


def register(r: Router) -> None:
    """Add the sign-in link's page and its button."""
    config, clock = r.config, r.clock

    @r.route("GET", TOKEN)
    def signin_link_page(req, match, session) -> Response:
        if _link(session, config.secret, match.group(1), clock()) is None:
            return _spent()
        body = (f"<h1>{e(t('storbild.signin.title'))}</h1>\n<p>{e(t('storbild.signin_link.page'))}</p>\n"
                f'<form method="post" action="{PREFIX}/in/{e(match.group(1))}"><button class="button primary" '
                f'type="submit">{e(t("storbild.signin_link.button"))}</button></form>')
        return html(page(t("storbild.signin.title"), body))

    @r.route("POST", TOKEN)
    def signin_link_use(req, match, session) -> Response:
        now = clock()
        link = _link(session, config.secret, match.group(1), now)
        if link is None:
            return _spent()
        caller = load_caller(session, Invocation(link.workspace_id, link.user_id, now))
        if not caller.known:  # removed from the collaboration since the link was made
            return redirect(f"{PREFIX}/logga-in?fel=unknown")
        if not signin_links.use_link(session, link_id=link.id, now=now):
            return _spent()  # another press was first
        value = access.new_session(config.secret, workspace_id=link.workspace_id, user_id=link.user_id, now=now)
        return redirect(f"{PREFIX}/", [cookie(access.SESSION_COOKIE, value, max_age=access.max_age(),
                                              secure=config.secure)])
