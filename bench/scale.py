"""scale (PostgreSQL): the week grid and the year table of one collaboration among ~10 million ratings,
against the same collaboration alone in a database of its own; with the query plans.

Filled in SQL (INSERT … SELECT over generate_series), year by year; rows go in week by week, shuffled inside
each week as reports from 300 collaborations would interleave, so one collaboration's week is spread over the
pages of that week (the unkind layout) rather than packed together.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from bench.common import AREAS, PARTNERS, Result, percentile, pg_available, pg_database, repeat
from bench.common import ms as fmt

FULL = (300, 3)  # workspaces, years: 300 × 20 areas × 10 partners × 52 weeks × 3 years = 9.36 M ratings
QUICK = (100, 1)  # 1.04 M
LAST_YEAR = 2025
GRID_WEEK = 30
TARGET_RATIO = 2.0
BIG_TABLES = ("rating", "agreedlevel", "event")

RATINGS = """
INSERT INTO rating (workspace_id, area_id, partner_id, iso_year, iso_week, level, comment, reported_by, reported_at)
SELECT a.workspace_id, a.id, p.id, :year, w.n, 1 + (a.id * 7 + p.id * 13 + w.n * 17 + :year) % 5,
       CASE WHEN (a.id + p.id + w.n) % 11 = 0 THEN 'Lugnt kring centrum, oro vid skolan' END, 'U0BENCH',
       make_timestamptz(:year, 1, 4, 9, 0, 0, 'UTC') + (w.n - 1) * interval '7 days'
FROM generate_series(1, 52) AS w(n)
CROSS JOIN area a
JOIN partner p ON p.workspace_id = a.workspace_id
ORDER BY w.n, (a.id * 2654435761 + p.id * 40503) % 4294967291
"""
AGREED = """
INSERT INTO agreedlevel (workspace_id, area_id, iso_year, iso_week, level, set_by, set_at)
SELECT a.workspace_id, a.id, :year, w.n, 1 + (a.id * 3 + w.n * 5 + :year) % 5, 'U0COORD',
       make_timestamptz(:year, 1, 5, 10, 0, 0, 'UTC') + (w.n - 1) * interval '7 days'
FROM generate_series(1, 52) AS w(n)
CROSS JOIN area a
ORDER BY w.n, (a.id * 2654435761) % 4294967291
"""
EVENTS = """
INSERT INTO event (workspace_id, area_id, type_key, critical, occurred_at, iso_year, iso_week, description,
                   reported_by, reported_at)
SELECT a.workspace_id, a.id, CASE WHEN w.n % 8 = 0 THEN 'skjutning' ELSE 'stenkastning' END, w.n % 8 = 0,
       make_timestamptz(:year, 1, 3, 22, 0, 0, 'UTC') + (w.n - 1) * interval '7 days', :year, w.n,
       'Syntetisk händelse', 'U0BENCH', make_timestamptz(:year, 1, 3, 22, 30, 0, 'UTC') + (w.n - 1) * interval '7 days'
