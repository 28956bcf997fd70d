"""Start-up shared by every entry point: check the set-up file, migrate, sync — or refuse to start."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from commands.setup_file import Setup, load_setup
from commands.setup_sync import sync_setup
from storage import migrate
from storage.db import make_engine, session_scope

log = logging.getLogger("veckolage")


@dataclass(frozen=True)
class Ready:
    """What a running process needs: the engine and the synced workspace."""

    engine: Engine
    setup: Setup
    workspace_id: int


def prepare(database_url: str, config_path: str, *, now: datetime) -> Ready:
    """Read the whole set-up first (a bad file starts nothing), then migrate and sync in one go."""
    setup = load_setup(config_path)
    engine = make_engine(database_url)
    if migrate.upgrade(engine):
        log.info("Databasen uppgraderad till senaste schemat.")
    with session_scope(engine) as session:
        report = sync_setup(session, setup, now=now)
    for change in report.changes:
        log.info("Set-up: %s", change)
    return Ready(engine, setup, report.workspace_id)
