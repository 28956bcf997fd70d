"""The outbox: rows written in the same transaction as the change, claimed atomically, retried.

A row is claimed by a compare-and-set UPDATE (status and generation in the WHERE clause), so two
workers — threads or processes, SQLite or PostgreSQL — never deliver the same row at once. On
PostgreSQL a batch is claimed in one statement that skips rows another claimer has locked
(`FOR UPDATE SKIP LOCKED`), so several delivery processes take different rows and never wait for
each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Integer, String, Text, any_, bindparam, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session

from storage.models import OutboxMessage, Workspace

PENDING, SENDING, SENT, FAILED, CANCELLED = "pending", "sending", "sent", "failed", "cancelled"


def enqueue(
    session: Session, *, workspace_id: int, key: str, kind: str, subject_id: int | None, now: datetime,
    due_at: datetime | None = None, channel: str | None = None, body: str | None = None,
) -> None:
    """Add a message to deliver, or mark an existing one (same key) as due again with new content."""
    existing = session.execute(select(OutboxMessage).where(OutboxMessage.key == key).with_for_update()).scalars().first()
    if existing is None:
        add_once(session, workspace_id=workspace_id, key=key, kind=kind, now=now, subject_id=subject_id,
                 channel=channel, body=body, due_at=due_at)
        return
    if body is not None:
        existing.body = body
    existing.generation += 1
    existing.due_at = due_at or now
    existing.attempts = 0
    existing.last_error = None
    if existing.status != SENDING:  # a worker holding it will see the new generation and redo it
        existing.status = PENDING


def add_once(
    session: Session, *, workspace_id: int, key: str, kind: str, now: datetime, subject_id: int | None = None,
    channel: str | None = None, body: str | None = None, due_at: datetime | None = None,
) -> bool:
    """Claim a unique key: insert the row unless it exists (in any state); True when this call made it."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(OutboxMessage).values(
        workspace_id=workspace_id, key=key, kind=kind, subject_id=subject_id, status=PENDING, generation=1,
        attempts=0, due_at=due_at or now, created_at=now, channel=channel, body=body,
    ).on_conflict_do_nothing(index_elements=["key"]).returning(OutboxMessage.id)
    return session.execute(statement).first() is not None  # (rowcount is -1 with RETURNING on PostgreSQL)


def postpone(session: Session, *, row_id: int, due_at: datetime, now: datetime | None = None) -> None:
    """Not yet (e.g. Slack's one message per second per channel): due again later, no attempt spent.
    With `now`, a row whose worker's lease ran out is released too (it is pending again)."""
    free = OutboxMessage.status == PENDING
    if now is not None:
        free = free | ((OutboxMessage.status == SENDING) & (OutboxMessage.claimed_until < now))
    session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id, free)
                    .values(due_at=due_at, status=PENDING, claimed_by=None, claimed_until=None))


def existing_keys(session: Session, keys: list[str]) -> set[str]:
    """Which of these keys are already claimed (any state)."""
    if session.get_bind().dialect.name == "postgresql":  # one array parameter: no statement with 1,000s of them
        query = select(OutboxMessage.key).where(OutboxMessage.key == any_(bindparam("keys", type_=ARRAY(String))))
        return set(session.execute(query, {"keys": keys}).scalars())
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        query = select(OutboxMessage.key).where(OutboxMessage.key.in_(keys[start:start + 500]))
        found.update(session.execute(query).scalars())
    return found


def add_all_once(session: Session, rows: list[dict], *, now: datetime) -> list[str]:
    """`add_once` for many rows in one executemany (`workspace_id`, `key`, `kind` and optionally `channel`,
    `body`); returns the keys this call claimed, in order."""
    if not rows:
        return []
    if session.get_bind().dialect.name == "postgresql":  # one statement, five array parameters
        columns = {name: [row.get(name) for row in rows] for name in ("workspace_id", "key", "kind", "channel", "body")}
        claimed = set(session.execute(_ADD_ALL, {**columns, "now": now}).scalars())
    else:
        values = [{"subject_id": None, "channel": None, "body": None, **row, "status": PENDING, "generation": 1,
                   "attempts": 0, "due_at": now, "created_at": now} for row in rows]
        statement = sqlite.insert(OutboxMessage).on_conflict_do_nothing(index_elements=["key"])
        claimed = set(session.execute(statement.returning(OutboxMessage.key), values).scalars())
    return [row["key"] for row in rows if row["key"] in claimed]


