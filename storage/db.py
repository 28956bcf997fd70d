"""Engine and sessions: SQLite by default, PostgreSQL in production; nothing is built at import."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine


def normalize_url(url: str) -> str:
    """Accept Heroku-style `postgres://` URLs and use the psycopg 3 driver for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, **kwargs) -> Engine:
    """Build an engine; SQLite gets WAL, a busy timeout and foreign keys, in-memory a shared pool."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        connect_args = {"check_same_thread": False, "timeout": 15}
        if in_memory:
            kwargs.setdefault("poolclass", StaticPool)
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_SQLITE_LOCKS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()


def _sqlite_lock(engine: Engine) -> threading.RLock:
    """One lock per SQLite engine. SQLite has one writer at a time; threads that wait for its file lock
    sleep in growing steps (busy timeout), which gave half-second tails under load. Taking turns on
    a lock in the process instead costs nothing (a request holds it for about two milliseconds)."""
    with _LOCKS_GUARD:
        return _SQLITE_LOCKS.setdefault(engine, threading.RLock())  # re-entrant: a nested scope in one thread


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error (SQLite: one at a time per process)."""
    lock = _sqlite_lock(engine) if engine.dialect.name == "sqlite" else nullcontext()
    with lock, Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
