"""matrix: a command's round trip through a real Synapse on 127.0.0.1 (the message sent, the answer seen by the
user's own client) for the Matrix adapter, against a floor in the same run: a bare matrix-nio bot on the same
homeserver that answers every message with a fixed text. Target: at most 1.5× the floor at p50."""

from __future__ import annotations

import asyncio
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Result, percentile
from bench.common import ms as fmt

TARGET_RATIO = 1.5


def _floor_bot(url: str, user: str, token: str) -> tuple[threading.Event, callable]:
    """A bare nio bot: answer every message with a fixed text, as a reply."""
    from nio import AsyncClient, RoomMessageText

    ready, loop, stop = threading.Event(), asyncio.new_event_loop(), None

    async def main() -> None:
        nonlocal stop
        stop = asyncio.Event()
        client = AsyncClient(url, user)
        client.access_token, client.user_id = token, user
        first = await client.sync(timeout=0, full_state=True)
        for room_id in first.rooms.invite:
            await client.join(room_id)

        async def answer(room, event) -> None:
            if event.sender != user:
                await client.room_send(room.room_id, "m.room.message", {
                    "msgtype": "m.notice", "body": "ok", "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}}})

        client.add_event_callback(answer, RoomMessageText)
        since = first.next_batch
        ready.set()
        while not stop.is_set():
            task = asyncio.ensure_future(client.sync(timeout=30000, since=since))
            stopped = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if task not in done:
                task.cancel()
                break
            stopped.cancel()
            since = task.result().next_batch
        await client.close()

    thread = threading.Thread(target=lambda: loop.run_until_complete(main()), daemon=True)
    thread.start()

    def halt() -> None:
        loop.call_soon_threadsafe(stop.set)
        thread.join(60)

    return ready, halt


def run(quick: bool = False) -> list[Result]:
    """Round trips of `!lage Vällingby 2|3` through the real bot and of any message through the floor bot."""
    from bot.matrix.service import Service
    from commands.setup.file import parse_setup
    from commands.setup.sync import sync_setup
    from storage import migrate
    from storage.db import make_engine, session_scope
    from tests.matrix.conftest import Clock, bot_settings, setup_toml, start_bot
    from tests.matrix.element import Element
    from tests.matrix.synapse_server import start

    count, warmup = (15, 3) if quick else (60, 5)
    with tempfile.TemporaryDirectory() as tmp:
        server = start(Path(tmp))
        try:
            accounts = {name: server.register(name) for name in ("veckolage", "floor", "anna", "per", "sara", "eve")}
            ids = {name: accounts[name][0] for name in ("anna", "per", "sara", "eve")}
            anna, per = Element(server.url, *accounts["anna"]), Element(server.url, *accounts["per"])
            room = anna.create_room(invite=(accounts["veckolage"][0], ids["per"]))
            floor_room = anna.create_room(invite=(accounts["floor"][0], ids["per"]))
            alerts = anna.create_room(invite=(accounts["veckolage"][0],))
            per.join(room)
            per.join(floor_room)
            engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
            migrate.upgrade(engine)
            with session_scope(engine) as session:
                sync_setup(session, parse_setup(setup_toml(ids, room, alerts)), now=datetime.now(UTC))
            service = Service(bot_settings(server, accounts["veckolage"], str(Path(tmp) / "store")), engine,
                              clock=Clock(datetime.now(UTC)), outbox=False)
            _, halt_bot = start_bot(service)
            floor_ready, halt_floor = _floor_bot(server.url, *accounts["floor"])
            assert floor_ready.wait(60)
            anna.joined(room, accounts["veckolage"][0])
            anna.joined(floor_room, accounts["floor"][0])

            def round_trip(target: str, bot: str, text: str) -> float:
                started = time.perf_counter()
                event = per.send(target, text)
                per.reply_to(target, event, bot)
                return time.perf_counter() - started

            real, floor = [], []
            for index in range(warmup + count):  # alternate, so both see the same load
                text = f"!lage Vällingby {2 + index % 2}"
                r = round_trip(room, accounts["veckolage"][0], text)
                f = round_trip(floor_room, accounts["floor"][0], text)
                if index >= warmup:
                    real.append(r)
                    floor.append(f)
            halt_bot()
            halt_floor()
            anna.close()
            per.close()
        finally:
            server.stop()
    ratio = percentile(real, 50) / percentile(floor, 50)
    return [
        Result("matrix", "round trip p50 (!lage through Synapse)", fmt(percentile(real, 50)),
               floor=fmt(percentile(floor, 50)), target=f"≤ {TARGET_RATIO}× floor", ok=ratio <= TARGET_RATIO,
               note=f"{ratio:.2f}× the bare nio bot; {count} each, alternating"),
        Result("matrix", "round trip p95", fmt(percentile(real, 95)), floor=fmt(percentile(floor, 95))),
    ]
