"""A restart: the bot keeps its sync position, so a command typed while it was down is answered when it is
back, once; and the outbox delivers what was pending before the restart, exactly once."""

from __future__ import annotations

from bot.matrix.service import Service
from tests.matrix.conftest import bot_settings, start_bot


def test_a_command_typed_while_the_bot_was_down_is_answered_once(world, synapse, accounts, tmp_path) -> None:
    per = world.people["per"]
    world.ask("per", "!lage Råby 2")
    world.service_halt()
    command = per.send(world.room, "!lage Vällingby 4")  # nobody listens now
    service = Service(bot_settings(synapse, accounts["veckolage"], str(tmp_path / "store")), world.engine,
                      clock=world.clock, outbox=False)
    _, halt = start_bot(service)
    try:
        reply = per.reply_to(world.room, command, world.bot_id)
        assert reply["content"]["body"].startswith("✅ Sparat: Vällingby 4 Allvarligt läge för Polisen")
        grid = world.ask("per", "!veckolage")["content"]["body"]
        assert "🟥4 Vällingby" in grid and "🟨2 Råby" in grid
        answers = [e for e in per.events if e["sender"] == world.bot_id and (e["content"].get("m.relates_to") or {})
                   .get("m.in_reply_to", {}).get("event_id") == command]
        assert len(answers) == 1
    finally:
        halt()


def test_pending_deliveries_go_out_once_after_a_restart(world) -> None:
    world.ask("per", "!handelse Vällingby skjutning 12:30 skott")
    world.ask("per", "!handelse Råby brandattentat 12:35")
    world.service_halt()  # the process stops with two alerts in the outbox
    world.restart()
    assert world.deliver() == 2
    assert world.deliver() == 0
    anna = world.people["anna"]
    anna.message_from(world.alerts, world.bot_id, "Brandattentat i Råby")
    bodies = [m["content"]["body"] for m in anna.messages(world.alerts, world.bot_id)]
    assert sum("Skjutning i Vällingby" in b for b in bodies) == 1 and sum("Brandattentat i Råby" in b for b in bodies) == 1
