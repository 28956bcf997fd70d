"""The homeserver answers 429 M_LIMIT_EXCEEDED: the outbox waits its retry_after_ms without spending an
attempt, holds the workspace's other rows, and delivers once the homeserver lets it."""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import timedelta

import pytest
from nio import AsyncClient
from sqlalchemy import select

from bot.matrix.calls import Bridge
from bot.matrix.delivery import MatrixDeliverer
from bot.matrix.service import client_config
from storage.db import session_scope
from storage.models import OutboxMessage
from tests.conftest import NOW
from tests.matrix.element import Element


@pytest.fixture
def slow_bot(synapse, accounts, world):
    """A second bot account in the alert room, allowed one message at a time by the homeserver."""
    user, token = synapse.register(f"langsam-{uuid.uuid4().hex[:8]}")
    admin = synapse.register(f"admin-{uuid.uuid4().hex[:8]}", admin=True)[1]
    limit = f"/_synapse/admin/v1/users/{user}/override_ratelimit"
    world.people["anna"].run(world.people["anna"].client.room_invite(world.alerts, user))
    Element(synapse.url, user, token).join(world.alerts)
    synapse._call("POST", limit, {"messages_per_second": 1, "burst_count": 1}, token=admin)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    client = AsyncClient(synapse.url, user, config=client_config())
    client.access_token, client.user_id = token, user
    yield user, Bridge(client, loop), lambda: synapse._call("POST", limit, {"messages_per_second": 0,
                                                                               "burst_count": 0}, token=admin)
    asyncio.run_coroutine_threadsafe(client.close(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def test_the_outbox_waits_out_m_limit_exceeded(world, slow_bot) -> None:
    user, bridge, lift = slow_bot
    world.ask("per", "!handelse Vällingby skjutning 12:30 skott")
    world.ask("per", "!handelse Råby sprängning 12:40")
    deliverer = MatrixDeliverer(world.engine, bridge, clock=world.clock)
    deliverer.run_once(NOW)  # two posts at once: the second at the latest is refused (one a second)
    with session_scope(world.engine) as session:
        rows = session.execute(select(OutboxMessage).where(OutboxMessage.kind == "alert.post")
                               .order_by(OutboxMessage.id)).scalars().all()
        sent = [r for r in rows if r.status == "sent"]
        waiting = [r for r in rows if r.status == "pending"]
        assert waiting and all(r.attempts == 0 for r in waiting)  # the refusal spent no attempt
        assert "M_LIMIT_EXCEEDED" in waiting[0].last_error
        assert all(NOW < r.due_at <= NOW + timedelta(seconds=3) for r in waiting)  # retry_after_ms (≤ 1 s) and pace
    anna = world.people["anna"]
    assert len(anna.messages(world.alerts, user)) == len(sent)
    lift()  # the homeserver lets the bot post again
    assert deliverer.run_once(NOW + timedelta(seconds=5)) == len(waiting)
    bodies = [m["content"]["body"] for m in anna.messages(world.alerts, user)]
    assert len(bodies) == 2 and {"Skjutning i Vällingby", "Sprängning i Råby"} == {
        b.split("Kritisk händelse: ")[1].split("  ·")[0] for b in bodies}