FROM generate_series(1, 52) AS w(n)
JOIN area a ON a.position = w.n % 20
WHERE w.n % 4 = 0
"""


def fill(url: str, workspaces: int, years: int) -> tuple[int, float, int]:
    """Migrate and fill; returns (the collaboration to measure, seconds spent, ratings stored)."""
    from sqlalchemy import func, select, text

    from storage import migrate
    from storage.db import make_engine, session_scope
    from storage.models import Area, Partner, Rating, Workspace

    start = time.perf_counter()
    engine = make_engine(url)
    migrate.upgrade(engine)
    now = datetime(LAST_YEAR - years, 12, 1, tzinfo=UTC)
    with session_scope(engine) as session:  # the small tables through the models, so their defaults apply
        rows = [Workspace(key=f"T{n:06d}", summary_channel="C0SUMMARY", alert_channel="C0ALERTS", created_at=now)
                for n in range(workspaces)]
        session.add_all(rows)
        session.flush()
        session.add_all([Area(workspace_id=w.id, name=name, position=i) for w in rows
                         for i, name in enumerate(AREAS[:20])])
        session.add_all([Partner(workspace_id=w.id, name=name, position=i) for w in rows
                         for i, name in enumerate(PARTNERS)])
        target = rows[len(rows) // 2].id
    for year in range(LAST_YEAR - years + 1, LAST_YEAR + 1):
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL synchronous_commit = off"))
            connection.execute(text("SET LOCAL work_mem = '256MB'"))
            for statement in (RATINGS, AGREED, EVENTS):
                connection.execute(text(statement), {"year": year})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    with engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(Rating)).scalar_one()
    engine.dispose()
    return target, time.perf_counter() - start, stored


def statements(engine, action) -> list[tuple[str, object]]:
    """The SQL (with parameters) an action sends."""
    from sqlalchemy import event

    sent = []

    def grab(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    return sent


def explain(engine, statement: str, parameters) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of one statement as sent."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
    return "\n".join(row[0] for row in rows)


def timings(url: str, workspace: int, count: int, *, plans: bool) -> dict:
    """p50 of build_grid and build_year_table on one database, and the plans of the queries they send."""
    from commands.core.weeks import Week
    from commands.rating.week_grid import build_grid
    from commands.year.table import build_year_table
    from storage.db import make_engine, session_scope

    engine = make_engine(url)

    def grid() -> None:
        with session_scope(engine) as session:
            build_grid(session, workspace_id=workspace, week=Week(LAST_YEAR, GRID_WEEK))

    def year() -> None:
        with session_scope(engine) as session:
            table = build_year_table(session, workspace_id=workspace, year=LAST_YEAR)
        assert len(table.values) == 20 * 52, len(table.values)

    out: dict = {}
    for name, action in (("grid", grid), ("year", year)):
        out[name] = percentile(repeat(action, count, warmup=3), 50)
        if plans:
            out[f"{name}-plans"] = [(sql, explain(engine, sql, params)) for sql, params in statements(engine, action)
                                    if re.search(r"\bFROM (rating|agreedlevel|event)\b", sql)]
    engine.dispose()
    return out


def seq_scans(plans: list[tuple[str, str]]) -> list[str]:
    """`Seq Scan on <big table>` lines anywhere in the plans."""
    return [line.strip() for _, plan in plans for line in plan.splitlines()
            if re.search(rf"Seq Scan on ({'|'.join(BIG_TABLES)})\b", line)]


def show(title: str, plans: list[tuple[str, str]], table: str) -> None:
    """Print the plan of the query on `table`."""
    for sql, plan in plans:
        if re.search(rf"\bFROM {table}\b", sql):
            print(f"\n--- {title} ---\n{' '.join(sql.split())}\n{plan}", flush=True)


def run(quick: bool = False) -> list[Result]:
    """Fill a big and a small database, time both, print the plans, drop both."""
    problem = pg_available()
    if problem:
        return [Result("scale", "PostgreSQL", "not available", note=problem)]
    workspaces, years = QUICK if quick else FULL
    count = 10 if quick else 30
    with pg_database("scale_big") as big_url, pg_database("scale_small") as small_url:
        big_target, seconds, stored = fill(big_url, workspaces, years)
        small_target, _, small_stored = fill(small_url, 1, years)
        big = timings(big_url, big_target, count, plans=True)
        small = timings(small_url, small_target, count, plans=False)
    show("week query (ratings of one week and the one before, one collaboration)", big["grid-plans"], "rating")
    show("year query (ratings of one year, one collaboration)", big["year-plans"], "rating")
    scans = seq_scans(big["grid-plans"] + big["year-plans"])
    ratio = {name: big[name] / small[name] for name in ("grid", "year")}
    size = f"{workspaces} workspaces × 20 areas × 10 partners × 52 weeks × {years} years"
    return [
        Result("scale", "fill (SQL generate_series, VACUUM ANALYZE)", f"{stored / 1e6:.2f} M ratings",
               note=f"{size} in {seconds:.0f} s; the small database: 1 workspace, {small_stored} ratings"),
        Result("scale", "week grid (build_grid) p50", fmt(big["grid"]), fmt(small["grid"]), f"≤ {TARGET_RATIO}× floor",
               ratio["grid"] <= TARGET_RATIO, f"{ratio['grid']:.2f}×"),
        Result("scale", "year table (build_year_table) p50", fmt(big["year"]), fmt(small["year"]),
               f"≤ {TARGET_RATIO}× floor", ratio["year"] <= TARGET_RATIO, f"{ratio['year']:.2f}×"),
        Result("scale", "seq scans on rating/agreedlevel/event", str(len(scans)), target="0", ok=not scans,
               note="; ".join(scans[:3])),
    ]
