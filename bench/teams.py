"""teams: an activity's round trip — a signed `lage Vällingby 2` POSTed to /api/messages until the reply has
reached the fake connector — through our Teams app vs a bare Teams SDK app on the same fake that replies with a
fixed text (the floor). Both validate the token (the SDK's own check) and get the bot token from the fake."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Result, percentile
from bench.common import ms as fmt

TARGET_RATIO = 1.5
WARMUP = 50


def floor_app(settings):
    """The least a Teams bot can do: the SDK app with our cloud and token source, a fixed reply."""
    from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
    from microsoft_teams.apps import ActivityContext, App

    from bot.teams.token import ClientCredentialsToken

    app = App(client_id=settings.client_id, tenant_id=settings.tenant_id, token=ClientCredentialsToken(settings),
              cloud=with_overrides(PUBLIC, openid_metadata_url=settings.openid_metadata_url),
              dangerously_allow_unauthenticated_requests=False, telemetry={"agent365": False})

    @app.on_message
    async def on_message(ctx: ActivityContext) -> None:
        await ctx.send("Sparat")

    return app


def round_trips(harness, count: int, text: str) -> list[float]:
    """Seconds from sending each signed activity until its reply was recorded by the fake connector."""
    activities = []
    for n in range(count + WARMUP):
        activity = harness.activity(text=f"lage Vällingby {2 + n % 2}")  # every report changes the cell
        activities.append((activity, harness.fake.token_for(service_url=activity["serviceUrl"])))
    samples = []
    for n, (activity, token) in enumerate(activities):
        before = len(harness.fake.sent)
        start = time.perf_counter()
        answer = harness.http.post("/api/messages", json=activity, headers={"Authorization": f"Bearer {token}"})
        elapsed = time.perf_counter() - start
        if answer.status_code not in (200, 201) or len(harness.fake.sent) != before + 1 or \
                text not in harness.fake.sent[-1].text() + str(harness.fake.sent[-1].body.get("text")):
            raise RuntimeError(f"unexpected answer {answer.status_code}: {harness.fake.sent[-1:]}")
        if n >= WARMUP:
            samples.append(elapsed)
    return samples


def run(quick: bool = False) -> list[Result]:
    """SQLite: our app and the floor, one after the other in the same run."""
    from commands.setup.file import parse_setup
    from commands.setup.sync import sync_setup
    from storage import migrate
    from storage.db import make_engine, session_scope
    from tests.teams.teams_harness import TEAMS_SETUP_TOML, TeamsHarness

    count = 200 if quick else 1000
    with tempfile.TemporaryDirectory(prefix="vl-bench-teams-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        migrate.upgrade(engine)
        with session_scope(engine) as session:
            sync_setup(session, parse_setup(TEAMS_SETUP_TOML), now=datetime.now(UTC))
        floor = TeamsHarness(engine, lambda: datetime.now(UTC), build=floor_app)
        try:
            floor_samples = round_trips(floor, count, "Sparat")
        finally:
            floor.close()
        ours = TeamsHarness(engine, lambda: datetime.now(UTC))
        try:
            our_samples = round_trips(ours, count, "Sparat: Vällingby")
        finally:
            ours.close()
        engine.dispose()
    p50, floor50 = percentile(our_samples, 50), percentile(floor_samples, 50)
    ratio = p50 / floor50
    return [Result("teams", "round trip p50 (SQLite)", fmt(p50), fmt(floor50), f"≤ {TARGET_RATIO}× floor",
                   ok=ratio <= TARGET_RATIO, note=f"{ratio:.2f}× the bare SDK app; {count} activities"),
            Result("teams", "round trip p99 (SQLite)", fmt(percentile(our_samples, 99)),
                   fmt(percentile(floor_samples, 99)), note="informational")]
