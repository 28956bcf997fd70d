"""The outbox on Matrix, read back in Element: alerts in the alert room edited in place when acknowledged
(✅ or !kvittera), the re-notification in the alert's thread, the Monday summary edited in place with its
notes in its thread, reminders as direct messages; exactly once after a lost answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.jobs.clock import clock_tick
from storage.db import session_scope
from storage.models import OutboxMessage
from tests.conftest import NOW

MONDAY_0800 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # the summary of week 47 falls due
FRIDAY_1200 = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)  # week 48's first reminder


def report_shooting(world) -> None:
    answer = world.ask("per", "!handelse Vällingby skjutning 12:30 skott mot port")["content"]["body"]
    assert answer.startswith("✅ ")


def test_an_alert_is_acknowledged_with_a_reaction_and_edited_in_place(world) -> None:
    report_shooting(world)
    assert world.deliver() == 1
    anna = world.people["anna"]
    alert = anna.message_from(world.alerts, world.bot_id, "Kritisk händelse: Skjutning i Vällingby")
    content = alert["content"]
    assert content["msgtype"] == "m.text" and "Händelse #" in content["body"]
    assert f'<a href="https://matrix.to/#/{world.ids["per"]}">' in content["formatted_body"]
    assert "reagera med ✅ eller skriv !kvittera" in content["body"] and "> skott mot port" in content["body"]
    anna.react(world.alerts, alert["event_id"])
    world.wait_handled()
    assert world.deliver() == 1
    shown = anna.edited(world.alerts, alert["event_id"], "Kvitterad av")  # the bot read the reaction, then
    assert f"✅ Kvitterad av {world.ids['anna']}" in shown["body"]  # the outbox edited the alert
    assert "reagera med ✅" not in shown["body"]


def test_the_outbox_edits_only_after_delivering(world) -> None:
    """The reaction is handled at once; the edit goes out with the next delivery round."""
    report_shooting(world)
    world.deliver()
    anna = world.people["anna"]
    alert = anna.message_from(world.alerts, world.bot_id, "Kritisk händelse")
    number = alert["content"]["body"].split("Händelse #")[1].split()[0]
    answer = world.ask("sara", f"!kvittera {number}")["content"]["body"]
    assert answer.startswith(f"✅ Händelse #{number} kvitterad") or "kvitterad" in answer.lower()
    assert world.deliver() == 1  # the alert's update
    shown = anna.edited(world.alerts, alert["event_id"], "Kvitterad av")
    assert world.ids["sara"] in shown["body"]
    again = world.ask("per", f"!kvittera {number}")["content"]["body"]
    assert world.ids["sara"] in again  # already acknowledged, by whom


def test_an_unacknowledged_alert_is_renotified_in_its_thread(world) -> None:
    report_shooting(world)
    world.deliver()
    anna = world.people["anna"]
    alert = anna.message_from(world.alerts, world.bot_id, "Kritisk händelse")
    assert world.deliver(NOW + timedelta(minutes=16)) == 1
    note = anna.message_from(world.alerts, world.bot_id, "inte kvitterat efter 15 minuter")
    relates = note["content"]["m.relates_to"]
    assert relates["rel_type"] == "m.thread" and relates["event_id"] == alert["event_id"]
    assert note["content"]["m.mentions"] == {"user_ids": [world.ids["anna"]]}  # the coordinator, never @room


def test_a_lost_answer_never_posts_twice(world) -> None:
    """The post landed but its answer was lost (a crash, a timeout): the retry finds it by its key."""
    report_shooting(world)
    world.deliver()
    anna = world.people["anna"]
    anna.message_from(world.alerts, world.bot_id, "Kritisk händelse")
    with session_scope(world.engine) as session:  # as if the process died before recording the answer
        session.execute(update(OutboxMessage).where(OutboxMessage.kind == "alert.post")
                        .values(status="pending", ts=None, attempted_at=NOW, due_at=NOW))
        session.execute(update(OutboxMessage).where(OutboxMessage.kind == "alert.renotify").values(status="cancelled"))
    from storage.models import Event
    with session_scope(world.engine) as session:
        session.execute(update(Event).values(alert_ts=None, alert_channel=None))
    assert world.deliver(NOW + timedelta(seconds=30)) == 1
    alerts = [m for m in anna.messages(world.alerts, world.bot_id) if "Kritisk händelse" in m["content"]["body"]]
    assert len(alerts) == 1
    with session_scope(world.engine) as session:
        row = session.execute(select(OutboxMessage).where(OutboxMessage.kind == "alert.post")).scalars().one()
        assert (row.status, row.ts) == ("sent", alerts[0]["event_id"])


def test_a_resent_post_is_stored_once_by_its_transaction_id(world) -> None:
    """Without the lookup (the answer said nothing), a re-send with the same transaction id is one event."""
    report_shooting(world)
    world.deliver()
    anna = world.people["anna"]
    anna.message_from(world.alerts, world.bot_id, "Kritisk händelse")
    with session_scope(world.engine) as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.kind == "alert.post")
                        .values(status="pending", ts=None, attempted_at=None, due_at=NOW))
        session.execute(update(OutboxMessage).where(OutboxMessage.kind == "alert.renotify").values(status="cancelled"))
    from storage.models import Event
    with session_scope(world.engine) as session:
        session.execute(update(Event).values(alert_ts=None, alert_channel=None))
    world.deliver(NOW + timedelta(seconds=30))
    alerts = [m for m in anna.messages(world.alerts, world.bot_id) if "Kritisk händelse" in m["content"]["body"]]
    assert len(alerts) == 1


def test_the_monday_summary_is_edited_in_place_with_notes_in_its_thread(world) -> None:
    world.ask("per", "!lage Vällingby 4 stenkastning vid centrum")
    world.ask("sara", "!lage Råby 2")
    clock_tick(world.engine, now=MONDAY_0800)
    assert world.deliver(MONDAY_0800) >= 1
    world.deliver(MONDAY_0800 + timedelta(seconds=1))  # the comments' thread, queued by the post
    sara = world.people["sara"]
    summary = sara.message_from(world.room, world.bot_id, "Lägesbild vecka 47, 2026 (16–22 nov) – sammanfattning")
    assert "🟥4 Vällingby (föreslagen)" in summary["content"]["body"]
    comments = sara.message_from(world.room, world.bot_id, "Parternas kommentarer v47")
    assert comments["content"]["m.relates_to"]["event_id"] == summary["event_id"]
    assert "Vällingby – Polisen: stenkastning vid centrum" in comments["content"]["body"]
    world.clock.now = MONDAY_0800 + timedelta(minutes=30)  # before Monday's deadline: week 47 is still assessed
    world.ask("per", "!lage Vällingby 5")
    world.deliver(MONDAY_0800 + timedelta(minutes=31))
    shown = sara.edited(world.room, summary["event_id"], "🟪5‼ Vällingby")
    assert shown["body"].startswith("Lägesbild vecka 47, 2026 (16–22 nov) – sammanfattning")
    note = sara.message_from(world.room, world.bot_id, "uppdaterad:")
    assert note["content"]["m.relates_to"]["event_id"] == summary["event_id"]
    bodies = [m["content"]["body"] for m in sara.messages(world.room, world.bot_id)]
    assert sum(b.startswith("Lägesbild vecka 47, 2026 (16–22 nov) – sammanfattning") for b in bodies) == 1


def test_reminders_are_direct_messages(world) -> None:
    world.clock.now = FRIDAY_1200
    world.ask("sara", "!lage\nFinnsta 1\nRåby 1\nVällingby 1\nHässelby gård 1")  # Stadsdelen has reported
    clock_tick(world.engine, now=FRIDAY_1200)
    world.deliver(FRIDAY_1200)
    per = world.people["per"]
    reminder = per.direct_message(world.bot_id, "Påminnelse: Polisen har inte bedömt 4 av 4 områden")
    assert reminder["room_id"] not in (world.room, world.alerts)
    assert "!lage påminnelser av" in reminder["content"]["body"] and reminder["content"]["msgtype"] == "m.text"
    with session_scope(world.engine) as session:  # per's, and the remote member's
        rows = {r.key.split(":")[2]: r for r in session.execute(select(OutboxMessage)
                                                                .where(OutboxMessage.kind == "reminder.dm")).scalars()}
    assert sorted(rows) == sorted([world.ids["per"].split(":")[0], "@pia.polis"])
    assert rows["@per"].status == "sent"
    remote = rows["@pia.polis"]  # the test homeserver federates with nobody: its refusal is final, and said
    assert (remote.status, remote.last_error.split(":")[0]) == ("failed", "Chattjänsten svarade M_FORBIDDEN")
