"""Insatser through the command layer, on SQLite and PostgreSQL: propose, follow up, list, change, cancel;
what is refused (with the usage, nothing written); audit rows; retention; the console's text."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.console.render import plain, render_text
from bot.console.repl import run_console
from commands.admin.retention import purge
from storage.db import session_scope
from storage.models import AuditEntry, Insats, Priority, RiskDate
from tests.conftest import NOW

WRITTEN = (Insats, Priority, RiskDate, AuditEntry)


def counts(engine) -> tuple[int, ...]:
    with session_scope(engine) as session:
        return tuple(session.execute(select(func.count()).select_from(m)).scalar_one() for m in WRITTEN)


def stored(engine) -> list[Insats]:
    with session_scope(engine) as session:
        rows = list(session.execute(select(Insats).order_by(Insats.id)).scalars())
        session.expunge_all()
        return rows


def number(reply) -> int:
    assert reply.tone == "ok", reply
    return int(plain(reply.title).split("#")[1].split()[0])


def out(reply) -> str:
    return render_text(reply, color=False)


def test_a_member_proposes_for_their_partner_and_follows_it_up(chat, engine) -> None:
    reply = chat("U0POL1", "/insats Vällingby (torget) trygghetsvandring fredagar kväll v48–v51")
    first = number(reply)
    assert plain(reply.title) == f"Insats #{first} sparad: Vällingby (torget) – trygghetsvandring fredagar kväll"
    assert reply.lines[0] == "Ansvarig: Polisen · v48–v51 · planerad · uppföljning v52"
    assert plain(reply.lines[1]) == f"När den är gjord: /insats klar {first} <resultat>. Alla insatser: /insats lista."
    second = number(chat("U0POL2", "/insats Grimsta belysning i gångtunneln"))  # another member, same partner
    listed = chat("U0SDF", "/insats lista")
    assert [(i.number, i.partner, i.weeks, i.status, i.followup) for i in listed.lines] == [  # the due first
        (second, "Polisen", "från v47", "pågår", "v51"), (first, "Polisen", "v48–v51", "planerad", "v52")]
    done = chat("U0POL2", f"/insats klar {first} 4 vandringar, 12 deltagare, lugnt vid torget")
    assert plain(done.title) == f"Insats #{first} klar: Vällingby – trygghetsvandring fredagar kväll"
    assert [i.number for i in chat("U0SDF", "/insats lista").lines] == [second]
    everything = out(chat("U0SDF", "/insats lista alla"))
    assert f"#{first} Vällingby (torget): trygghetsvandring fredagar kväll – Polisen, v48–v51 · klar" in everything
    assert "resultat: 4 vandringar, 12 deltagare, lugnt vid torget" in everything
    with session_scope(engine) as session:
        audit = [(a.action, a.actor, a.subject, a.old_value, a.new_value) for a in
                 session.execute(select(AuditEntry).where(AuditEntry.action.like("insats.%")).order_by(AuditEntry.id)).scalars()]
    assert audit == [
        ("insats.new", "U0POL1", f"#{first} Vällingby", None, "trygghetsvandring fredagar kväll"),
        ("insats.new", "U0POL2", f"#{second} Grimsta", None, "belysning i gångtunneln"),
        ("insats.done", "U0POL2", f"#{first} klar", "planerad", "4 vandringar, 12 deltagare, lugnt vid torget")]
    log = out(chat("U0ADMIN", "/lagesadmin logg"))
    assert f"insats tillagd · #{second} Grimsta" in log and f"insats klar · #{first} klar" in log


@pytest.mark.parametrize(("user", "line", "expected"), [
    ("U0COORD", "/insats hässelby gård (torget vid T-banan) samtal med fastighetsägaren Bostadsbolaget v48-52",
     ("Hässelby gård", "torget vid T-banan", "samtal med fastighetsägaren", "Bostadsbolaget", 202648, 202652)),
    ("U0SDF", "/insats grim klotterjour 3 dagar i veckan", ("Grimsta", None, "klotterjour 3 dagar i veckan",
                                                           "Stadsdelen", 202647, None)),
    ("U0SDF", "/insats Vällingby   extra   städning  Stadsdelen 2027-W02",
     ("Vällingby", None, "extra städning", "Stadsdelen", 202702, 202702)),
    ("U0COORD", "/insats Hässelby strand föräldravandring Polisen v1–v3",  # v1 in November: next January
     ("Hässelby strand", None, "föräldravandring", "Polisen", 202701, 202703)),
])
def test_area_place_partner_and_weeks_are_read(chat, engine, user, line, expected) -> None:
    assert chat(user, line).tone == "ok"
    [insats] = stored(engine)
    with session_scope(engine) as session:
        from storage.models import Area, Partner
        area, partner = session.get(Area, insats.area_id).name, session.get(Partner, insats.partner_id).name
    assert (area, insats.place, insats.what, partner, insats.start_week, insats.end_week) == expected


@pytest.mark.parametrize(("user", "line", "first_line"), [
    ("U0POL1", "/insats Vällingby", "Skriv vad som görs efter området, t.ex. trygghetsvandring fredagar."),
    ("U0POL1", "/insats Rinkeby trygghetsvandring", "Området ”Rinkeby” finns inte."),
    ("U0POL1", "/insats Vällingby (torget trygghetsvandring", "Platsen saknar avslutande parentes, t.ex. (torget)."),
    ("U0POL1", "/insats Vällingby () vandring", "Platsen inom parentesen är tom."),
    ("U0POL1", "/insats Vällingby vandring v50–v48", "Slutveckan v48 ligger före startveckan v50."),
    ("U0POL1", "/insats Vällingby vandring v60", "Vecka 60 finns inte år 2026 (2026 har 53 veckor)."),
    ("U0POL1", "/insats Vällingby vandring Stadsdelen", "Du kan bara lägga in och flytta insatser för din egen "
     "organisation; en samordnare kan ange vilken part som helst."),
    ("U0COORD", "/insats Vällingby vandring", "Ange vilken part som ansvarar, t.ex. Polisen, sist före veckorna."),
    ("U0POL1", "/insats Vällingby " + "x" * 201, "Beskrivningen har 201 tecken; högst 200. Skriv kort: plats och "
     "aktivitet, inga personuppgifter."),
    ("U0ADMIN", "/insats Vällingby vandring", "Bara medlemmar i en samverkanspart (och samordnare) kan lägga in insatser."),
    ("U0POL1", "/insats klar", "Ange insatsens nummer (se /insats lista)."),
    ("U0POL1", "/insats klar 999", "Det finns ingen insats #999."),
    ("U0POL1", "/insats lista Rinkeby", "”Rinkeby” är varken ett område, en part, öppna eller alla."),
    ("U0COORD", "/veckolage prioritera Rinkeby", "Området ”Rinkeby” finns inte."),
    ("U0COORD", "/veckolage prioritera Vällingby,, Grimsta", "Ett tomt område mellan kommatecknen."),
    ("U0POL1", "/veckolage kvartal 2026-Q5", "”2026-q5” är inget kvartal; skriv t.ex. 2026-Q4 (och xlsx för en fil)."),
    ("U0POL1", "/veckolage kvartal 2027-Q1", "2027-Q1 har inte börjat ännu."),
    ("U0ADMIN", "/lagesadmin riskdag lägg-till 2026-02-30 Fest", "Skriv lägg-till eller ta-bort och ett datum som 2027-08-20."),
    ("U0ADMIN", "/lagesadmin riskdag ta-bort 2026-12-05", "Ingen egen riskdag 2026-12-05 (de inbyggda kan inte tas bort)."),
])
def test_bad_input_gets_a_swedish_reason_and_the_usage_and_writes_nothing(chat, engine, user, line, first_line) -> None:
    before = counts(engine)
    reply = chat(user, line)
    assert reply.tone == "error" and plain(reply.lines[0]) == first_line, reply
    assert reply.usage and reply.usage.split()[0] == line.split()[0][1:], reply  # the usage of what was typed
    assert counts(engine) == before


def test_who_may_close_change_and_move_an_insats(chat, engine) -> None:
    own = number(chat("U0POL1", "/insats Vällingby vandring v48"))
    for user in ("U0SDF", "U0ADMIN"):
        refused = chat(user, f"/insats avbryt {own} fel")
        assert refused.tone == "error" and refused.lines[0].startswith(f"Insats #{own} ansvarar en annan part för")
    assert chat("U0POL1", f"/insats ändra {own} ansvarig Stadsdelen").lines[0].startswith("Du kan bara")
    moved = chat("U0COORD", f"/insats ändra {own} ansvarig Stadsdelen")
    assert moved.tone == "ok" and moved.lines[0] == "Polisen → Stadsdelen"
    assert chat("U0SDF", f"/insats ändra {own} vad vandring med föräldrar").tone == "ok"  # now Stadsdelen's
    assert chat("U0POL1", f"/insats ändra {own} veckor v49–v50").tone == "ok"  # whoever proposed it, too
    assert chat("U0POL1", f"/insats ändra {own} uppföljning 52").lines[0] == "v51 → v52"
    cancelled = chat("U0SDF", f"/insats avbryt {own} ingen personal")
    assert plain(cancelled.title) == f"Insats #{own} avbruten: Vällingby – vandring med föräldrar"
    again = chat("U0COORD", f"/insats klar {own}")
    assert again.tone == "error" and again.lines[0] == f"Insats #{own} är redan avbruten."
    [row] = stored(engine)
    assert (row.status, row.result, row.start_week, row.end_week, row.followup_week) == (
        "avbruten", "ingen personal", 202649, 202650, 202652)


def test_priorities_and_open_insatser_head_the_grid(chat) -> None:
    chat("U0POL1", "/insats Vällingby (torget) trygghetsvandring v47–v48")
    chat("U0POL1", "/insats Grimsta belysning v40–v45")  # its follow-up (v46) has passed
    reply = chat("U0COORD", "/veckolage prioritera Vällingby (torget), Grimsta (badet)")
    assert plain(reply.title) == "Prioriterat vecka 48, 2026 (23–29 nov)"
    assert reply.lines[0] == "Vällingby (torget), Grimsta (badet)"
    grid = chat("U0POL1", "/veckolage")
    assert [plain(f) for f in grid.focus] == [
        "🎯 Prioriterat v48: Vällingby (torget), Grimsta (badet)",
        "📋 Öppna insatser: 2 i 2 områden · 1 med försenad uppföljning – /insats lista"]
    console = out(grid).splitlines()
    assert console[1:3] == [plain(f) for f in grid.focus]
    assert chat("U0COORD", "/veckolage prioritera v48 -").title == "Prioriteringarna för vecka 48, 2026 (23–29 nov) är borttagna."
    assert [plain(f) for f in chat("U0POL1", "/veckolage").focus] == [
        "📋 Öppna insatser: 2 i 2 områden · 1 med försenad uppföljning – /insats lista"]


def test_local_risk_dates_join_the_shipped_calendar(chat) -> None:
    added = chat("U0ADMIN", "/lagesadmin riskdag lägg-till 2026-08-20 Kulturfestivalen")
    assert added.tone == "ok" and added.title == "Riskdag tillagd: Kulturfestivalen 2026-08-20"
    assert chat("U0ADMIN", "/lagesadmin riskdag lägg-till 2026-08-20 Kulturfestivalen").tone == "info"
    shown = [plain(x) for x in chat("U0SDF", "/veckolage riskdagar").lines]
    assert shown[:4] == ["v9: Sportlov (ca mån 23 feb)", "v16: Påsklov (ca mån 13 apr)", "v18: Valborg (tor 30 apr)",
                         "v23: Studentveckan (ca mån 1 jun)"]
    assert "v34: Kulturfestivalen (tor 20 aug) · egen" in shown
    assert "v44: Halloween (lör 31 okt, Alla helgons dag)" in shown and "v25: Midsommarafton (fre 19 jun)" in shown
    assert chat("U0ADMIN", "/lagesadmin riskdag ta-bort 2026-08-20").title == \
        "Riskdag borttagen: Kulturfestivalen 2026-08-20"
    assert not any(plain(x).startswith("v34") for x in chat("U0SDF", "/veckolage riskdagar 2026").lines)
    midsummer_2027 = [plain(x) for x in chat("U0SDF", "/veckolage riskdagar 2027").lines]
    assert "v25: Midsommarafton (fre 25 jun)" in midsummer_2027 and "v17: Valborg (fre 30 apr)" in midsummer_2027


@pytest.mark.parametrize(("now", "week"), [
    (datetime(2026, 3, 29, 21, 59, tzinfo=UTC), 202613),  # Sunday 23:59, the first night of summer time
    (datetime(2026, 3, 29, 22, 0, tzinfo=UTC), 202614),  # Monday 00:00 CEST (23:00 by winter time)
    (datetime(2026, 10, 25, 22, 59, tzinfo=UTC), 202643),  # Sunday 23:59, the first night of winter time
    (datetime(2026, 10, 25, 23, 0, tzinfo=UTC), 202644),
])
def test_this_week_follows_stockholm_across_the_dst_switch(chat, engine, now, week) -> None:
    assert chat("U0POL1", "/insats Vällingby vandring", now=now).tone == "ok"
    [row] = stored(engine)
    assert row.start_week == week and row.followup_week == week + 4


def test_retention_blanks_the_texts_and_keeps_the_numbers(chat, engine, workspace_id) -> None:
    first = number(chat("U0POL1", "/insats Vällingby (Ringvägen 5) vandring med grannar v47"))
    assert chat("U0POL1", f"/insats ändra {first} plats Ringvägen 7").tone == "ok"
    assert chat("U0POL1", f"/insats klar {first} träffade Anna på nummer 7").tone == "ok"
    later = NOW + timedelta(days=800)
    with session_scope(engine) as session:
        report = purge(session, workspace_id=workspace_id, before=later, now=later)
    assert report.descriptions == 1
    [row] = stored(engine)
    assert (row.what, row.place, row.result, row.status, row.start_week) == (None, None, None, "klar", 202647)
    with session_scope(engine) as session:
        kept = [(a.action, a.old_value, a.new_value) for a in session.execute(
            select(AuditEntry).where(AuditEntry.action.like("insats.%")).order_by(AuditEntry.id)).scalars()]
    assert kept == [("insats.new", None, None), ("insats.change", None, None), ("insats.done", "pågår", None)]
    assert "(texten gallrad)" in out(chat("U0SDF", "/insats lista alla"))


def test_the_console_runs_the_insats_commands(engine, workspace_id) -> None:
    lines = "\n".join(["/insats Vällingby (torget) trygghetsvandring v48", "/insats", "/insats lista",
                       "/veckolage kvartal"]) + "\n"
    output = io.StringIO()
    assert run_console(engine, workspace_id=workspace_id, user_id="U0POL1", stdin=io.StringIO(lines),
                       stdout=output, clock=lambda: NOW, color=False, interactive=False) == 0
    text = output.getvalue()
    assert "Insats #" in text and "Formuläret finns i chatten. Här skriver du: /insats <område>" in text
    assert "Vällingby (torget): trygghetsvandring – Polisen, v48 · planerad · uppföljning v49" in text
    assert "Kvartalet 2026-Q4 (v40–v53, 14 veckor)" in text


def stockholm(y: int, m: int, d: int, hour: int = 0, minute: int = 0) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(y, m, d, hour, minute, tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(UTC)


def test_a_quarter_is_the_iso_weeks_whose_thursday_falls_in_it() -> None:
    from commands.insats.quarter import quarter_weeks

    spans = {(y, q): (ws[0].week, ws[-1].week, len(ws)) for y, q in ((2026, 1), (2026, 2), (2026, 3), (2026, 4),
                                                                    (2027, 1), (2020, 4))
             for ws in [quarter_weeks(y, q)]}
    assert spans == {(2026, 1): (1, 13, 13), (2026, 2): (14, 26, 13), (2026, 3): (27, 39, 13),
                     (2026, 4): (40, 53, 14), (2027, 1): (1, 12, 12), (2020, 4): (40, 53, 14)}


@pytest.mark.parametrize(("now", "name"), [
    (stockholm(2026, 9, 28, 9, 59), "2026-Q3"),  # Monday of week 40 before the deadline: week 39 is assessed
    (stockholm(2026, 9, 28, 10, 0), "2026-Q4"),  # Thursday 1 October makes week 40 Q4's
    (stockholm(2027, 1, 3, 12), "2026-Q4"),  # Sunday 3 January 2027 is in 2026's week 53
    (stockholm(2027, 1, 4, 10, 0), "2027-Q1"),
])
def test_the_quarter_asked_without_one_follows_the_week_under_assessment(chat, now, name) -> None:
    assert chat("U0POL1", "/veckolage kvartal", now=now).name == name


def test_the_quarter_counts_high_and_critical_weeks_and_names_the_most_burdened(chat) -> None:
    for week, area, level in (("v40", "Vällingby", 4), ("v41", "Vällingby", 5), ("v42", "Vällingby", 3),
                              ("v44", "Grimsta", 4), ("v39", "Grimsta", 5), ("v45", "Hässelby gård", 2)):
        assert chat("U0SDF", f"/lage {week} {area} {level}").tone == "ok"
    assert chat("U0POL1", "/handelse v45 Hässelby strand skjutning 2026-11-05 20:00").tone == "ok"
    done = number(chat("U0POL1", "/insats Vällingby vandring v41–v43"))
    chat("U0POL1", f"/insats klar {done} lugnare")
    chat("U0SDF", "/insats Grimsta belysning v44")
    report = chat("U0COORD", "/veckolage kvartal 2026-Q4")
    rows = {a.area: (a.assessed, a.high_weeks, a.critical_weeks, a.done, a.open) for a in report.areas}
    assert rows == {"Hässelby gård": (1, 0, 0, 0, 0), "Hässelby strand": (1, 1, 1, 0, 0),
                    "Vällingby": (3, 2, 0, 1, 0), "Grimsta": (1, 1, 0, 0, 1)}  # v39 belongs to Q3
    assert [a.area for a in report.burdened] == ["Vällingby", "Hässelby strand", "Grimsta"]
    text = out(report)
    assert "  1. Vällingby – 2 veckor på 4–5" in text and "  3. Grimsta – 1 vecka på 4–5" in text
    assert "Hässelby strand: 1 vecka på 4–5, 1 vecka med kritisk händelse · insatser: 0 klara, 0 öppna" in text


def test_the_readme_quarter_is_what_the_commands_say(chat) -> None:
    """The worked example in the README, run on both databases (insats numbers renumbered from 1)."""
    import re
    from pathlib import Path
    from zoneinfo import ZoneInfo

    def at(m: int, d: int) -> datetime:
        return datetime(2026, m, d, 11, tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(UTC)

    chat("U0SDF", "/lage v40 Vällingby 4", now=at(10, 5))
    chat("U0POL1", "/lage v41 Vällingby 5 stenkastning mot buss", now=at(10, 12))
    chat("U0POL1", "/handelse v41 Vällingby skjutning 2026-10-10 22:15", now=at(10, 12))
    chat("U0SDF", "/lage v44 Grimsta 4", now=at(11, 2))
    chat("U0SDF", "/lage v45 Hässelby gård 3", now=at(11, 9))
    first = number(chat("U0POL1", "/insats Vällingby (torget) trygghetsvandring fredagar v42–v45", now=at(10, 13)))
    chat("U0COORD", "/veckolage prioritera Vällingby (torget), Grimsta", now=at(10, 13))
    chat("U0SDF", "/insats Grimsta belysning i gångtunneln v45", now=at(10, 13))
    chat("U0BOST", "/insats Hässelby gård lås och porttelefoner ses över v46–v49", now=at(11, 10))
    chat("U0POL1", f"/insats klar {first} fyra vandringar, lugnare vid torget", now=at(11, 10))
    shown = re.sub(r"#(\d+)", lambda m: f"#{int(m.group(1)) - first + 1}",
                   out(chat("U0COORD", "/veckolage kvartal", now=at(12, 28))))
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("> /veckolage kvartal  ", 1)[1].split("\n", 1)[1].split("\n\n> ", 1)[0]
    assert shown == block


def test_the_console_writes_the_quarter_as_xlsx_for_a_coordinator(engine, workspace_id, tmp_path, monkeypatch) -> None:
    from openpyxl import load_workbook

    monkeypatch.chdir(tmp_path)  # the console writes files into exports/ where it runs
    lines = "/insats Vällingby (torget) trygghetsvandring Polisen v45–v46\n/veckolage kvartal 2026-Q4 xlsx\n"
    output = io.StringIO()
    assert run_console(engine, workspace_id=workspace_id, user_id="U0COORD", stdin=io.StringIO(lines),
                       stdout=output, clock=lambda: NOW, color=False, interactive=False) == 0
    path = tmp_path / "exports" / "kvartal-2026-Q4.xlsx"
    assert str(path) in output.getvalue()
    rows = list(load_workbook(path)["Insatser"].iter_rows(values_only=True))
    assert rows[1][1:8] == ("Vällingby", "torget", "trygghetsvandring", "Polisen", "v45–v46", "pågår", "v47")


ANY_TEXT = st.one_of(st.text(max_size=60), st.lists(st.sampled_from(
    ("Vällingby", "Hässelby", "gård", "(torget)", "(", ")", "()", "Polisen", "Stadsdelen", "v48", "v48–v51", "v51-48",
     "2026-W60", "v0", "48", "-", "–", "x" * 90, "<!here>", "\n", "vandring")), max_size=8).map(" ".join))


@settings(max_examples=300, deadline=None)
@given(text=ANY_TEXT)
def test_the_insats_parser_reads_or_refuses_anything(text) -> None:
    from commands.core.context import tokenize
    from commands.core.refusals import InputError
    from commands.core.weeks import Week, WeekError
    from commands.insats.parse import Proposal, parse_proposal
    from storage.queries.directory import AreaRef

    areas = tuple(AreaRef(n, name) for n, name in enumerate(("Hässelby gård", "Hässelby strand", "Vällingby"), 1))
    try:
        found = parse_proposal(text, tokenize(text), areas=areas, partners=[("Polisen", "Polis"), ("Stadsdelen", None)],
                               current=Week(2026, 47))
    except (InputError, WeekError) as error:
        assert str(error)  # a Swedish reason, never an empty refusal
        return
    assert isinstance(found, Proposal) and found.area in areas and found.what.strip()
    assert found.end is None or found.start <= found.end
