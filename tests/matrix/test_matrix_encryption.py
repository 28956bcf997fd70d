"""End-to-end encryption on Matrix, read back by people whose clients encrypt as Element does: a command typed
in an encrypted room is decrypted and answered encrypted (the relation in the clear, so the thread shows), an
encrypted direct chat gets the reminder encrypted, an alert in an encrypted alert room is edited on ✅ and found
again by its key after a lost answer; a message the bot has no key for is logged, said once, and the sync goes
on."""

from __future__ import annotations

import shutil
from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import select, update

from bot.jobs.clock import clock_tick
from commands.core.texts import t
from storage.db import session_scope
from storage.models import Event, OutboxMessage
from tests.conftest import NOW
from tests.matrix.test_matrix_delivery import FRIDAY_1200, report_shooting


def on_the_wire(world, who: str, room: str, event_id: str) -> dict:
    """The event as the homeserver stores it (what it, and anyone without the keys, sees)."""
    from tests.matrix.element import Element

    person: Element = world.people[who]
    return world.synapse._call("GET", f"/_matrix/client/v3/rooms/{quote(room)}/event/{quote(event_id)}",
                               token=person.client.access_token)


def test_a_command_in_an_encrypted_room_is_decrypted_and_answered_encrypted(world) -> None:
    per = world.people["per"]
    room = per.create_room(invite=(world.bot_id, world.ids["sara"]), encrypted=True, name="Krypterat")
    world.people["sara"].join(room)
    per.joined(room, world.bot_id)
    command = per.send(room, "!lage Vällingby 4 stenkastning vid centrum")
    assert on_the_wire(world, "per", room, command)["type"] == "m.room.encrypted"
    reply = per.reply_to(room, command, world.bot_id)
    assert reply["decrypted"] and reply["content"]["body"].startswith("✅ Sparat: Vällingby 4")
    raw = on_the_wire(world, "per", room, reply["event_id"])
    assert raw["type"] == "m.room.encrypted" and "Vällingby" not in str(raw)  # ciphertext for the homeserver
    assert raw["content"]["m.relates_to"]["rel_type"] == "m.thread"  # the thread shows in every client
    asked = per.send(room, "!veckolage")
    grid = per.reply_to(room, asked, world.bot_id)
    assert grid["decrypted"] and "🟥4 Vällingby" in grid["content"]["body"]
    sara = world.people["sara"]  # another member's device reads the answers as well
    assert sara.reply_to(room, asked, world.bot_id)["content"]["body"] == grid["content"]["body"]


def test_a_message_without_its_key_is_said_once_and_the_sync_goes_on(world) -> None:
    """Ciphertext the bot has no room key for (sent before its device was known, or forged): logged, a key
    request sent, the room told once; later commands are read and answered."""
    per = world.people["per"]
    room = per.create_room(invite=(world.bot_id, world.ids["sara"]), encrypted=True)  # not a direct chat
    per.joined(room, world.bot_id)
    for _ in range(2):
        per.send_raw(room, "m.room.encrypted", {"algorithm": "m.megolm.v1.aes-sha2", "sender_key": "k" * 43,
                                                "device_id": "ELEMENT", "session_id": "s" * 43,
                                                "ciphertext": "AwgAEnB" + "x" * 60})
    notice = per.message_from(room, world.bot_id, t("matrix.encrypted.unreadable"))
    assert notice["decrypted"] and notice["content"]["body"] == "🔒 " + t("matrix.encrypted.unreadable")
    command = per.send(room, "!veckolage")
    assert per.reply_to(room, command, world.bot_id)["content"]["body"].startswith("Lägesbild")
    assert len(per.messages(room, world.bot_id)) == 2  # the notice once, and the answer


