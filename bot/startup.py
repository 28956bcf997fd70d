"""Start-up shared by every entry point: check the set-up file, migrate, sync — or refuse to start."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from commands.setup_file import Setup, SetupError, load_setup
from commands.setup_sync import sync_setup
from storage import migrate
from storage.db import make_engine, session_scope
from storage.models import Workspace

log = logging.getLogger("veckolage")


@dataclass(frozen=True)
class Ready:
    """What a running process needs: the engine and the synced workspace."""

    engine: Engine
    setup: Setup
    workspace_id: int


def fingerprint(path: str) -> str:
    """A hash of the set-up file, to notice when it changes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def prepare(database_url: str, config_path: str, *, now: datetime) -> Ready:
    """Read the whole set-up first (a bad file starts nothing), then migrate and sync in one go."""
    setup = load_setup(config_path)
    engine = make_engine(database_url)
    if migrate.upgrade(engine):
        log.info("Databasen uppgraderad till senaste schemat.")
    return Ready(engine, setup, _sync(engine, setup, fingerprint(config_path), now))


def _sync(engine: Engine, setup: Setup, digest: str, now: datetime) -> int:
    with session_scope(engine) as session:
        report = sync_setup(session, setup, now=now)
        session.get(Workspace, report.workspace_id).setup_fingerprint = digest
    for change in report.changes:
        log.info("Set-up: %s", change)
    return report.workspace_id


def sync_if_changed(engine: Engine, config_path: str, *, now: datetime) -> bool:
    """Re-read the set-up when the file changed since the last sync; a bad file is logged and ignored."""
    try:
        digest = fingerprint(config_path)
        with session_scope(engine) as session:
            known = set(session.execute(select(Workspace.setup_fingerprint)).scalars())
        if digest in known:
            return False
        setup = load_setup(config_path)
    except (OSError, SetupError) as error:
        log.error("veckolage.toml kunde inte läsas om; den gamla inställningen gäller: %s", error)
        return False
    _sync(engine, setup, digest, now)
    log.info("veckolage.toml ändrad: inställningarna är inlästa utan omstart.")
    return True
