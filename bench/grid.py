"""grid: `/veckolage` (dispatch + Block Kit) and the web week page on 20 areas × 10 partners with a year of
history; the year table; the PNG."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import (
    COORDINATOR,
    Result,
    database,
    on_both_backends,
    percentile,
    repeat,
    setup_toml,
)
from bench.common import ms as fmt

AREAS, PARTNERS, WEEKS = 20, 10, 52
YEAR = 2025  # 52 ISO weeks; "now" is its last Sunday, so the grid shows week 52 and the year is complete
NOW = datetime(2025, 12, 28, 12, 0, tzinfo=UTC)
TARGETS = {"grid": 0.010, "year": 0.050, "png": 1.0, "web": 0.010}


def fill(engine) -> int:
    """The collaboration and a year of history: every (area, partner, week) rated, most weeks fastställda,
    a comment on every seventh cell, an event most weeks (a quarter of them critical). Returns the workspace id."""
    from sqlalchemy import insert

    from commands.setup.file import parse_setup
    from commands.setup.sync import sync_setup
    from storage import queries
    from storage.db import session_scope
    from storage.models import AgreedLevel, Event, Rating

    with session_scope(engine) as session:
        workspace = sync_setup(session, parse_setup(setup_toml(AREAS, PARTNERS, 2)), now=NOW).workspace_id
        areas = [a.id for a in queries.active_areas(session, workspace_id=workspace)]
        partners = [p.id for p in queries.active_partners(session, workspace_id=workspace)]
    ratings, agreed, events = [], [], []
    for week in range(1, WEEKS + 1):
        at = datetime.fromisocalendar(YEAR, week, 1).replace(hour=9, tzinfo=UTC)
        for i, area in enumerate(areas):
            for j, partner in enumerate(partners):
                n = week * 31 + i * 7 + j * 3
                ratings.append(dict(workspace_id=workspace, area_id=area, partner_id=partner, iso_year=YEAR,
                                    iso_week=week, level=1 + n % 5, reported_by="U0P00M000", reported_at=at,
                                    comment=f"Kommentar {n} om läget <i> & kring torget" if n % 7 == 0 else None))
            if week < WEEKS:
                agreed.append(dict(workspace_id=workspace, area_id=area, iso_year=YEAR, iso_week=week,
                                   level=1 + (week + i) % 5, set_by=COORDINATOR, set_at=at))
        if week % 4:
            critical = week % 4 == 1
            events.append(dict(workspace_id=workspace, area_id=areas[week % AREAS], partner_id=partners[0],
                               type_key="skjutning" if critical else "stenkastning", critical=critical,
                               occurred_at=at - timedelta(days=1), iso_year=YEAR, iso_week=week,
                               description="Beskrivning av händelsen", reported_by="U0P00M000", reported_at=at))
    with session_scope(engine) as session:
        session.execute(insert(Rating), ratings)
        session.execute(insert(AgreedLevel), agreed)
        session.execute(insert(Event), events)
    return workspace


def measure(backend: str, quick: bool, workdir: Path) -> list[Result]:
    """Time the grid, the year table and (if it exists) the picture on one backend."""
    from bot.slack.blocks import render
    from commands.core.context import Invocation
    from commands.core.reply import WeekGrid
    from commands.registry import dispatch
    from commands.year.export import year_csv
    from commands.year.table import build_year_table
    from storage import migrate
    from storage.db import make_engine, session_scope

    label = "SQLite" if backend == "sqlite" else "PostgreSQL"
    results = []
    with database(backend, "grid", workdir) as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        workspace = fill(engine)
        invocation = Invocation(workspace, COORDINATOR, NOW, "C0BENCH")

        def grid() -> None:
            with session_scope(engine) as session:
                reply = dispatch("veckolage", "", invocation, session)
            assert isinstance(reply, WeekGrid) and len(reply.rows) == AREAS, reply
            render(reply)

        def year() -> str:
            with session_scope(engine) as session:
                table = build_year_table(session, workspace_id=workspace, year=YEAR)
            return year_csv(table)

        samples = repeat(grid, 50 if quick else 300)
        results.append(Result("grid", f"{label}: /veckolage p50 (dispatch + render)", fmt(percentile(samples, 50)),
                              target="≤ 10 ms", ok=percentile(samples, 50) <= TARGETS["grid"],
                              note=f"p99 {fmt(percentile(samples, 99))}, {len(samples)} runs"))
        samples = repeat(web_week_page(engine, workspace), 50 if quick else 300)
        results.append(Result("grid", f"{label}: web week page p50 (server time, signed in)",
                              fmt(percentile(samples, 50)), target="≤ 10 ms",
                              ok=percentile(samples, 50) <= TARGETS["web"],
                              note=f"p99 {fmt(percentile(samples, 99))}, {len(samples)} runs"))
        samples = repeat(year, 20 if quick else 100)
        results.append(Result("grid", f"{label}: year table + CSV p50", fmt(percentile(samples, 50)),
                              target="≤ 50 ms", ok=percentile(samples, 50) <= TARGETS["year"],
                              note=f"p99 {fmt(percentile(samples, 99))}, {len(samples)} runs"))
        if backend == "sqlite":
            results += picture(engine, workspace, quick)
        engine.dispose()
    return results


def web_week_page(engine, workspace: int):
    """One GET of /storbild/ (the week under assessment) through the web view's WSGI app, as a signed-in
    coordinator: cookie check, roles, the grid, the banner, the HTML. No network: the server's own time."""
    import io

    from bot.web.access import SESSION_COOKIE, new_session
    from bot.web.app import WebConfig, make_web_app

    secret = "bench-web-secret-0123456789abcdefghijkl"
    app = make_web_app(WebConfig(secret, None, None), engine, lambda: NOW)
    cookie = new_session(secret, workspace_id=workspace, user_id=COORDINATOR, now=NOW)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/storbild/", "QUERY_STRING": "", "HTTP_HOST": "127.0.0.1",
               "HTTP_COOKIE": f"{SESSION_COOKIE}={cookie}", "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http"}
    answers = []

    def get() -> None:
        body = b"".join(app(dict(environ), lambda status, headers: answers.append(status)))
        assert answers[-1] == "200 OK" and b'data-area="' in body, answers[-1]

    return get


def picture(engine, workspace: int, quick: bool) -> list[Result]:
    """The year PNG: the first call (matplotlib imported and warmed) and the steady p50."""
    from commands.year.table import build_year_table
    from storage.db import session_scope

    try:
        from bot.files.year_picture import year_png
    except ImportError as error:
        return [Result("grid", "year PNG", "not available", target="≤ 1 s", note=f"import failed: {error}")]
    with session_scope(engine) as session:
        table = build_year_table(session, workspace_id=workspace, year=YEAR)
    start = time.perf_counter()
    first = year_png(table)
    cold = time.perf_counter() - start
    samples = repeat(lambda: year_png(table), 3 if quick else 10, warmup=1)
    return [
        Result("grid", "year PNG, first call (imports matplotlib)", fmt(cold), target="≤ 1 s", ok=cold <= 1.0,
               note=f"{len(first) // 1024} KiB"),
        Result("grid", "year PNG p50", fmt(percentile(samples, 50)), target="≤ 1 s",
               ok=percentile(samples, 50) <= TARGETS["png"], note=f"{len(samples)} runs"),
    ]


def run(quick: bool = False) -> list[Result]:
    """SQLite, then PostgreSQL when it answers."""
    return on_both_backends("grid", measure, quick)