def test_a_reminder_goes_into_the_encrypted_direct_chat_a_person_started(world) -> None:
    per = world.people["per"]
    direct = per.create_room(invite=(world.bot_id,), direct=True, encrypted=True)  # as Element starts one
    per.joined(direct, world.bot_id)
    asked = per.send(direct, "!veckolage")  # answered in the encrypted direct chat, as a plain reply
    answer = per.reply_to(direct, asked, world.bot_id)
    assert answer["decrypted"] and answer["content"]["body"].startswith("Lägesbild")
    assert "rel_type" not in answer["content"]["m.relates_to"]
    world.clock.now = FRIDAY_1200
    clock_tick(world.engine, now=FRIDAY_1200)
    world.deliver(FRIDAY_1200)
    reminder = per.direct_message(world.bot_id, "Påminnelse: Polisen har inte bedömt 4 av 4 områden")
    assert reminder["room_id"] == direct and reminder["decrypted"]
    assert on_the_wire(world, "per", direct, reminder["event_id"])["type"] == "m.room.encrypted"


def test_a_reminder_goes_into_the_direct_chat_last_written_in_even_for_a_new_device_of_the_bot(world) -> None:
    """Two direct chats with the bot (one from each of a person's clients, say): the reminder goes into the one
    the person last wrote in, also when the bot comes back as a new device with an empty store."""
    per = world.people["per"]
    older, newer = (per.create_room(invite=(world.bot_id,), direct=True, encrypted=True) for _ in range(2))
    for room in (older, newer):
        per.joined(room, world.bot_id)
    for room in (newer, older):  # the older one last
        asked = per.send(room, "!veckolage")
        assert per.reply_to(room, asked, world.bot_id)["decrypted"]
    world.service_halt()
    shutil.rmtree(world.service.settings.store_path)  # its keys, device id and sync position gone
    world.restart()
    world.clock.now = FRIDAY_1200
    clock_tick(world.engine, now=FRIDAY_1200)
    world.deliver(FRIDAY_1200)
    reminder = per.direct_message(world.bot_id, "Påminnelse: Polisen har inte bedömt 4 av 4 områden")
    assert reminder["room_id"] == older and reminder["decrypted"]


def test_an_alert_in_an_encrypted_alert_room_is_edited_on_a_reaction_and_posted_once(world) -> None:
    anna = world.people["anna"]
    secret = anna.create_room(invite=(world.bot_id,), encrypted=True, name="Larm (krypterat)")
    anna.joined(secret, world.bot_id)
    assert world.ask("anna", f"!lagesadmin kanal larm {secret}")["content"]["body"].startswith("✅ ")
    report_shooting(world)
    assert world.deliver() == 1
    alert = anna.message_from(secret, world.bot_id, "Kritisk händelse: Skjutning i Vällingby")
    assert alert["decrypted"] and "> skott mot port" in alert["content"]["body"]
    assert on_the_wire(world, "anna", secret, alert["event_id"])["type"] == "m.room.encrypted"
    with session_scope(world.engine) as session:  # as if the answer was lost: the retry reads the room back
        session.execute(update(OutboxMessage).where(OutboxMessage.kind == "alert.post")
                        .values(status="pending", ts=None, attempted_at=NOW, due_at=NOW))
        session.execute(update(OutboxMessage).where(OutboxMessage.kind == "alert.renotify").values(status="cancelled"))
        session.execute(update(Event).values(alert_ts=None, alert_channel=None))
    assert world.deliver(NOW + timedelta(seconds=30)) == 1
    with session_scope(world.engine) as session:  # found by its key inside the ciphertext: no second alert
        row = session.execute(select(OutboxMessage).where(OutboxMessage.kind == "alert.post")).scalars().one()
        assert (row.status, row.ts) == ("sent", alert["event_id"])
    anna.react(secret, alert["event_id"])
    world.wait_handled()
    assert world.deliver(NOW + timedelta(seconds=31)) == 1
    shown = anna.edited(secret, alert["event_id"], "Kvitterad av")
    assert f"✅ Kvitterad av {world.ids['anna']}" in shown["body"]
    alerts = [m for m in anna.messages(secret, world.bot_id) if "Kritisk händelse" in m["content"]["body"]]
    assert len(alerts) == 1
