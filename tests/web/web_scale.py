"""The largest collaboration we design for on the web: 20 areas × 10 partners with long Swedish names,
comments in many cells, a missing partner, last week beside this week, an unacknowledged critical event."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from storage import queries
from storage.db import session_scope
from storage.models import AgreedLevel, Rating
from tests.conftest import NOW
from tests.fake_slack import FakeSlack
from tests.test_at_scale import AREAS, COMMENT, DESCRIPTION, setup_toml
from tests.web.web_harness import Clock, Site, start_site

COORD = "U0COORD"


def fill(engine: Engine) -> int:
    """Set up the collaboration and weeks 40–47 of 2026; the last partner has not reported week 47."""
    with session_scope(engine) as session:
        workspace = sync_setup(session, parse_setup(setup_toml()), now=NOW).workspace_id
        areas = [a.id for a in queries.active_areas(session, workspace_id=workspace)]
        partners = [p.id for p in queries.active_partners(session, workspace_id=workspace)]
    ratings, agreed = [], []
    for week in range(40, 48):
        at = datetime.fromisocalendar(2026, week, 2).replace(hour=9, tzinfo=NOW.tzinfo)
        for i, area in enumerate(areas):
            for j, partner in enumerate(partners):
                if week == 47 and (j == len(partners) - 1 or (i + j) % 9 == 0):
                    continue  # not reported
                n = week * 7 + i * 3 + j
                base = 1 + (week + i * 3) % 4  # the area's week; partners mostly within a level of it
                level = min(4, max(1, base + ((i + j) % 3 == 0) - ((j + week) % 4 == 0) + (j == 2 and i % 5 == 1)))
                ratings.append(dict(workspace_id=workspace, area_id=area, partner_id=partner, iso_year=2026,
                                    iso_week=week, level=level, reported_by="U0P00", reported_at=at,
                                    comment=COMMENT if n % 5 == 0 else None))
            if (week < 47 and i % 3) or (week == 47 and i % 4 == 1):
                agreed.append(dict(workspace_id=workspace, area_id=area, iso_year=2026, iso_week=week,
                                   level=1 + (week + i) % 4, set_by=COORD, set_at=at))
    with session_scope(engine) as session:
        session.execute(insert(Rating), ratings)
        session.execute(insert(AgreedLevel), agreed)
    return workspace


def report_shooting(chat) -> None:
    """A critical event nobody has acknowledged, with a long description."""
    description = DESCRIPTION.replace("\n", " ")[:450]
    chat("U0P01", f"/handelse v47 {AREAS[0]} skjutning 2026-11-21 22:15 {description}")


@pytest.fixture
def big_site(engine: Engine) -> Iterator[tuple[Site, int]]:
    """The 20 × 10 collaboration served over HTTP; yields (site, workspace id)."""
    workspace = fill(engine)
    with FakeSlack() as fake:
        site, server = start_site(engine, fake, Clock(NOW + timedelta(hours=1)))
        yield site, workspace
        server.shutdown()
        server.server_close()
