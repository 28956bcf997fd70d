"""Comments are never lost: a rating without a comment keeps the cell's comment (a colleague's too), `-`
clears it, the reply says which, the audit log agrees, the form keeps what the user did not touch, and a
comment that is too long is given back to shorten; on both databases."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.console.render import render_text
from bot.slack.blocks import render
from bot.slack.rating_modal import rating_view, read_submission
from commands.core.context import Invocation
from commands.core.reply import FormArea, RatingForm
from commands.core.weeks import Week
from commands.rating.rate_form import FormEntry, submit_form
from storage.db import session_scope
from storage.models import Area, AuditEntry, Rating
from tests.conftest import NOW
from tests.slack_harness import texts

WEEK = Week(2026, 47)

# (user, typed, lines the reply must contain, lines it must not contain, Vällingby/Polisen stored afterwards)
DIALOG = [
    ("U0POL1", "/lage Vällingby 3 stenkastning vid torget", ["Kommentar: stenkastning vid torget"], [],
     (3, "stenkastning vid torget")),
    ("U0POL2", "/lage Vällingby 4", ["Ersatte Polisens tidigare bedömning 3 (av @U0POL1).",
                                     "Kommentaren finns kvar: stenkastning vid torget",
                                     "Ta bort den: /lage Vällingby 4 -"], ["uppdaterad", "ändrad"],
     (4, "stenkastning vid torget")),
    # The same person sending the same again (by hand or a retried request) changes nothing, and is told so.
    ("U0POL2", "/lage Vällingby 4", ["Det här var redan sparat", "Kommentaren finns kvar: stenkastning vid torget"],
     ["uppdaterad", "kommentaren ändrad"], (4, "stenkastning vid torget")),
    ("U0POL2", "/lage Vällingby 4 stenkastning vid torget", ["Det här var redan sparat",
                                                             "Kommentar: stenkastning vid torget"],
     ["kommentaren ändrad", "finns kvar"], (4, "stenkastning vid torget")),
    ("U0POL1", "/lage Vällingby 4 lugnare nu", ["Samma nivå som förut; kommentaren ändrad.",
                                                "Kommentar: lugnare nu"], ["finns kvar"], (4, "lugnare nu")),
    ("U0POL1", "/lage Vällingby 2 -", ["Ersatte Polisens tidigare bedömning 4",
                                       "Kommentaren är borttagen (den var: lugnare nu)."], ["Kommentar:"], (2, None)),
    ("U0POL1", "/lage Vällingby 2", ["Det här var redan sparat"], ["Kommentar", "kommentaren"], (2, None)),
    ("U0POL1", "/lage Vällingby 2 ny text", ["Samma nivå som förut; kommentaren ändrad."], [], (2, "ny text")),
    ("U0POL1", "/lage Vällingby 2 –", ["Samma nivå som förut.", "Kommentaren är borttagen (den var: ny text)."],
     ["ändrad"], (2, None)),
]


def cell(engine) -> tuple[int, str | None]:
    with session_scope(engine) as session:
        area = session.execute(select(Area.id).where(Area.name == "Vällingby")).scalar_one()
        (rating,) = session.execute(select(Rating).where(Rating.area_id == area)).scalars().all()
        return rating.level, rating.comment


def test_a_comment_stays_until_it_is_replaced_or_cleared(chat, engine) -> None:
    for user, typed, present, absent, stored in DIALOG:
        out = render_text(chat(user, typed), color=False)
        for line in present:
            assert line in out, (typed, out)
        for line in absent:
            assert line not in out, (typed, out)
        assert cell(engine) == stored, typed
    with session_scope(engine) as session:
        audit = session.execute(select(AuditEntry.old_value, AuditEntry.new_value)
                                .where(AuditEntry.action == "rating.set").order_by(AuditEntry.id)).all()
    assert [tuple(row) for row in audit] == [  # the log tells what the cell held before and after, kept or not
        (None, "3 – stenkastning vid torget"),
        ("3 – stenkastning vid torget", "4 – stenkastning vid torget"),
        ("4 – stenkastning vid torget", "4 – lugnare nu"),
        ("4 – lugnare nu", "2"),
        ("2", "2 – ny text"),
        ("2 – ny text", "2"),
    ]


def test_the_way_to_clear_names_the_week_when_it_is_not_the_week_under_assessment(chat) -> None:
    chat("U0POL1", "/lage v46 Grimsta 3 bilbränder")
    out = render_text(chat("U0POL2", "/lage v46 Grimsta 4"), color=False)
    assert "Ta bort den: /lage v46 Grimsta 4 -" in out, out
    assert chat("U0POL2", "/lage v46 Grimsta 4 -").tone == "ok"
    assert not chat("U0COORD", "/veckolage v46").comments


def test_the_grid_still_shows_a_kept_comment(chat) -> None:
    chat("U0POL1", "/lage Grimsta 3 bilbränder")
    chat("U0POL2", "/lage Grimsta 4")
    grid = chat("U0COORD", "/veckolage")
    assert [(c.area, c.partner, c.text) for c in grid.comments] == [("Grimsta", "Polisen", "bilbränder")]


def test_a_comment_too_long_is_given_back_escaped_to_shorten(chat, engine) -> None:
    typed = "Stenkastning <!channel> & " + "mot buss vid centrum, " * 14
    reply = chat("U0POL1", f"/lage Vällingby 3 {typed}")
    assert reply.tone == "error"
    out = render_text(reply, color=False)
    assert f"Kommentaren är {len(typed.strip())} tecken; högst 300 tecken får plats." in out
    assert "Din text, att korta och skicka igen:\n" + typed.strip() in out
    payload = render(reply)
    assert "<!channel>" not in json.dumps(payload) and "Stenkastning &lt;!channel&gt; &amp; mot buss" in texts(payload)
    with session_scope(engine) as session:
        assert session.execute(select(Rating)).first() is None


def test_a_very_long_comment_is_given_back_within_slacks_limits(chat) -> None:
    reply = chat("U0POL1", "/lage Vällingby 3 " + "å" * 3500 + " slutet")
    payload = render(reply)
    assert all(len(b["text"]["text"]) <= 3000 for b in payload["blocks"] if b["type"] == "section")
    assert "å" * 1900 in texts(payload) and "slutet" not in texts(payload)


def submit(engine, workspace_id, user: str, entries: list[FormEntry]):
    with session_scope(engine) as session:
        return submit_form(Invocation(workspace_id, user, NOW, "C0TEST"), session, week=WEEK, entries=entries)


def area_id(engine, name: str) -> int:
    with session_scope(engine) as session:
        return session.execute(select(Area.id).where(Area.name == name)).scalar_one()


def test_the_form_keeps_what_was_not_touched_and_clears_what_was_emptied(chat, engine, workspace_id) -> None:
    vallingby, grimsta = area_id(engine, "Vällingby"), area_id(engine, "Grimsta")
    chat("U0POL1", "/lage Vällingby 3 stenkastning")
    # U0POL2 opened the form before a colleague commented on Grimsta: its field was empty and stays so.
    chat("U0POL1", "/lage Grimsta 2 bilbrand i natt")
    reply = submit(engine, workspace_id, "U0POL2", [FormEntry(vallingby, "3", "stenkastning", "stenkastning"),
                                                   FormEntry(grimsta, "3", None, None)])
    assert "Ändrat: Grimsta 3 Oroande läge 💬" in render_text(reply, color=False)  # the kept comment counts
    with session_scope(engine) as session:
        stored = {r.area_id: (r.level, r.comment) for r in session.execute(select(Rating)).scalars()}
    assert stored == {vallingby: (3, "stenkastning"), grimsta: (3, "bilbrand i natt")}
    # Emptying the pre-filled field removes the comment; a dash does too; a new text replaces it.
    reply = submit(engine, workspace_id, "U0POL2", [FormEntry(vallingby, "3", None, "stenkastning"),
                                                   FormEntry(grimsta, "3", "-", "bilbrand i natt")])
    assert "läge 💬" not in render_text(reply, color=False)  # neither area keeps a comment
    with session_scope(engine) as session:
        stored = {r.area_id: (r.level, r.comment) for r in session.execute(select(Rating)).scalars()}
    assert stored == {vallingby: (3, None), grimsta: (3, None)}


def test_the_slack_form_reports_the_comment_it_was_opened_with() -> None:
    form = RatingForm(WEEK, "Polisen", (FormArea(7, "Vällingby", 3, "stenkastning"), FormArea(8, "Grimsta", None, None)))
    view = rating_view(form, channel_id="C0TEST")
    view["state"] = {"values": {
        "level-7": {"level": {"type": "static_select", "selected_option": {"value": "3"}}},
        "comment-7": {"comment": {"type": "plain_text_input", "value": None}},  # the user emptied it
        "level-8": {"level": {"type": "static_select", "selected_option": {"value": "2"}}},
        "comment-8": {"comment": {"type": "plain_text_input", "value": None}},  # never had one
    }}
    week, entries = read_submission(view)
    assert week == WEEK
    assert entries == [FormEntry(7, "3", None, "stenkastning"), FormEntry(8, "2", None, None)]
    assert [e.clears_comment for e in entries] == [True, False]


@pytest.mark.parametrize("typed", ["-", "–", " - "])
def test_a_dash_alone_clears_in_the_form_as_on_the_command_line(typed) -> None:
    assert FormEntry(1, "3", typed, None).clears_comment
    assert not FormEntry(1, "3", "- inte tom", None).clears_comment
