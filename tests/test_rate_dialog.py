"""`/lage` and `/veckolage` as a conversation: (who, what they type) → what they read; on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.console.render import render_text
from commands.core.reply import Notice, RatingForm, WeekGrid
from storage.db import session_scope
from storage.models import AgreedLevel, AuditEntry, Rating

USAGE = "Så här: /lage [vecka] <område> <1-5> [kommentar]"

# (user, typed, lines the reply must contain)
DIALOG = [
    ("U0POL1", "/lage Vällingby 3", ["✔ Sparat: Vällingby 3 Oroande läge för Polisen", "vecka 47, 2026 (16–22 nov)",
                                     "Samlad bedömning för Vällingby just nu: 3 (föreslagen)."]),
    ("U0POL1", "/lage hasselby gard 2 stenkastning vid torget",
     ["Sparat: Hässelby gård 2 Avvikande läge för Polisen", "Kommentar: stenkastning vid torget"]),
    ("U0POL1", "/lage v46 Grimsta 4", ["Sparat: Grimsta 4 Allvarligt läge", "vecka 46, 2026 (9–15 nov)"]),
    ("U0POL1", "/lage förra grimsta 1", ["Sparat: Grimsta 1 Normalt läge", "vecka 46, 2026",
                                         "Ersatte Polisens tidigare bedömning 4 (av @U0POL1)."]),
    ("U0POL1", "/lage 2026-W48 Vällingby 2", ["Sparat: Vällingby 2", "vecka 48, 2026"]),
    ("U0SDF", "/lage VÄLLINGBY 5 skottlossning", ["Sparat: Vällingby 5 Kritiskt läge för Stadsdelen",
                                                  "just nu: 5 (föreslagen)"]),
]

ERRORS = [
    ("U0POL1", "/lage Vällingby 6", ["Nivån måste vara ett heltal från 1 till 5 (du skrev ”6”).", USAGE]),
    ("U0POL1", "/lage Vällingby 0", ["Nivån måste vara ett heltal från 1 till 5 (du skrev ”0”)."]),
    ("U0POL1", "/lage Vällingby 2.5", ["du skrev ”2.5”"]),
    ("U0POL1", "/lage Vällingby tre", ["Nivån måste vara ett heltal från 1 till 5 (du skrev ”tre”)."]),
    ("U0POL1", "/lage Vällingby", ["Ange en nivå 1–5 efter området.", USAGE]),
    ("U0POL1", "/lage Rinkeby 3", ["Området ”Rinkeby” finns inte.",
                                   "Områden: Hässelby gård, Hässelby strand, Vällingby, Grimsta."]),
    ("U0POL1", "/lage hasselby 3", ["”hasselby” kan vara flera områden.",
                                    "Menade du ”Hässelby gård” eller ”Hässelby strand”?"]),
    ("U0POL1", "/lage valingby 3", ["Området ”valingby” finns inte.", "Menade du ”Vällingby”?"]),
    ("U0POL1", "/lage 2026-W54 Vällingby 3", ["Vecka 54 finns inte år 2026 (2026 har 53 veckor).", USAGE]),
    ("U0POL1", "/lage v49 Vällingby 3", ["Vecka 49, 2026 (30 nov–6 dec) ligger mer än en vecka fram i tiden."]),
    ("U0POL1", "/lage 2026-W49 Vällingby 3", ["Vecka 49, 2026 (30 nov–6 dec) ligger mer än en vecka fram i tiden.",
                                              "Du kan rapportera till och med vecka 48, 2026 (23–29 nov)."]),
    ("U0POL1", "/lage Vällingby 3 \"\"", ["Kommentaren är tom."]),
    ("U0POL1", "/lage Vällingby 3 " + "x" * 301, ["Kommentaren är 301 tecken; högst 300 tecken får plats."]),
    ("U0NOBODY", "/lage Vällingby 3", ["Du finns inte med i den här samverkan."]),
    ("U0COORD", "/lage Vällingby 3", ["Du är inte medlem i någon samverkanspart här"]),
    ("U0POL1", "/veckolage fastställ Vällingby 3", ["Bara samordnare kan fastställa en nivå.", "@U0COORD"]),
    ("U0COORD", "/veckolage fastställ Vällingby 9", ["du skrev ”9”", "/veckolage fastställ [vecka] <område> <1-5>"]),
    ("U0COORD", "/veckolage fastställ", ["Ange ett område."]),
    ("U0COORD", "/veckolage v99", ["Vecka 99 finns inte år 2026", "Så här: /veckolage [vecka]"]),
    ("U0COORD", "/veckolage blaha", ["Okänt kommando ”blaha”."]),
    ("U0NOBODY", "/veckolage", ["Du finns inte med i den här samverkan."]),
]


def count(engine, model) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def text_of(reply) -> str:
    return render_text(reply, color=False)


def test_dialog(chat) -> None:
    for user, typed, expected in DIALOG:
        out = text_of(chat(user, typed))
        for line in expected:
            assert line in out, f"{typed!r} → {out}"


@pytest.mark.parametrize(("user", "typed", "expected"), ERRORS, ids=[e[1][:40] for e in ERRORS])
def test_bad_input_is_refused_in_swedish_and_writes_nothing(chat, engine, user, typed, expected) -> None:
    before = count(engine, Rating), count(engine, AgreedLevel), count(engine, AuditEntry)
    reply = chat(user, typed)
    out = text_of(reply)
    for line in expected:
        assert line in out, out
    if expected:
        assert isinstance(reply, Notice) and reply.tone == "error"
        assert (count(engine, Rating), count(engine, AgreedLevel), count(engine, AuditEntry)) == before


def test_last_report_wins_and_history_is_audited(chat, engine) -> None:
    chat("U0POL1", "/lage Vällingby 2 lugnt")
    out = text_of(chat("U0POL2", "/lage Vällingby 4 oroligt"))
    assert "Ersatte Polisens tidigare bedömning 2 (av @U0POL1)." in out
    with session_scope(engine) as session:
        ratings = session.execute(select(Rating)).scalars().all()
        audit = session.execute(select(AuditEntry).where(AuditEntry.action == "rating.set")
                                .order_by(AuditEntry.id)).scalars().all()
    assert [(r.level, r.comment, r.reported_by) for r in ratings] == [(4, "oroligt", "U0POL2")]
    assert [(a.actor, a.old_value, a.new_value) for a in audit] == [
        ("U0POL1", None, "2 – lugnt"), ("U0POL2", "2 – lugnt", "4 – oroligt")]
    assert all(a.at.tzinfo is not None for a in audit)


def test_grid_consolidates_disagrees_and_lists_missing(chat) -> None:
    chat("U0POL1", "/lage v46 Vällingby 2")
    chat("U0POL1", "/lage Vällingby 1")
    chat("U0SDF", "/lage Vällingby 3")
    chat("U0POL1", "/lage Grimsta 2")
    grid = chat("U0COORD", "/veckolage")
    assert isinstance(grid, WeekGrid) and grid.week.week == 47
    rows = {row.area: row for row in grid.rows}
    assert rows["Vällingby"].value == 3 and not rows["Vällingby"].agreed  # the highest rating, proposed
    assert rows["Vällingby"].disagreement  # 1 and 3
    assert rows["Vällingby"].change == 1  # 2 last week
    assert [c.level for c in rows["Vällingby"].cells] == [1, 3, None]  # Bostadsbolaget: missing, not 1
    assert rows["Hässelby gård"].value is None
    assert not rows["Grimsta"].disagreement
    missing = {m.partner: (m.missing, m.total) for m in grid.missing}
    assert missing == {"Polisen": (2, 4), "Stadsdelen": (3, 4), "Bostadsbolaget": (4, 4)}
    out = text_of(grid)
    assert "Bostadsbolaget (alla 4 områden)" in out and "Polisen (2 av 4 områden saknas)" in out


def test_agreed_value_wins_over_partners(chat) -> None:
    chat("U0POL1", "/lage Vällingby 4")
    reply = chat("U0COORD", "/veckolage fastställ Vällingby 2")
    assert "Fastställt: Vällingby 2 Avvikande läge, v47" in text_of(reply)
    assert "Parternas förslag var 4." in text_of(reply)
    assert "Tidigare fastställt värde: 2." in text_of(chat("U0COORD", "/veckolage faststall v47 vallingby 3"))
    row = next(r for r in chat("U0COORD", "/veckolage").rows if r.area == "Vällingby")
    assert (row.value, row.agreed) == (3, True)


def test_grid_of_an_earlier_week(chat) -> None:
    chat("U0POL1", "/lage v40 Grimsta 4")
    grid = chat("U0SDF", "/veckolage v40")
    assert grid.week.week == 40
    assert next(r for r in grid.rows if r.area == "Grimsta").value == 4


def test_without_a_week_before_the_deadline_reports_last_week(chat) -> None:
    monday_morning = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Stockholm
    reply = chat("U0POL1", "/lage Vällingby 2", now=monday_morning)
    assert reply.week.week == 47
    reply = chat("U0POL1", "/lage Vällingby 2", now=datetime(2026, 11, 23, 9, 1, tzinfo=UTC))
    assert reply.week.week == 48


def test_lage_without_arguments_opens_a_prefilled_form(chat) -> None:
    chat("U0POL1", "/lage Grimsta 3 lugnt")
    form = chat("U0POL2", "/lage")
    assert isinstance(form, RatingForm)
    assert form.partner == "Polisen" and form.week.week == 47
    assert [(a.area, a.level, a.comment) for a in form.areas] == [
        ("Hässelby gård", None, None), ("Hässelby strand", None, None), ("Vällingby", None, None),
        ("Grimsta", 3, "lugnt")]
    assert chat("U0POL2", "/lage v46").week.week == 46


def test_help_lists_every_usage(chat) -> None:
    from commands.registry import COMMANDS

    for typed in ("/lage hjälp", "/lage hjalp", "/veckolage HJÄLP", "/veckolage help"):
        out = text_of(chat("U0NOBODY", typed))
        for command in COMMANDS:
            assert "/" + command.usage in out
