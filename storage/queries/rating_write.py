"""Saving one partner's rating: the hot path behind `/lage <område> <1-5>`.

One call stores the rating (the last one wins; a report without a comment may keep the cell's
comment), appends the audit row (none when the report repeats what the cell holds, by the same
person: a retried request or a form sent twice), and returns what the reply and the summary need:
the value it replaced, the area-week's fastställd value, the highest rating of the other active
partners, whether a critical event counts, and the state of the week's summary.

PostgreSQL does it in one statement (one round trip): the old row is locked in a CTE that the
INSERT reads first, so two reports on the same cell wait for each other and each audits the value
it really replaced. When the cell was empty in the statement's snapshot but another report created
it before our INSERT, the INSERT writes nothing (there was no old row to lock and audit) and the
statement runs again on a new snapshot, which sees that row and locks it. SQLite runs in the process, where a statement costs no round trip but each one
costs Python time: the audit insert (reading the old value) returns what the reply needs, then the
upsert follows, under the writer lock of `storage.db.session_scope`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlmodel import Session

from storage.types import UTCDateTime

CELL = "area_id = :area_id AND partner_id = :partner_id AND iso_year = :year AND iso_week = :week"

FACTS = """
    (SELECT level FROM agreedlevel
     WHERE area_id = :area_id AND iso_year = :year AND iso_week = :week) AS agreed,
    (SELECT max(r.level) FROM rating r JOIN partner p ON p.id = r.partner_id
     WHERE r.area_id = :area_id AND r.iso_year = :year AND r.iso_week = :week
       AND r.partner_id <> :partner_id AND p.retired_at IS NULL) AS others_highest,
    (SELECT count(*) FROM event
     WHERE area_id = :area_id AND iso_year = :year AND iso_week = :week
       AND critical AND withdrawn_at IS NULL) AS critical,
    (SELECT status FROM outboxmessage WHERE key = :summary_key) AS summary_status"""

# The audit text of the old value, as `describe` writes it: "3" or "3 – comment".
OLD_TEXT = ("CASE WHEN COALESCE(comment, '') = '' THEN CAST(level AS TEXT) "
            "ELSE CAST(level AS TEXT) || ' – ' || comment END")

# The audit text of the new value when the report kept the cell's comment: "2 – comment" (NULL without one).
KEPT_TEXT = "CAST(:level AS TEXT) || ' – ' || comment"
KEEPS = ":keep_comment AND COALESCE(comment, '') <> ''"

# A report that repeats the cell exactly (a retried request, a form sent twice) changes nothing: no audit row.
# A report that keeps the comment repeats the cell when level and reporter are the same.
SAME = ("level = :level AND (:keep_comment OR COALESCE(comment, '') = COALESCE(:comment, '')) "
        "AND reported_by = :user_id")

# The two inserts as both databases run them; `{old}` is where the audit row's old value comes from and
# `{kept}` the new value when the report kept the comment.
AUDIT_ROW = """
    INSERT INTO auditentry (workspace_id, at, actor, action, subject, iso_year, iso_week, old_value, new_value)
    SELECT :workspace_id, :now, :user_id, 'rating.set', :subject, :year, :week, (SELECT {old}),
           COALESCE((SELECT {kept}), :new_value)"""
RATING_ROW = """
    INSERT INTO rating (workspace_id, area_id, partner_id, iso_year, iso_week, level, comment, reported_by,
                        reported_at)
    SELECT :workspace_id, :area_id, :partner_id, :year, :week, :level, :comment, :user_id, :now"""
LAST_ONE_WINS = """
    ON CONFLICT (area_id, partner_id, iso_year, iso_week) DO UPDATE
    SET level = excluded.level, reported_by = excluded.reported_by,
        comment = CASE WHEN :keep_comment THEN rating.comment ELSE excluded.comment END,
        reported_at = excluded.reported_at"""

# SQLite: the audit row first (its old value read from the cell), returning the cell and the facts;
# the upsert follows in the same transaction.
SQLITE_CELL_AND_FACTS = f"""(SELECT level FROM rating WHERE {CELL}) AS level,
          (SELECT comment FROM rating WHERE {CELL}) AS comment,
          (SELECT reported_by FROM rating WHERE {CELL}) AS reported_by, {FACTS}"""
SQLITE_AUDIT = AUDIT_ROW.format(old=f"{OLD_TEXT} FROM rating WHERE {CELL}",
                                kept=f"{KEPT_TEXT} FROM rating WHERE {CELL} AND {KEEPS}") + f"""
