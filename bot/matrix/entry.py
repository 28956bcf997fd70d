"""`python -m bot matrix`: the Matrix bot with the outbox delivery and the clock in the same process."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping

from bot.cli.entry import say
from bot.cli.startup import prepare
from bot.matrix.service import Refused, Service
from bot.matrix.settings import MatrixSettings, load_matrix_settings
from bot.settings import Settings, SettingsError
from bot.slack.app import utc_now
from commands.core.texts import t


def run_matrix(settings: Settings, env: Mapping[str, str]) -> int:
    """Check the MATRIX_* settings, set up the database, then run until stopped."""
    try:
        matrix = load_matrix_settings(env)
    except SettingsError as error:
        problems = error.problems
        say(problems[0] if len(problems) == 1 and "\n" in problems[0]
            else t("cli.bad_settings") + "\n" + "\n".join(f"  • {p}" for p in problems), sys.stderr)
        return 2
    ready = prepare(settings.database_url, settings.config_path, now=utc_now())
    say(t("matrix.start", homeserver=matrix.homeserver, user=matrix.user_id))
    try:
        asyncio.run(_serve(matrix, ready.engine, settings))
    except Refused as refused:
        say(str(refused), sys.stderr)
        return 2
    return 0


async def _serve(matrix: MatrixSettings, engine, settings: Settings) -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.jobs.clock import TIMEZONE, schedule
    from bot.web.chat_reply import kiosk_presenter
    from bot.web.config import web_config

    config_path = settings.config_path
    service = Service(matrix, engine, clock=utc_now, present=kiosk_presenter(web_config(settings)))
    scheduler = BackgroundScheduler(timezone=TIMEZONE)

    def started(bot) -> None:  # the clock runs in this process, waking the outbox after each post it queues
        schedule(scheduler, engine, config_path, clock=utc_now, after=service.thread.wake)
        scheduler.start()
        say(t("matrix.started", homeserver=matrix.homeserver, user=matrix.user_id))

    try:
        await service.serve(stop=asyncio.Event(), started=started)
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
