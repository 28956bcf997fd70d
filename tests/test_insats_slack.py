"""Insatser through the real Slack app (signed requests, the fake Slack Web API): the form, its errors and a
double click, the alert's "Planera insats", lists and the quarter as an XLSX in the coordinator's DM."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.slack.limits import problems
from commands.core.texts import t
from storage.db import session_scope
from storage.models import Insats
from tests import slack_harness as h
from tests.conftest import NOW
from tests.slack_harness import texts
from tests.test_alerts_outbox import Bot, buttons
from tests.test_year import Bot as FileBot

fake_slack = h.fake_slack


@pytest.fixture
def bot(engine, workspace_id, fake_slack) -> Bot:
    return Bot(engine, fake_slack)


def insatser(engine) -> list[Insats]:
    with session_scope(engine) as session:
        found = list(session.execute(select(Insats).order_by(Insats.id)).scalars())
        session.expunge_all()
        return found


def options(view: dict, block: str) -> dict[str, str]:
    element = next(b for b in view["blocks"] if b.get("block_id") == block)["element"]
    return {o["text"]["text"]: o["value"] for o in element["options"]}


def chosen(view: dict, block: str) -> str | None:
    element = next(b for b in view["blocks"] if b.get("block_id") == block)["element"]
    return (element.get("initial_option") or {}).get("text", {}).get("text")


def values(area: str, partner: str, what: str, weeks: str = "", place: str = "") -> dict:
    return {"area": {"area": {"selected_option": {"value": area}}},
            "partner": {"partner": {"selected_option": {"value": partner}}},
            "what": {"what": {"value": what}}, "place": {"place": {"value": place or None}},
            "weeks": {"weeks": {"value": weeks or None}}}


def test_the_form_opens_saves_once_and_refuses_per_field(bot, engine) -> None:
    assert bot.command("/insats") == {}
    [opened] = bot.fake.calls_to("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "insats_form" and problems(view["blocks"], view=True) == []
    assert "inga personuppgifter" in texts(view)
    areas, partners = options(view, "area"), options(view, "partner")
    assert list(areas) == ["Hässelby gård", "Hässelby strand", "Vällingby", "Grimsta"]
    assert chosen(view, "partner") == "Polisen" and chosen(view, "area") is None

    bad = bot.send(h.view_submission_body(view, values(areas["Grimsta"], partners["Stadsdelen"], "   ", "v50–v48")))
    assert bad["response_action"] == "errors"
    assert bad["errors"] == {"partner": "Du kan bara lägga in och flytta insatser för din egen organisation; en "
                                        "samordnare kan ange vilken part som helst.",
                             "weeks": "Slutveckan v48 ligger före startveckan v50.",
                             "what": "Skriv vad som görs efter området, t.ex. trygghetsvandring fredagar."}
    assert insatser(engine) == []

    good = values(areas["Grimsta"], partners["Polisen"], "Trygghetsvandring <!channel>", "v48–v49", "gångtunneln")
    for _ in range(2):  # a double click: one insats
        done = bot.send(h.view_submission_body({**view, "id": "V0INSATS"}, good))
        assert done["response_action"] == "update"
    [row] = insatser(engine)
    assert (row.what, row.place, row.start_week, row.end_week, row.followup_week) == (
        "Trygghetsvandring <!channel>", "gångtunneln", 202648, 202649, 202650)
    shown = texts(done["view"])
    assert f"Insats #{row.id} sparad: Grimsta (gångtunneln) – Trygghetsvandring &lt;!channel&gt;" in shown
    listed = bot.command("/insats lista", user="U0SDF")
    assert "<!channel>" not in texts(listed) and "&lt;!channel&gt;" in texts(listed)
    assert problems(listed["blocks"]) == []


def test_planera_insats_on_an_alert_opens_the_form_with_the_area(bot, engine) -> None:
    n = bot.report()
    bot.run()
    [post] = [c for c in bot.posts() if c.args["channel"] == "C0ALERTS"]
    assert buttons(post.args["blocks"]) == ["acknowledge_event", "plan_insats"]
    assert "Planera insats" in texts(post.args["blocks"])
    assert bot.send(h.block_actions_body("plan_insats", str(n), user="U0COORD", channel="C0ALERTS")) == {}
    view = bot.fake.calls_to("views.open")[-1].args["view"]
    assert chosen(view, "area") == "Vällingby" and chosen(view, "partner") is None  # a coordinator chooses
    bot.send(h.block_actions_body("plan_insats", str(n), user="U0NOBODY", channel="C0ALERTS",
                                  response_url=bot.fake.response_url()))
    [refusal] = [c for c in bot.fake.calls if c.method.startswith("/respond/")]
    assert t("error.unknown_user") in texts(refusal.args)
    assert len(bot.fake.calls_to("views.open")) == 1


def test_the_quarter_goes_to_the_coordinators_dm_as_xlsx(engine, workspace_id, fake_slack) -> None:
    bot = FileBot(engine, fake_slack)
    bot.command("/lage v40 Vällingby 4")
    bot.command("/lage v41 Vällingby 5")
    bot.command("/lage v41 Grimsta 4")
    bot.command("/insats Vällingby (torget) trygghetsvandring v41–v44")
    refused = bot.command("/veckolage kvartal 2026-Q4 xlsx")
    assert "Bara samordnare kan exportera." in refused
    ack = bot.command("/veckolage kvartal 2026-Q4 xlsx", user="U0COORD")
    assert ack == "Kvartalet 2026-Q4 som Excel-fil kommer strax som direktmeddelande."
    [(channel, data)] = bot.uploads()
    assert channel == "DU0COORD"
    book = load_workbook(io.BytesIO(data))
    areas = list(book["Områden"].iter_rows(values_only=True))
    assert areas[0] == ("Område", "Bedömda veckor", "Veckor på 4–5", "Veckor med kritisk händelse", "Insatser klara",
                        "Insatser öppna")
    assert ("Vällingby", 2, 2, 0, 0, 1) in areas and ("Grimsta", 1, 1, 0, 0, 0) in areas
    listed = list(book["Insatser"].iter_rows(values_only=True))
    assert listed[1][1:7] == ("Vällingby", "torget", "trygghetsvandring", "Polisen", "v41–v44", "pågår")
    shown = bot.command("/veckolage kvartal", user="U0SDF")
    assert "1. Vällingby – 2 veckor på 4–5" in shown.replace("*", "") and "2. Grimsta – 1 vecka på 4–5" in shown.replace("*", "")


def test_an_insats_from_another_time_is_counted_in_its_own_quarter(engine, workspace_id, fake_slack) -> None:
    bot = FileBot(engine, fake_slack)
    bot.command("/insats Vällingby vandring v38–v39")  # Q3: ends in the week of 27 September
    bot.command("/insats Grimsta städdag v39")  # Q3 too, but followed up in week 40 (Thursday 1 October: Q4)
    with session_scope(engine) as session:
        first = session.execute(select(func.min(Insats.id))).scalar_one()
    bot.command(f"/insats klar {first} genomförd")
    q3, q4 = bot.command("/veckolage kvartal 2026-Q3"), bot.command("/veckolage kvartal 2026-Q4")
    assert "Kvartalet 2026-Q3 (v27–v39, 13 veckor)" in q3 and "vandring" in q3 and "städdag" in q3
    assert "Kvartalet 2026-Q4 (v40–v53, 14 veckor)" in q4 and "vandring" not in q4
    assert "städdag – Polisen, v39 · _pågår · uppföljning försenad (v40)_" in q4  # still open: it follows


def test_a_failure_after_an_insats_is_saved_points_to_the_insats_list(engine, workspace_id, fake_slack) -> None:
    def broken_wake() -> None:  # the insats is committed; waking the outbox afterwards fails
        raise RuntimeError("the outbox thread is gone")

    app = h.inline_app(engine, fake_slack, clock=lambda: NOW, notify=broken_wake)
    reply = texts(h.slash(app, "/insats Vällingby vandring", user="U0POL1"))
    assert len(insatser(engine)) == 1
    assert "inget sparades" not in reply and "Kontrollera med /insats lista alla om det sparades" in reply, reply
