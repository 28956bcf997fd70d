"""`python -m bot teams`: the Teams app on $PORT, bound to 127.0.0.1 unless HOST says otherwise, with the outbox's
delivery thread and the clock in the same process (so `teams` alone serves a Teams collaboration).

The SDK's own server binds 0.0.0.0; ours is handed to it through the adapter's server factory, so the host is
ours to choose (a reverse proxy terminates Teams' HTTPS in front of it).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Mapping

import uvicorn

from bot.settings import Settings, SettingsError
from commands.core.texts import t

log = logging.getLogger("veckolage.teams")


class AnnouncingServer(uvicorn.Server):
    """uvicorn that says where it listens once it does (not before: a health check may follow the line)."""

    def __init__(self, config: uvicorn.Config, line: str) -> None:
        super().__init__(config)
        self._line = line

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            from bot.cli.entry import say

            say(self._line)


def teams_settings_or_guidance(env: Mapping[str, str]):
    """The Teams settings, or None after printing every problem in Swedish."""
    from bot.cli.entry import say
    from bot.teams.settings import load_teams_settings

    try:
        return load_teams_settings(env)
    except SettingsError as error:
        say(t("cli.bad_settings") + "\n" + "\n".join(f"  • {p}" for p in error.problems), sys.stderr)
        return None


def first_token(teams) -> bool:
    """Ask for the bot's token once before serving: a refusal (wrong id, secret or tenant) is said in Swedish
    and nothing starts; a token service that does not answer is logged and the bot starts anyway (messages
    are answered once it answers again)."""
    import httpx

    from bot.cli.entry import say
    from bot.teams.token import ClientCredentialsToken, TokenRefused

    try:
        ClientCredentialsToken(teams, timeout=5.0).get()
    except TokenRefused as refused:
        say(str(refused), sys.stderr)
        return False
    except (httpx.HTTPError, ValueError, KeyError) as error:
        log.warning(t("teams.cli.token_unreachable", url=teams.token_url, error=error))
    return True


def outbox_and_clock(teams, engine, config_path: str | None, *, clock, token):
    """The outbox's delivery thread (Teams behind it) and the minute clock that wakes it after each claim; neither
    is started. `token` is the bot's token source (its `get` serves the delivery thread)."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.jobs.clock import TIMEZONE, schedule
    from bot.jobs.outbox_worker import OutboxThread
    from bot.teams.deliverer import TeamsDeliverer
    from bot.teams.delivery import TeamsDelivery

    delivery = TeamsDelivery(engine=engine, token=token.get, bot_id=f"28:{teams.client_id}",
                             tenant_id=teams.tenant_id)
    thread = OutboxThread(TeamsDeliverer(engine, delivery, clock=clock))
    scheduler = BackgroundScheduler(timezone=TIMEZONE)
    schedule(scheduler, engine, config_path, clock=clock, after=thread.wake)
    return thread, scheduler


def serve(settings: Settings, env: Mapping[str, str] | None = None) -> int:
    """Check the settings, migrate and read the set-up, then serve until stopped."""
    from microsoft_teams.apps.http import FastAPIAdapter

    from bot.cli.startup import prepare
    from bot.slack.app import utc_now
    from bot.teams.app import create_teams_app
    from bot.teams.token import ClientCredentialsToken

    teams = teams_settings_or_guidance(os.environ if env is None else env)
    if teams is None:
        return 2
    if not first_token(teams):
        return 2
    ready = prepare(settings.database_url, settings.config_path, now=utc_now())
    line = t("teams.cli.start", host=teams.host, port=settings.port)
    adapter = FastAPIAdapter(server_factory=lambda fastapi: AnnouncingServer(uvicorn.Config(
        fastapi, host=teams.host, port=settings.port, log_level="warning", lifespan="on"), line))
    token = ClientCredentialsToken(teams)
    thread, scheduler = outbox_and_clock(teams, ready.engine, settings.config_path, clock=utc_now, token=token)
    from bot.web.chat_reply import kiosk_presenter
    from bot.web.config import web_config

    app = create_teams_app(teams, engine=ready.engine, clock=utc_now, adapter=adapter, token=token,
                           notify=thread.wake,  # after each commit: what it queued goes out now
                           present=kiosk_presenter(web_config(settings)))
    thread.start()  # rows left from before a restart go out first
    scheduler.start()
    try:
        asyncio.run(app.start(settings.port))
    finally:
        scheduler.shutdown(wait=False)
        thread.stop()
    return 0
