"""What a coordinator reads, said right: a critical event above the fastställd value, withdrawn events in the
list, imported weeks without a "missing" list, the trend over the same weeks, a future year, and the
refusal of /lagesadmin to others; on both databases."""

from __future__ import annotations

import json

from bot.console.render import render_text
from bot.slack.blocks import render
from bot.slack.grid_blocks import grid_message
from commands.core.reply import Trend
from commands.core.spans import mention
from tests.slack_harness import texts
from tests.test_year import load


def out(reply) -> str:
    return render_text(reply, color=False)


def test_a_critical_event_above_the_fastställd_value_says_both(chat) -> None:
    chat("U0POL1", "/lage Vällingby 3")
    assert chat("U0COORD", "/veckolage fastställ Vällingby 4").tone == "ok"
    assert chat("U0SDF", "/handelse Vällingby skjutning skott").tone == "ok"
    reply = chat("U0POL1", "/lage Vällingby 2")
    assert "Samlad bedömning för Vällingby just nu: 5 (kritisk händelse; fastställt 4)." in reply.lines
    grid = chat("U0COORD", "/veckolage")
    row = next(r for r in grid.rows if r.area == "Vällingby")
    assert (row.value, row.agreed, row.agreed_level, row.lifted) == (5, True, 4, True)
    slack = texts(render(grid))
    cells = slack.split("\n")
    assert cells[cells.index("Vällingby") + 1] == "🟪5‼ 🚨 ✓4"  # the table's value cell: fastställt 4, lifted
    assert "✓4 fastställt 4, höjt av en kritisk händelse" in slack  # and the legend says what ✓4 means
    lines = texts(grid_message(grid, table=False)).split("\n")  # App Home and clients without tables
    line = next(x for x in lines if "*Vällingby*" in x and not x.startswith("•"))
    assert "_kritisk händelse; fastställt 4_" in line and "_fastställd_" not in line
    console = next(x for x in out(grid).split("\n") if x.startswith("Vällingby"))
    assert "F4" in console  # the console's status column: fastställt 4, lifted
    assert "1 av 4 områden fastställda" in slack  # still counted as fastställd
    again = chat("U0COORD", "/veckolage fastställ Vällingby 3")
    assert "En kritisk händelse gör ändå Vällingby till 5 (kritisk händelse; fastställt 3) den här veckan." in \
        again.lines
    plain = chat("U0COORD", "/veckolage fastställ Grimsta 3")
    assert not any("kritisk" in line for line in plain.lines)
    grimsta = next(r for r in chat("U0COORD", "/veckolage").rows if r.area == "Grimsta")
    assert (grimsta.value, grimsta.agreed_level, grimsta.lifted) == (3, 3, False)


def number(reply) -> int:
    assert reply.tone == "ok", reply
    return int(reply.title.split("#")[1].split()[0])


def test_withdrawn_events_stay_in_the_list_with_their_status(chat) -> None:
    shot = number(chat("U0POL1", "/handelse Vällingby skjutning skott mot port"))
    threat = number(chat("U0POL1", "/handelse Grimsta hot"))
    assert chat("U0POL1", f"/handelse återkalla {shot} felrapport").tone == "ok"
    listed = chat("U0SDF", "/handelse lista")
    assert [(e.number, e.status) for e in listed.events] == [(shot, ("återkallad av ", mention("U0POL1"), ": felrapport")),
                                                            (threat, "")]
    assert "återkallad av @U0POL1: felrapport" in out(listed)
    grid = chat("U0COORD", "/veckolage")
    assert [e.number for e in grid.events] == [threat]  # the grid counts only what stands
    robbery = number(chat("U0POL1", "/handelse Grimsta rån"))
    assert chat("U0COORD", f"/handelse återkalla {robbery}").tone == "ok"
    shown = out(chat("U0SDF", "/handelse lista"))
    assert f"#{robbery}" in shown and "återkallad av @U0COORD" in shown


YEAR = "vecka,Hässelby gård,Vällingby,Grimsta\n1,2,3,\n2,,4,1\n"


def test_an_imported_week_lists_nobody_as_missing(chat, engine, workspace_id) -> None:
    load(engine, workspace_id, YEAR, year=2023)
    grid = chat("U0COORD", "/veckolage 2023-W01")
    assert grid.imported and grid.missing == ()
    assert [r.value for r in grid.rows] == [2, None, 3, None]
    for shown in (out(grid), texts(render(grid))):
        assert "Har inte rapporterat" not in shown and "Alla parter har rapporterat" not in shown
        assert "Veckans värden är inlästa från en årstabell" in shown
    chat("U0POL1", "/lage 2023-W02 Grimsta 2")  # a partner did report that week after all: the usual list
    reported = chat("U0COORD", "/veckolage 2023-W02")
    assert not reported.imported
    assert [(m.partner, m.missing) for m in reported.missing] == [("Polisen", 3), ("Stadsdelen", 4),
                                                                 ("Bostadsbolaget", 4)]
    fresh = chat("U0COORD", "/veckolage")  # a week nobody imported: the usual list
    assert not fresh.imported and len(fresh.missing) == 3


def test_the_trend_compares_the_same_weeks(chat) -> None:
    for user, line in [("U0POL1", "/lage v44 Grimsta 5"), ("U0POL1", "/lage v45 Grimsta 5"),
                       ("U0POL1", "/lage v46 Grimsta 4"), ("U0POL1", "/lage v47 Grimsta 4"),
                       ("U0SDF", "/lage v46 Vällingby 2"), ("U0SDF", "/lage v47 Vällingby 2")]:
        assert chat(user, line).tone == "ok", line
    trend = chat("U0COORD", "/veckolage trend Vällingby 4")
    assert isinstance(trend, Trend)
    assert [(p.value, p.average) for p in trend.points] == [(None, 5.0), (None, 5.0), (2, 3.0), (2, 3.0)]
    assert (trend.mean, trend.collaboration_mean) == (2.0, 3.0)  # not 4.0: the weeks Vällingby was assessed
    assert "Snitt 2,0 (samverkan 3,0): under snittet." in out(trend)


def test_a_future_year_is_named_as_such(chat) -> None:
    for typed in ("/veckolage år 2030", "/veckolage år 2027", "/veckolage export 2030 csv"):
        shown = out(chat("U0COORD", typed))
        assert "har inte börjat än" in shown and "är inget år" not in shown, shown
        assert "Skriv ett år till och med 2026." in shown
    assert "År 2030 har inte börjat än" in out(chat("U0COORD", "/veckolage år 2030"))
    assert "”1999” är inget år" in out(chat("U0COORD", "/veckolage år 1999"))
    assert "”tjugo” är inget år" in out(chat("U0COORD", "/veckolage år tjugo"))
    assert chat("U0COORD", "/veckolage år 2026").year == 2026


def test_lagesadmin_refuses_others_without_talking_of_changes(chat) -> None:
    for line in ("/lagesadmin visa", "/lagesadmin logg", "/lagesadmin område lägg-till Rinkeby"):
        reply = chat("U0POL1", line)
        shown = json.dumps(texts(render(reply)), ensure_ascii=False)
        assert reply.tone == "error" and "Bara administratörer kan använda /lagesadmin" in shown
        assert "kan ändra uppsättningen" not in shown
