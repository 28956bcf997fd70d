"""What the modes of `python -m bot` share: the terminal, the demo, and the outbox delivery's wiring."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.jobs.outbox_worker import Deliverer, OutboxThread, outbox_client
from bot.settings import Settings
from bot.slack.app import utc_now

EXAMPLE_CONFIG = Path(__file__).resolve().parent.parent / "veckolage.example.toml"  # shipped as package data
DEMO_DATABASE = "sqlite:///veckolage-demo.db"
DEMO_CSV = Path(__file__).resolve().parent.parent / "demo" / "hasselby-vallingby-2023.csv"  # Hässelby-Vällingby 2023


def say(text: str, stream=None) -> None:
    """Write a line for the person at the terminal."""
    stream = stream or sys.stdout
    stream.write(text if text.endswith("\n") else text + "\n")
    stream.flush()


def demo_settings(settings: Settings) -> Settings:
    """The shipped example on the demo database (`console --demo`, `export --demo`)."""
    return dataclasses.replace(settings, config_path=str(EXAMPLE_CONFIG), database_url=DEMO_DATABASE)


def oauth_for(settings: Settings, engine: Engine):
    """OAuth settings (and the installation store) when many workspaces are served, else None."""
    if not settings.multi_workspace:
        return None
    from bot.slack.oauth import oauth_settings

    return oauth_settings(settings.client_id, settings.client_secret, engine, clock=utc_now)


def deliverer(settings: Settings, engine: Engine, oauth=None) -> Deliverer:
    """The outbox deliverer: one bot token, or each workspace's own from its installation."""
    if oauth is not None:
        from bot.slack.oauth import client_for

        return Deliverer(engine, None, clock=utc_now,
                         client_for=client_for(oauth.installation_store, settings.slack_api_url))
    return Deliverer(engine, outbox_client(settings.bot_token, settings.slack_api_url), clock=utc_now)


def outbox_thread(settings: Settings, engine: Engine, oauth=None) -> OutboxThread:
    """The delivery thread (pending deliveries from before a restart go out first)."""
    return OutboxThread(deliverer(settings, engine, oauth)).start()