_ADD_ALL = text("""
    INSERT INTO outboxmessage (workspace_id, key, kind, channel, body, status, generation, attempts, due_at, created_at)
    SELECT workspace_id, key, kind, channel, body, 'pending', 1, 0, :now, :now
    FROM unnest(:workspace_id, :key, :kind, :channel, :body) AS r(workspace_id, key, kind, channel, body)
    ON CONFLICT (key) DO NOTHING RETURNING key
""").bindparams(bindparam("workspace_id", type_=ARRAY(Integer)), bindparam("key", type_=ARRAY(String)),
                bindparam("kind", type_=ARRAY(String)), bindparam("channel", type_=ARRAY(String)),
                bindparam("body", type_=ARRAY(Text)), bindparam("now", type_=DateTime(timezone=True)))


def cancel(session: Session, *, key: str) -> None:
    """Stop a message that is no longer wanted (e.g. a re-notification after the alert was acknowledged)."""
    session.execute(update(OutboxMessage).where(OutboxMessage.key == key, OutboxMessage.status.in_((PENDING, FAILED)))
                    .values(status=CANCELLED))


def _ready(now: datetime):
    """Pending and due, or claimed by a worker whose lease ran out."""
    return or_((OutboxMessage.status == PENDING) & (OutboxMessage.due_at <= now),
               (OutboxMessage.status == SENDING) & (OutboxMessage.claimed_until < now))


def due(session: Session, *, now: datetime, limit: int = 20, skip: Sequence[int] = ()) -> list[OutboxMessage]:
    """Rows ready to deliver: pending and due, or claimed by a worker whose lease ran out (none of the
    workspaces in `skip`)."""
    query = (select(OutboxMessage).where(_ready(now), *_not_in(skip))
             .order_by(OutboxMessage.due_at, OutboxMessage.id).limit(limit))
    return list(session.execute(query).scalars())


def _not_in(skip: Sequence[int]) -> tuple:
    return (OutboxMessage.workspace_id.not_in(list(skip)),) if skip else ()


def workspace_channels(session: Session) -> list[tuple[int, str | None, str | None]]:
    """Every workspace's id with its summary and alert channel (whose form says which platform it is on)."""
    return [tuple(row) for row in session.execute(select(Workspace.id, Workspace.summary_channel,
                                                         Workspace.alert_channel))]


def claim_due(session: Session, *, worker: str, now: datetime, lease: timedelta, limit: int = 10,
              skip: Sequence[int] = ()) -> list[int]:
    """Claim up to `limit` ready rows for `worker`, oldest first, leaving the workspaces in `skip` alone
    (another platform's); returns their ids.

    PostgreSQL: one UPDATE over rows picked `FOR UPDATE SKIP LOCKED`, so concurrent claimers take
    disjoint rows without waiting for each other. SQLite has one writer at a time: the ready rows,
    then a compare-and-set per row (`claim`), as safe across processes."""
    if session.get_bind().dialect.name != "postgresql":
        return [row.id for row in due(session, now=now, limit=limit, skip=skip)
                if claim(session, row, worker=worker, now=now, lease=lease)]
    picked = (select(OutboxMessage.id).where(_ready(now), *_not_in(skip))
              .order_by(OutboxMessage.due_at, OutboxMessage.id)
              .limit(limit).with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED"))
    claimed = session.execute(  # (an `IN (subquery)` may be run again per row and claim more than `limit`)
        update(OutboxMessage).where(OutboxMessage.id == picked.c.id)
        .values(status=SENDING, claimed_by=worker, claimed_until=now + lease, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id, OutboxMessage.due_at)).all()
    return [row_id for row_id, _ in sorted(claimed, key=lambda r: (r[1], r[0]))]


def release(session: Session, *, row_id: int, worker: str, due_at: datetime, error: str | None = None,
            channel: str | None = None, unsure: tuple[datetime | None, str | None] | None = None) -> None:
    """Give a claimed row back, due at `due_at`, without spending an attempt: Slack did nothing with it
    (a 429 refuses before acting, or this worker held it back for pacing). `unsure`: the earlier post that
    may still have landed and where its lookup goes on (`attempted_at`, `lookup_cursor`), when it changed."""
    values = dict(status=PENDING, due_at=due_at, claimed_by=None, claimed_until=None,
                  attempts=OutboxMessage.attempts - 1)
    if unsure is not None:
        values["attempted_at"], values["lookup_cursor"] = unsure
    if error is not None:
        values["last_error"] = error[:500]
    if channel is not None:
        values["channel"] = channel
    session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.claimed_by == worker)
                    .values(**values))


