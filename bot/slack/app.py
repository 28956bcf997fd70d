"""The Bolt app factory: tests and every entry point build their app here, nothing at import time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from slack_bolt import App
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack.listeners import register_listeners
from commands.core.texts import t

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


def _oauth_flow(oauth: OAuthSettings, api_url: str) -> OAuthFlow:
    """The install flow, its Web API calls to SLACK_API_URL through a client that never logs at DEBUG:
    slack_sdk logs whole answers there, and oauth.v2.access answers with the new bot token."""
    quiet = logging.getLogger("veckolage.oauth.client")
    quiet.setLevel(max(logging.INFO, quiet.getEffectiveLevel()))
    return OAuthFlow(client=WebClient(base_url=api_url, logger=quiet), settings=oauth)


class _NoTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment and then warns, in English, that our client's
    token wins; it is ours on purpose, so the warning says nothing to the person reading the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def create_app(
    settings: Settings,
    *,
    engine: Engine,
    clock: Clock = utc_now,
    authorize: Callable | None = None,
    logger: logging.Logger | None = None,
    notify: Callable[[], None] = lambda: None,
    background: Callable[[Callable[[], None]], object] | None = None,
    oauth: OAuthSettings | None = None,
) -> App:
    """A Bolt App on our engine; tokens are passed explicitly, Web API calls go to SLACK_API_URL.

    With `oauth` the app serves many workspaces (tokens from the installation store)."""
    single = authorize is None and oauth is None
    client = WebClient(token=settings.bot_token if single else None, base_url=settings.slack_api_url,
                       timeout=3)  # inside the 3-second ack window (views.open)
    flow = _oauth_flow(oauth, settings.slack_api_url) if oauth else None
    logger = logger or logging.getLogger("veckolage.slack")
    if not any(isinstance(f, _NoTokenWarning) for f in logger.filters):
        logger.addFilter(_NoTokenWarning())
    app = App(
        client=client,
        signing_secret=settings.signing_secret or "",
        authorize=authorize,
        oauth_flow=flow,
        token=None,
        process_before_response=True,  # ack in ~0.1 ms instead of Bolt's 10 ms polling
        logger=logger,
        token_verification_enabled=single,
        user_facing_authorize_error_message=t("error.not_installed"),  # Bolt's own text is English
    )
    from bot.web.chat_reply import kiosk_presenter
    from bot.web.config import web_config

    register_listeners(app, engine=engine, clock=clock, notify=notify, background=background,
                       present=kiosk_presenter(web_config(settings)))
    return app