WHERE NOT EXISTS (SELECT 1 FROM rating WHERE {CELL} AND {SAME})
RETURNING {SQLITE_CELL_AND_FACTS}"""
SQLITE_REPEAT = f"SELECT {SQLITE_CELL_AND_FACTS}"  # the same answer when the audit row was not written

SQLITE_UPSERT = f"{RATING_ROW} WHERE true {LAST_ONE_WINS}"  # SQLite needs a WHERE before ON CONFLICT

POSTGRES_WRITE = f"""
WITH old AS (
    SELECT level, comment, reported_by FROM rating WHERE {CELL} FOR UPDATE
), saved AS ({RATING_ROW}
    FROM (SELECT count(*) FROM old) AS old_locked_first {LAST_ONE_WINS}
    WHERE EXISTS (SELECT 1 FROM old)  -- else the row came after our snapshot: nothing written, try again
    RETURNING 1
), audited AS ({AUDIT_ROW.format(old=f"{OLD_TEXT} FROM old", kept=f"{KEPT_TEXT} FROM old WHERE {KEEPS}")}
    FROM saved WHERE NOT EXISTS (SELECT 1 FROM old WHERE {SAME})
    RETURNING 1
)
SELECT old.level, old.comment, old.reported_by, {FACTS}, (SELECT count(*) FROM saved) AS written
FROM (SELECT 1) AS one LEFT JOIN old ON true"""


@dataclass(frozen=True)
class Previous:
    """What a cell held before it was replaced."""

    level: int
    comment: str | None
    by: str


@dataclass(frozen=True)
class Saved:
    """What a save replaced and what the area-week holds besides it."""

    previous: Previous | None
    agreed: int | None  # the fastställd value
    others_highest: int | None  # the highest rating of the other active partners
    critical: bool  # a critical event that was not withdrawn
    summary_status: str | None  # the outbox status of the week's summary post; None when not queued
    comment: str | None = None  # the comment the cell holds now (kept or new)


@functools.cache
def _postgres_write():
    return text(POSTGRES_WRITE).bindparams(bindparam("now", type_=UTCDateTime()))


@functools.cache
def _sqlite_time(dialect):
    """How SQLAlchemy stores a UTC datetime on this dialect, so rows written here read back alike."""
    return UTCDateTime().dialect_impl(dialect).bind_processor(dialect)


def save_rating(
    session: Session,
    *,
    workspace_id: int,
    area,
    partner,
    year: int,
    week: int,
    level: int,
    comment: str | None,
    user_id: str,
    now: datetime,
    summary_key: str | None = None,
    keep_comment: bool = False,
) -> Saved:
    """Store a partner's rating for an area-week (the last one wins), audit it, and return `Saved`.

    `area` and `partner` need `id` and `name`; `summary_key` is the outbox key of the week's summary.
    With `keep_comment` the cell keeps the comment it has (anyone's), whatever `comment` says: a report
    without a comment must not delete one."""
    values = dict(area_id=area.id, partner_id=partner.id, year=year, week=week, summary_key=summary_key,
                  workspace_id=workspace_id, level=level, comment=None if keep_comment else comment,
                  keep_comment=keep_comment, user_id=user_id, now=now,
                  subject=f"{area.name} / {partner.name}"[:200],
                  new_value=describe(level, None if keep_comment else comment))
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        for _attempt in range(3):
            row = connection.execute(_postgres_write(), values).one()
            if row.written == 1:
                break
        else:
            raise RuntimeError("the cell kept changing under a report; nothing was saved")
    else:  # sent as written (pysqlite takes :name parameters), skipping SQLAlchemy's compile step
        values["now"] = _sqlite_time(connection.dialect)(now)
        row = connection.exec_driver_sql(SQLITE_AUDIT, values).first()
        if row is None:  # a repeat: the cell already holds exactly this, so it is read, not written again
            row = connection.exec_driver_sql(SQLITE_REPEAT, values).one()
        else:
            connection.exec_driver_sql(SQLITE_UPSERT, values)
    previous = None if row.level is None else Previous(row.level, row.comment, row.reported_by)
    stored = (previous.comment if previous else None) if keep_comment else comment
    return Saved(previous, row.agreed, row.others_highest, bool(row.critical), row.summary_status, stored or None)


def repeats(saved: Saved, level: int, comment: str | None, user_id: str, *, keep_comment: bool = False) -> bool:
    """The save found exactly this report in the cell already (so it wrote no audit row)."""
    old = saved.previous
    same_comment = keep_comment or (old is not None and (old.comment or "") == (comment or ""))
    return old is not None and (old.level, old.by) == (level, user_id) and same_comment


def describe(level: int, comment: str | None) -> str:
    """A rating as the audit log writes it: "3" or "3 – comment"."""
    return f"{level} – {comment}" if comment else str(level)
