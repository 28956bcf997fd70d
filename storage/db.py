"""Engine and sessions: SQLite by default, PostgreSQL in production; nothing is built at import."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

# Every database wait is bounded, so a person hears within Slack's 3 s that the database does not
# answer instead of waiting for ever behind a stalled connection or a held lock.
WAIT_SECONDS = 2.0  # SQLite: the busy timeout, and this process's turn at the file
POOL_WAIT_SECONDS = 1.0  # PostgreSQL: a pooled connection
CONNECT_SECONDS = 2  # PostgreSQL: a new connection (libpq's smallest timeout)
LOCK_TIMEOUT_MS = 2000  # PostgreSQL: a row or table lock held by another session
STATEMENT_TIMEOUT_MS = 2500  # PostgreSQL: any one statement


class CommitUnknown(Exception):
    """The COMMIT was sent and no answer came back (the connection broke): it may or may not be saved."""


class DatabaseBusy(sa_exc.TimeoutError):
    """This process's turn at the SQLite file did not come within WAIT_SECONDS."""


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
        connect_args = {"check_same_thread": False, "timeout": WAIT_SECONDS}
        if in_memory:
            kwargs.setdefault("poolclass", StaticPool)
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_timeout", POOL_WAIT_SECONDS)
    connect_args = dict(kwargs.pop("connect_args", {}))
    connect_args.setdefault("connect_timeout", CONNECT_SECONDS)
    bounds = f"-c lock_timeout={LOCK_TIMEOUT_MS} -c statement_timeout={STATEMENT_TIMEOUT_MS}"
    connect_args["options"] = f"{bounds} {connect_args.get('options', '')}".strip()  # a caller's own -c wins
    return create_engine(url, connect_args=connect_args, **kwargs)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(WAIT_SECONDS * 1000)}")
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


def _take_turn(engine: Engine) -> threading.RLock | None:
    """SQLite: this thread's turn at the file (bounded); PostgreSQL: nothing to wait for here."""
    if engine.dialect.name != "sqlite":
        return None
    lock = _sqlite_lock(engine)
    if not lock.acquire(timeout=WAIT_SECONDS):
        error = DatabaseBusy(f"no turn at the SQLite database within {WAIT_SECONDS} s")
        _mark_rolled_back(error)  # nothing was begun
        raise error
    return lock


def rolled_back(error: BaseException) -> bool:
    """True when `error` ended a session_scope by rolling it back: nothing of that transaction was saved."""
    return getattr(error, "veckolage_rolled_back", False)


def _mark_rolled_back(error: BaseException) -> None:
    try:
        error.veckolage_rolled_back = True
    except AttributeError:  # an exception type without a __dict__
        pass


def _commit(session: Session) -> None:
    """COMMIT. The server answering with an error means it rolled back; no answer at all (PostgreSQL
    connection lost during COMMIT) means nobody knows, and CommitUnknown says so."""
    connection = session.connection() if session.in_transaction() else None
    try:
        session.commit()
    except sa_exc.DBAPIError as error:
        if connection is not None and not connection.invalidated:
            connection.invalidate()  # a refused COMMIT (SQLite: busy) leaves the transaction open: never reuse it
        answered = getattr(error.orig, "sqlstate", None) is not None
        if session.get_bind().dialect.name == "postgresql" and not answered:
            raise CommitUnknown(str(error.orig).strip()) from error
        _mark_rolled_back(error)
        raise


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error (SQLite: one at a time per process)."""
    lock = _take_turn(engine)
    try:
        with Session(engine, expire_on_commit=False) as session:
            try:
                yield session
                session.flush()  # statement errors surface here, before the COMMIT
            except BaseException as error:
                session.rollback()
                _mark_rolled_back(error)
                raise
            _commit(session)
    finally:
        if lock is not None:
            lock.release()
