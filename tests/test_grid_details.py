"""What a coordinator reads around the grid: event lines, App Home's recent events, where the other comments are."""

from __future__ import annotations

import json

from bot.slack.alert_blocks import alert_message
from bot.slack.blocks import render
from bot.slack.grid_blocks import grid_message
from bot.slack.home_view import home_view
from bot.slack.limits import problems, units
from commands.core.reply import AreaRow, Cell, Comment, EventLine, EventList, WeekGrid
from commands.core.weeks import Week
from commands.events.view import AlertView
from commands.rhythm.home import Home
from tests.slack_harness import texts

WEEK = Week(2026, 47)
GRID = WeekGrid(WEEK, ("Polisen", "Skolan"), (AreaRow("Grimsta", (Cell(4), Cell(2)), 4, False, 3, True),), ())


def event(number: int, *, critical: bool = True, description: str = "skott mot port") -> EventLine:
    return EventLine(number, "Skjutning" if critical else "Skadegörelse", "🚨" if critical else "•", critical,
                     "Vällingby centrum – torget och gallerian", "lör 21 nov 22:15", "Polisen", description,
                     "ej kvitterad" if critical else "")


def test_an_event_line_is_one_bullet_without_a_second_bullet_and_keeps_its_line_breaks_out() -> None:
    shown = texts(render(EventList(WEEK, (event(8, critical=False, description="klotter på porten\noch i trappan"),
                                          event(9))))["blocks"])
    lines = shown.split("\n")
    assert "• #8 *Skadegörelse* – Vällingby centrum – torget och gallerian, lör 21 nov 22:15 (Polisen): " \
           "klotter på porten och i trappan" in lines
    assert "• #9 🚨 *Skjutning* – Vällingby centrum – torget och gallerian, lör 21 nov 22:15 (Polisen): " \
           "skott mot port · _ej kvitterad_" in lines


def test_app_home_shows_whole_recent_events_and_how_many_more() -> None:
    description = ("Flera skott mot en port vid gångvägen, polis på plats inom fem minuter. " * 7)[:500]
    recent = tuple(event(n, description=description) for n in range(20, 15, -1))
    view = home_view(Home(True, GRID, recent_critical=recent, more_critical=3))
    assert problems(view["blocks"], view=True) == []
    assert all(units(b["text"]["text"]) <= 3000 for b in view["blocks"] if b["type"] == "section")
    shown = texts(view["blocks"])
    for n in range(16, 21):  # every event whole, its status included; none cut mid-word
        assert f"#{n} 🚨 *Skjutning* – Vällingby centrum – torget och gallerian, lör 21 nov 22:15 (Polisen): " \
               f"{description} · _ej kvitterad_" in shown
    assert "… och 3 kritiska händelser till de senaste 4 veckorna: /handelse lista [vecka]" in shown
    assert not any(b["type"] == "table" for b in view["blocks"])  # a view cannot hold Slack's table block


def test_the_grid_says_where_the_comments_it_has_no_room_for_are() -> None:
    comments = tuple(Comment("Grimsta", f"Partner {n}", "lugnt " * 50) for n in range(40))
    message = grid_message(WeekGrid(WEEK, GRID.partners, GRID.rows, (), comments))
    shown = texts(message["blocks"])
    assert shown.count("• *Grimsta* – Partner") == 15
    # escaped: Slack shows `<område>` as typed instead of reading it as a link
    assert "… och 25 kommentarer till – alla ett områdes kommentarer: /veckolage kommentarer [vecka] &lt;område&gt;" in shown


def test_veckolage_kommentarer_shows_an_areas_comments_and_which_areas_have_some(chat) -> None:
    chat("U0POL1", "/lage Vällingby 3 stökigt vid torget")
    chat("U0SDF", "/lage Vällingby 2 lugnare än förra veckan")
    chat("U0SDF", "/lage Grimsta 2 klotter")
    area = chat("U0BOST", "/veckolage kommentarer vällingby")
    assert area.title == "Kommentarer om Vällingby, vecka 47, 2026 (16–22 nov)"
    assert area.lines == ("Polisen: stökigt vid torget", "Stadsdelen: lugnare än förra veckan")
    overview = chat("U0BOST", "/veckolage kommentarer v47")
    assert overview.lines == ("Vällingby: 2", "Grimsta: 1")
    unknown = chat("U0BOST", "/veckolage kommentarer Kista")
    assert unknown.tone == "error" and unknown.usage == "veckolage kommentarer [vecka] <område>"
    assert "”Kista” finns inte." in unknown.lines
    assert chat("U0NOBODY", "/veckolage kommentarer Vällingby").tone == "error"


def test_an_updated_alert_gets_new_block_ids() -> None:
    view = AlertView(7, "Skjutning", True, "Vällingby", "lör 21 nov 22:15", "Polisen", "U0POL1", "skott\nmot port",
                     WEEK, 5, None, None, None, None, None, ("U0COORD",), 15)
    posted, updated = (alert_message(view, outbox_key="alert.post:7") for _ in range(2))
    ids = [[b["block_id"] for b in message["blocks"]] for message in (posted, updated)]
    assert all(len(set(i)) == len(i) == len(posted["blocks"]) for i in ids)
    assert not set(ids[0]) & set(ids[1])  # Slack asks for a new block_id when a message is updated
    assert problems(posted["blocks"]) == [] and "acknowledge_event" in json.dumps(posted["blocks"])
