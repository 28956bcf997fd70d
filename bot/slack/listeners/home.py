"""The App Home tab, published when someone opens it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from bot.slack.home_view import home_view
from commands.rhythm.home import Home, home
from storage.db import session_scope

if TYPE_CHECKING:
    from bot.slack.listeners import Listening


def register(app: App, slack: Listening) -> None:
    """app_home_opened."""

    @app.event("app_home_opened")
    def home_opened(event, body, client) -> None:
        if event.get("tab") not in (None, "home"):
            return
        with session_scope(slack.engine) as session:
            inv = slack.invocation(session, {"team_id": body.get("team_id"), "user_id": event.get("user")})
            view = home_view(home(inv, session)) if inv else home_view(Home(known=False))
        client.views_publish(user_id=event["user"], view=view)
