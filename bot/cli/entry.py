"""The modes of `python -m bot`, each building what it needs and nothing more."""

from __future__ import annotations

import dataclasses
import sys
import threading
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.cli.startup import prepare
from bot.cli.wiring import (
    DEMO_CSV,
    DEMO_DATABASE,
    EXAMPLE_CONFIG,
    demo_settings,
    oauth_for,
    outbox_thread,
    say,
)
from bot.jobs.outbox_worker import OutboxThread
from bot.settings import Settings
from bot.slack.app import create_app, utc_now
from bot.slack.identity import SlackIdentity, connect_socket, first_contact
from commands.core.texts import t
from storage import migrate as schema
from storage.db import make_engine


def unconfigured(settings: Settings) -> int:
    """No Slack credentials: say what is missing and how to create the app, then offer the console."""
    say(t("slack.cli.missing_credentials", missing=", ".join(settings.missing("socket"))), sys.stderr)
    if not sys.stdin.isatty():
        return 2
    sys.stdout.write(t("cli.offer_console"))
    sys.stdout.flush()
    answer = sys.stdin.readline().strip().lower()
    if answer not in ("", "j", "ja", "y", "yes"):
        return 2
    return console(settings, user=None, color=sys.stdout.isatty())


def migrate(settings: Settings) -> int:
    """Upgrade the schema to head."""
    engine = make_engine(settings.database_url)
    schema.upgrade(engine)
    say(t("cli.migrated", revision=schema.current_revision(engine)))
    return 0


def console(settings: Settings, *, user: str | None, color: bool, demo: bool = False) -> int:
    """The local console on the configured database (or the shipped example on a demo database)."""
    from bot.console.repl import run_console

    if demo:
        say(t("cli.demo", database=DEMO_DATABASE, year="/veckolage år 2023", week="/veckolage 2023-W01",
              trend="/veckolage trend Vällingby"))  # commands for the console, which takes them with a slash
        settings = demo_settings(settings)
    elif not Path(settings.config_path).exists() and EXAMPLE_CONFIG.exists():
        say(t("cli.no_setup_file", path=settings.config_path, example=EXAMPLE_CONFIG.name, database=DEMO_DATABASE))
        settings = dataclasses.replace(settings, config_path=str(EXAMPLE_CONFIG), database_url=DEMO_DATABASE)
    ready = prepare(settings.database_url, settings.config_path, now=utc_now())
    if demo:
        from bot.cli.maintenance import import_csv

        import_csv(ready, DEMO_CSV, year=2023, create_areas=False)
    user = user or _first_user(ready)
    if user is None:
        say(t("cli.no_console_user"), sys.stderr)
        return 2
    return run_console(ready.engine, workspace_id=ready.workspace_id, user_id=user, stdin=sys.stdin,
                       stdout=sys.stdout, clock=utc_now, color=color, interactive=sys.stdin.isatty())


def slack_identity(settings: Settings) -> SlackIdentity | None:
    """Ask Slack once who the bot token belongs to (one workspace; None with OAuth). A rejected token
    raises TokenRejected; a Slack that does not answer is logged and asked again once the service runs."""
    if settings.multi_workspace or not settings.bot_token:
        return None
    return first_contact(settings.bot_token, settings.slack_api_url)


def running_app(settings: Settings, engine: Engine, thread: OutboxThread | None = None,
                identity: SlackIdentity | None = None):
    """The Bolt app, waking the outbox after each commit; with OAuth when SLACK_CLIENT_ID/SECRET are set.

    With one workspace, requests are authorized from the token alone: no Slack call at start or per request."""
    oauth = oauth_for(settings, engine)
    thread = thread or outbox_thread(settings, engine, oauth)
    if identity is not None and not identity.answered.is_set():
        identity.keep_asking(on_answer=thread.wake)
    return create_app(settings, engine=engine, notify=thread.wake, oauth=oauth,
                      authorize=identity.authorizer() if identity else None)


