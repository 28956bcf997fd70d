"""A homeserver that does not answer: the outbox keeps the alert and tries again (a refused connection
landed nothing), the loop never stops, and nothing is lost."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

from nio import AsyncClient
from sqlalchemy import select

from bot.matrix.calls import Bridge
from bot.matrix.delivery import MatrixDeliverer
from bot.matrix.service import client_config
from storage.db import session_scope
from storage.models import OutboxMessage, Workspace
from tests.conftest import NOW
from tests.matrix.synapse_server import free_port


def test_an_unreachable_homeserver_costs_no_alert(chat) -> None:
    reply = chat("U0POL1", "/handelse Vällingby skjutning 12:30 skott")
    assert reply.tone == "ok"
    with session_scope(chat.engine) as session:  # the collaboration's rooms are on Matrix (its process takes it)
        workspace = session.execute(select(Workspace)).scalars().one()
        workspace.summary_channel, workspace.alert_channel = "!summary:test.local", "!alerts:test.local"
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    client = AsyncClient(f"http://127.0.0.1:{free_port()}", "@veckolage:test.local", config=client_config())
    client.access_token = "syt_token"
    try:
        deliverer = MatrixDeliverer(chat.engine, Bridge(client, loop), clock=lambda: NOW)
        assert deliverer.run_once(NOW) == 1
        with session_scope(chat.engine) as session:
            row = session.execute(select(OutboxMessage).where(OutboxMessage.kind == "alert.post")).scalars().one()
            assert (row.status, row.attempts) == ("pending", 1)
            assert row.last_error.startswith("ClientConnectorError: Cannot connect to host 127.0.0.1")
            assert NOW < row.due_at <= NOW + timedelta(seconds=10)  # back-off, tried again soon
    finally:
        asyncio.run_coroutine_threadsafe(client.close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
