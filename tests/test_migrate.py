"""The schema check at every start: current revision and head without Alembic; Alembic only to upgrade."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from storage import migrate
from storage.db import make_engine

ROOT = Path(__file__).resolve().parent.parent


def test_the_head_read_from_the_files_is_alembics_head(engine) -> None:
    assert migrate.head_revision() == ScriptDirectory.from_config(migrate.alembic_config(engine)).get_current_head()
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_an_empty_database_is_upgraded_once(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert migrate.current_revision(engine) is None
    assert migrate.upgrade(engine) is True
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert migrate.upgrade(engine) is False


def test_a_current_database_is_checked_without_importing_alembic(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'current.db'}"
    migrate.upgrade(make_engine(url))
    probe = ("import sys; from storage import migrate; from storage.db import make_engine; "
             f"assert migrate.upgrade(make_engine({url!r})) is False; "
             "assert not {'alembic', 'mako', 'pygments'} & {m.split('.')[0] for m in sys.modules}, 'imported'")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
