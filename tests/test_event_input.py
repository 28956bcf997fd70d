"""`/handelse` as typed: clock times with `kl`/`kl.`, time-like garbage refused with nothing written,
and full area names that begin with another area's name; on both databases."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.console.render import render_text
from storage.db import session_scope
from storage.models import AuditEntry, Event, OutboxMessage

STOCKHOLM = ZoneInfo("Europe/Stockholm")
USAGE = "Så här: /handelse [vecka] <område> <typ> [när] [beskrivning]"
LONG = "Vällingby centrum – torget och gallerian"


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A wall-clock time in Stockholm."""
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def events(engine) -> list[tuple[str, datetime, str | None]]:
    """(type, local time, description) of every stored event."""
    with session_scope(engine) as session:
        rows = session.execute(select(Event).order_by(Event.id)).scalars().all()
        return [(e.type_key, e.occurred_at.astimezone(STOCKHOLM), e.description) for e in rows]


def count(engine, model) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


# Sunday 22 November 2026, 13:00 in Stockholm (conftest NOW): typed → (type, local time, description)
UNDERSTOOD = [
    ("/handelse Vällingby hot kl 09:30 bråk vid torget", ("hot", at(2026, 11, 22, 9, 30), "bråk vid torget")),
    ("/handelse Vällingby hot kl. 08.15 bråk", ("hot", at(2026, 11, 22, 8, 15), "bråk")),
    ("/handelse Vällingby hot 10.45", ("hot", at(2026, 11, 22, 10, 45), None)),
    ("/handelse Vällingby hot Kl 7:05 tidigt", ("hot", at(2026, 11, 22, 7, 5), "tidigt")),
    ("/handelse Vällingby rån igår kl 21:30 kiosk", ("ran", at(2026, 11, 21, 21, 30), "kiosk")),
    ("/handelse Vällingby rån lördag kl. 23.00", ("ran", at(2026, 11, 21, 23, 0), None)),
    ("/handelse v47 Vällingby hot 2026-11-20 kl 22:15 port", ("hot", at(2026, 11, 20, 22, 15), "port")),
]


@pytest.mark.parametrize(("typed", "stored"), UNDERSTOOD, ids=[u[0] for u in UNDERSTOOD])
def test_clock_times_with_kl_are_understood(chat, engine, typed, stored) -> None:
    reply = chat("U0POL1", typed)
    assert reply.tone == "ok", render_text(reply, color=False)
    assert events(engine) == [stored]
    assert f"{stored[1]:%H:%M}" in reply.title  # the reply shows the time it understood


REFUSED = [
    ("/handelse Vällingby hot 25:00 bråk", "”25:00” är ingen tid eller dag."),
    ("/handelse Vällingby hot kl 25:00", "”kl 25:00” är ingen tid eller dag."),
    ("/handelse Vällingby hot kl. 21.75", "”kl. 21.75” är ingen tid eller dag."),
    ("/handelse Vällingby hot kl tio", "”kl tio” är ingen tid eller dag."),
    ("/handelse Vällingby hot igår 24:00", "”24:00” är ingen tid eller dag."),
    ("/handelse Vällingby hot 2026-13-45 bråk", "”2026-13-45” är ingen tid eller dag."),
    ("/handelse v47 Vällingby hot 2026-13-45 25:99", "”2026-13-45” är ingen tid eller dag."),
    ("/handelse Vällingby skjutning 32/11 22:00", "”32/11” är ingen tid eller dag."),
]


@pytest.mark.parametrize(("typed", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_time_like_word_that_is_no_time_is_refused_and_nothing_is_written(chat, engine, typed, message) -> None:
    before = count(engine, Event), count(engine, OutboxMessage), count(engine, AuditEntry)
    reply = chat("U0POL1", typed)
    out = render_text(reply, color=False)
    assert reply.tone == "error" and message in out and "Skriv t.ex. 22:15, kl 21.30" in out and USAGE in out, out
    assert (count(engine, Event), count(engine, OutboxMessage), count(engine, AuditEntry)) == before


def test_editing_the_time_to_garbage_is_refused(chat, engine) -> None:
    assert chat("U0POL1", "/handelse Vällingby hot kl 09:30").tone == "ok"
    with session_scope(engine) as session:
        event_id = session.execute(select(Event.id)).scalar_one()
    reply = chat("U0POL1", f"/handelse ändra {event_id} tid kl 25:00")
    out = render_text(reply, color=False)
    assert reply.tone == "error" and "”kl 25:00” är ingen tid eller dag." in out, out
    assert "Så här: /handelse ändra <nr>" in out
    assert events(engine)[0][1] == at(2026, 11, 22, 9, 30)
    assert chat("U0POL1", f"/handelse ändra {event_id} tid kl. 10.15").tone == "ok"
    assert events(engine)[0][1] == at(2026, 11, 22, 10, 15)


@pytest.fixture
def long_area(chat) -> None:
    """An area whose name begins with another area's name (Vällingby)."""
    assert chat("U0ADMIN", f"/lagesadmin område lägg-till {LONG}").tone == "ok"


def test_a_full_area_name_is_matched_before_a_shorter_one(chat, engine, long_area) -> None:
    reply = chat("U0POL1", f"/handelse v47 {LONG} sprängning 2026-11-21 23:10 vid entrén")
    assert reply.tone == "ok", render_text(reply, color=False)
    assert f"sprängning i {LONG}".casefold() in reply.title.casefold()
    assert events(engine) == [("sprangning", at(2026, 11, 21, 23, 10), "vid entrén")]
    assert chat("U0POL1", "/handelse Vällingby hot kl 09:00 i Vällingby").tone == "ok"  # the short name still works
    assert chat("U0POL1", "/handelse vällingby centrum hot").tone == "ok"  # and a unique beginning of the long one
    with session_scope(engine) as session:
        areas = [session.get(Event, i).area_id for i in session.execute(select(Event.id).order_by(Event.id)).scalars()]
    assert areas[0] == areas[2] != areas[1]


def test_an_unknown_type_after_a_full_area_name_names_that_word(chat, long_area) -> None:
    out = render_text(chat("U0POL1", f"/handelse {LONG} sprängnig"), color=False)
    assert "Händelsetypen ”sprängnig” finns inte." in out and "Menade du ”Sprängning”" in out, out
    assert "centrum" not in out.split("finns inte")[0]


@pytest.mark.parametrize(("when", "typed"), [("2026-11-05 20:00", "v45"), ("2026-03-05 20:00", "2026-W10")])
def test_an_older_event_is_told_what_week_to_type(chat, when, typed) -> None:
    out = render_text(chat("U0POL1", f"/handelse Grimsta hot {when}"), color=False)
    assert f"För äldre händelser, ange veckan: /handelse {typed} …" in out, out
    assert chat("U0POL1", f"/handelse {typed} Grimsta hot {when}").tone == "ok"  # and that works as typed