def hold(session: Session, *, workspace_id: int, until: datetime, kinds: tuple[str, ...] | None = None,
         spacing: timedelta = timedelta(0)) -> datetime:
    """Slack rate-limits this workspace: its pending rows (of these kinds) wait, for every delivery process —
    the first until `until`, each next one `spacing` later (Slack's pace), so they do not all ask again at
    once. Other workspaces' rows are untouched. Returns when the slot after the last of them begins."""
    query = select(OutboxMessage.id, OutboxMessage.due_at).where(
        OutboxMessage.workspace_id == workspace_id, OutboxMessage.status == PENDING,
        OutboxMessage.due_at < until + spacing * 1000)
    if kinds is not None:
        query = query.where(OutboxMessage.kind.in_(kinds))
    rows = session.execute(query.order_by(OutboxMessage.due_at, OutboxMessage.id)).all()
    moves = [{"id": row_id, "due_at": until + spacing * n} for n, (row_id, due_at) in enumerate(rows)
             if due_at < until + spacing * n]
    if moves:
        session.execute(update(OutboxMessage), moves)  # (bulk UPDATE by primary key)
    return until + spacing * len(rows)


def next_due(session: Session) -> datetime | None:
    """When the next pending row falls due (for the worker's sleep)."""
    query = select(OutboxMessage.due_at).where(OutboxMessage.status == PENDING).order_by(OutboxMessage.due_at)
    return session.execute(query.limit(1)).scalars().first()


def claim(session: Session, row: OutboxMessage, *, worker: str, now: datetime, lease: timedelta) -> bool:
    """Take a row for delivery; False when another worker got it first. (The worker marks `attempted_at`
    once it passes its pacing checks: from then on a post of it may be in Slack until an answer settles it.)"""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id, OutboxMessage.generation == row.generation,
               or_((OutboxMessage.status == PENDING) & (OutboxMessage.due_at <= now),
                   (OutboxMessage.status == SENDING) & (OutboxMessage.claimed_until < now)))
        .values(status=SENDING, claimed_by=worker, claimed_until=now + lease, attempts=OutboxMessage.attempts + 1)
    )
    return result.rowcount == 1


def attempting(session: Session, *, row_id: int, worker: str, now: datetime) -> None:
    """A post is about to be made (first, or after the lookup found no earlier one): it may land from `now` on."""
    session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.claimed_by == worker)
                    .values(attempted_at=now, lookup_cursor=None))


def finish(session: Session, *, row_id: int, generation: int, worker: str, now: datetime,
           channel: str | None = None, ts: str | None = None) -> None:
    """Delivered. If the content changed meanwhile (newer generation), deliver again."""
    values = dict(sent_at=now, claimed_by=None, claimed_until=None, last_error=None, attempted_at=None,
                  lookup_cursor=None)
    if channel:
        values.update(channel=channel, ts=ts)
    mine = (OutboxMessage.id == row_id) & (OutboxMessage.claimed_by == worker)
    done = session.execute(update(OutboxMessage).where(mine, OutboxMessage.generation == generation)
                           .values(status=SENT, **values))
    if done.rowcount == 0:
        session.execute(update(OutboxMessage).where(mine).values(status=PENDING, due_at=now, attempts=0, **values))


def retry(session: Session, *, row_id: int, worker: str, due_at: datetime, error: str,
          attempted_at: datetime | None = None, lookup_cursor: str | None = None, spent: bool = True) -> None:
    """Not delivered this time; try again at `due_at`. `attempted_at`: a post that may have landed
    (None when Slack's answer said none did); `spent=False` gives the attempt back (a lookup page)."""
    session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.claimed_by == worker)
                    .values(status=PENDING, due_at=due_at, claimed_by=None, claimed_until=None,
                            last_error=error[:500], attempted_at=attempted_at, lookup_cursor=lookup_cursor,
                            attempts=OutboxMessage.attempts - (0 if spent else 1)))


def fail(session: Session, *, row_id: int, worker: str, error: str) -> None:
    """Given up: the retry budget is spent or Slack refused for good. Users are told."""
    session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.claimed_by == worker)
                    .values(status=FAILED, claimed_by=None, claimed_until=None, last_error=error[:500]))


def failed(session: Session, *, workspace_id: int, kinds: tuple[str, ...]) -> list[OutboxMessage]:
    """Messages that never reached Slack, to show to users."""
    query = select(OutboxMessage).where(OutboxMessage.workspace_id == workspace_id, OutboxMessage.status == FAILED,
                                        OutboxMessage.kind.in_(kinds))
    return list(session.execute(query.order_by(OutboxMessage.id)).scalars())


def message(session: Session, *, key: str) -> OutboxMessage | None:
    """The outbox row with this key."""
    return session.execute(select(OutboxMessage).where(OutboxMessage.key == key)).scalars().first()
