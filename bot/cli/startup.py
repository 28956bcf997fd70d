"""Start-up shared by every entry point: migrate, then take the set-up from veckolage.toml on the first
start only. After that the database is the authority (admins change it in chat with /lagesadmin);
`python -m bot config export` writes it out and `config import` deliberately applies an edited file.
A file that differs from the database is never applied silently: the start-up log says so.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from commands.core.texts import t
from commands.setup.file import SetupError, load_setup
from commands.setup.sync import sync_setup
from storage import migrate
from storage.db import make_engine, session_scope
from storage.models import Workspace

log = logging.getLogger("veckolage")


@dataclass(frozen=True)
class Ready:
    """What a running process needs: the engine and the collaboration's workspace."""

    engine: Engine
    workspace_id: int | None  # None: many workspaces, none installed yet


def fingerprint(path: str) -> str:
    """A hash of the set-up file, to notice when it differs from what the database holds."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def prepare(database_url: str, config_path: str, *, now: datetime, require_setup: bool = True) -> Ready:
    """Migrate; on the first start read the whole set-up file (a bad file starts nothing) and store it.

    With many workspaces (OAuth) the file is optional: workspaces come from installs."""
    engine = make_engine(database_url)
    if migrate.upgrade(engine):
        log.info(t("cli.schema_upgraded"))
    with session_scope(engine) as session:
        existing = session.execute(select(Workspace).order_by(Workspace.id)).scalars().first()
    if existing is None:
        if not require_setup and not Path(config_path).exists():
            return Ready(engine, None)
        return Ready(engine, apply_setup_file(engine, config_path, now=now))
    _warn_if_different(existing, config_path)
    return Ready(engine, existing.id)


def apply_setup_file(engine: Engine, config_path: str, *, now: datetime) -> int:
    """Read the file whole and bring the database in line with it (first start, or `config import`)."""
    setup = load_setup(config_path)
    with session_scope(engine) as session:
        report = sync_setup(session, setup, now=now)
        session.get(Workspace, report.workspace_id).setup_fingerprint = fingerprint(config_path)
    for change in report.changes:
        log.info(t("cli.setup_change", change=change))
    return report.workspace_id


def _warn_if_different(workspace: Workspace, config_path: str) -> None:
    try:
        if fingerprint(config_path) == workspace.setup_fingerprint:
            return
        load_setup(config_path)
    except FileNotFoundError:
        return
    except (OSError, SetupError) as error:
        log.warning(t("cli.setup_file_ignored", path=config_path, error=error))
        return
    log.warning(t("cli.setup_file_differs", path=config_path))


def remember_export(engine: Engine, workspace_id: int, config_path: str) -> None:
    """After writing the set-up file from the database, the two agree again."""
    with session_scope(engine) as session:
        session.get(Workspace, workspace_id).setup_fingerprint = fingerprint(config_path)