def clock(settings: Settings) -> int:
    """The clock process alone (Procfile `clock:`, exactly one): the weekly rhythm and the outbox."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    from bot.jobs.clock import TIMEZONE, schedule

    identity = slack_identity(settings)
    ready = prepare(settings.database_url, settings.config_path, now=utc_now(),
                    require_setup=not settings.multi_workspace)
    thread = outbox_thread(settings, ready.engine, oauth_for(settings, ready.engine))
    if identity is not None and not identity.answered.is_set():
        identity.keep_asking(on_answer=thread.wake)
    scheduler = BlockingScheduler(timezone=TIMEZONE)
    schedule(scheduler, ready.engine, settings.config_path, clock=utc_now, after=thread.wake)
    say(t("cli.clock_start"))
    scheduler.start()
    return 0


def _first_user(ready) -> str | None:
    """The console's default person: the first admin, else coordinator, else member."""
    from sqlalchemy import select

    from storage import queries
    from storage.db import session_scope
    from storage.models import Member

    with session_scope(ready.engine) as session:
        for role in (queries.ADMIN, queries.COORDINATOR):
            users = queries.users_with_role(session, workspace_id=ready.workspace_id, role=role)
            if users:
                return users[0]
        return session.execute(select(Member.user_id).where(Member.workspace_id == ready.workspace_id)
                               .order_by(Member.id)).scalars().first()


def socket(settings: Settings) -> int:
    """Socket Mode: no public URL needed, works behind a municipal firewall."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk import WebClient

    from bot.jobs.clock import TIMEZONE, schedule

    identity = slack_identity(settings)
    ready = prepare(settings.database_url, settings.config_path, now=utc_now())
    thread = outbox_thread(settings, ready.engine)
    app = running_app(settings, ready.engine, thread, identity)
    scheduler = BackgroundScheduler(timezone=TIMEZONE)  # the embedded default runs the clock in-process
    schedule(scheduler, ready.engine, settings.config_path, clock=utc_now, after=thread.wake)
    scheduler.start()
    say(t("slack.cli.socket_start"))
    client = WebClient(token=settings.bot_token, base_url=settings.slack_api_url)
    handler = SocketModeHandler(app, settings.app_token, web_client=client)
    connect_socket(handler.connect)  # a Slack outage is waited out; the clock and outbox run meanwhile
    threading.Event().wait()
    return 0


def web_view(settings: Settings, engine: Engine):
    """The web view's WSGI app (/storbild…), on the same engine as the Slack requests."""
    from bot.web.app import make_web_app, web_config

    return make_web_app(web_config(settings), engine, utc_now)


def serve(settings: Settings) -> int:
    """HTTP mode under gunicorn on $PORT; the app and its outbox thread are built in the worker."""
    from bot.http import serve as run_server
    from bot.http import wsgi_app

    identity = slack_identity(settings)  # asked again in the worker while Slack does not answer
    ready = prepare(settings.database_url, settings.config_path, now=utc_now(),
                    require_setup=not settings.multi_workspace)
    ready.engine.dispose()  # no pooled connection crosses gunicorn's fork
    run_server(lambda: wsgi_app(running_app(settings, ready.engine, identity=identity),
                                web=web_view(settings, ready.engine)),
               host=settings.host, port=settings.port)
    return 0


def web(settings: Settings) -> int:
    """The web view alone under gunicorn on $PORT (no Slack): the storbild of a Teams or Matrix collaboration."""
    from bot.http import serve as run_server
    from bot.http import web_only_app

    if not settings.web_secret:
        say(t("cli.web.missing_secret"), sys.stderr)
        return 2
    ready = prepare(settings.database_url, settings.config_path, now=utc_now())
    ready.engine.dispose()  # no pooled connection crosses gunicorn's fork
    say(t("cli.web.start", host=settings.host, port=settings.port))
    run_server(lambda: web_only_app(web_view(settings, ready.engine)), host=settings.host, port=settings.port)
    return 0
