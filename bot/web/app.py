"""The web view's WSGI app: every path under /storbild/, mounted beside Slack's in bot/http.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine

from bot.web import routes_kiosk, routes_pages, routes_public, routes_signin_link
from bot.web.config import PREFIX, WebConfig, kiosk_url, web_config
from bot.web.router import Router

__all__ = ["PREFIX", "WebConfig", "kiosk_url", "make_web_app", "web_config"]


def make_web_app(config: WebConfig, engine: Engine, clock: Callable[[], datetime]) -> Callable:
    """The WSGI callable for paths under /storbild (every request in one database session)."""
    router = Router(config, engine, clock)
    for module in (routes_public, routes_pages, routes_kiosk, routes_signin_link):
        module.register(router)
    return router
