"""Insatser in Teams: proposing, listing and the quarter answer as cards through the real SDK app; the form is a
card (submitted once however often it is pressed, problems shown under their fields), also opened from an
alert's *Planera insats* in the presser's 1:1 chat. The quarter's workbook: tests/teams/test_teams_files.py."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from storage.db import session_scope
from storage.models import Insats
from tests.teams import teams_harness
from tests.teams.teams_harness import POLICE, STRANGER
from tests.teams.test_teams_alert import ALERTS, deliver_alert
from tests.teams.test_teams_form import inputs

teams = teams_harness.teams  # a fixture


def test_an_insats_is_saved_listed_and_counted_in_the_quarter(teams) -> None:
    [saved] = teams.say("insats Vällingby (torget) trygghetsvandring fredagar v48–v51")
    assert saved.text().startswith("✅"), saved.text()
    number = re.search(r"Insats #(\d+) sparad", saved.text()).group(1)
    [listed] = teams.say("insats lista")
    assert f"#{number} Vällingby (torget): trygghetsvandring fredagar" in listed.text()
    assert "v48–v51" in listed.text()
    [quarter] = teams.say("veckolage kvartal 2026-Q4")
    text = quarter.text()
    assert text.startswith("Kvartalet 2026-Q4"), text
    assert f"#{number} Vällingby (torget): trygghetsvandring fredagar" in text


def _submit(teams, card: dict, values: dict[str, str], **kw) -> list:
    typed = {key: node.get("value", "") for key, node in inputs(card).items()}
    before = len(teams.fake.sent)
    answer = teams.post(teams.activity(value={**card["actions"][0]["data"], **typed, **values}, **kw))
    assert answer.status_code in (200, 201), answer.text
    return teams.fake.sent[before:]


def _count(engine) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(Insats)).scalar()


def test_the_form_stores_one_insats_however_often_it_is_pressed(teams, engine) -> None:
    [answer] = teams.say("insats")
    card = answer.cards()[0]
    fields = inputs(card)
    assert set(fields) == {"area", "place", "what", "partner", "weeks"}
    assert "inga personuppgifter" in answer.text()
    areas = {c["title"]: c["value"] for c in fields["area"]["choices"]}
    partners = {c["value"]: c["title"] for c in fields["partner"]["choices"]}
    assert partners[fields["partner"]["value"]] == "Polisen"  # the asker's own partner, chosen
    values = {"area": areas["Vällingby"], "place": "torget", "what": "trygghetsvandring fredagar", "weeks": "v48-v51"}
    [saved] = _submit(teams, card, values)
    assert saved.text().startswith("✅") and "Vällingby (torget)" in saved.text(), saved.text()
    [again] = _submit(teams, card, values)  # the same card pressed twice
    assert again.text().startswith("✅")
    assert _count(engine) == 1
    [listed] = teams.say("insats lista")
    assert "Vällingby (torget): trygghetsvandring fredagar" in listed.text() and "v48–v51" in listed.text()


def test_a_form_with_problems_comes_back_with_what_was_typed(teams, engine) -> None:
    card = teams.say("insats")[0].cards()[0]
    [answer] = _submit(teams, card, {"place": "torget", "what": "", "weeks": "v99"})
    again = answer.cards()[0]
    text = answer.text()
    assert text.count("⚠️") >= 3, text  # no area, nothing to do, no such week
    assert inputs(again)["place"]["value"] == "torget" and inputs(again)["weeks"]["value"] == "v99"
    assert again["actions"][0]["data"]["form"] == card["actions"][0]["data"]["form"]  # still the same form
    assert _count(engine) == 0


def test_planera_insats_on_an_alert_opens_the_form_in_the_1on1_chat(teams, engine) -> None:
    number, _ = deliver_alert(teams, engine)
    [plan] = [a for a in teams.fake.sent[-1].cards()[0]["actions"] if a["type"] == "Action.Submit"]
    assert plan["title"] == "Planera insats"
    answers = [s for s in _press(teams, plan, POLICE)]
    [form] = [s for s in answers if s.cards() and inputs(s.cards()[0])]
    assert form.conversation_id.startswith("a:")  # the presser's 1:1 chat, not the alert channel
    fields = inputs(form.cards()[0])
    areas = {c["value"]: c["title"] for c in fields["area"]["choices"]}
    assert areas[fields["area"]["value"]] == "Vällingby"  # the event's area, chosen
    assert any("svaret kom i din chatt" in s.text() for s in answers if s.conversation_id.startswith(ALERTS))


def test_someone_outside_the_collaboration_gets_no_form(teams, engine) -> None:
    deliver_alert(teams, engine)
    [plan] = [a for a in teams.fake.sent[-1].cards()[0]["actions"] if a["type"] == "Action.Submit"]
    answers = _press(teams, plan, STRANGER)
    assert not any(inputs(s.cards()[0]) for s in answers if s.cards())
    assert any("⚠️" in s.text() for s in answers)


def _press(teams, action: dict, user: str) -> list:
    """An Action.Submit pressed on the alert card in the alert channel: a message with the action's data."""
    before = len(teams.fake.sent)
    activity = teams.activity(user=user, kind="channel", conversation=ALERTS, value=action["data"])
    assert teams.post(activity).status_code in (200, 201)
    return teams.fake.sent[before:]


def test_the_form_at_20_areas_and_10_partners_fits_one_teams_message() -> None:
    """The largest collaboration, long names, every field at its limit and a problem under each: one card
    within the budget Teams' message size leaves (bot/teams/grid_card.py)."""
    import json

    from bot.teams.grid_card import CARD_BUDGET
    from bot.teams.insats_form_card import FIELDS, WEEKS_LIMIT, insats_form_card
    from commands.core.reply import FieldErrors
    from commands.insats.common import PLACE_LIMIT, WHAT_LIMIT
    from commands.insats.replies import InsatsForm
    from tests.test_at_scale import AREAS, PARTNERS

    form = InsatsForm(tuple(enumerate(AREAS, 1)), tuple((i, name) for i, (name, _) in enumerate(PARTNERS, 1)), 3)
    typed = {"area": "20", "place": "p" * PLACE_LIMIT, "what": "å" * WHAT_LIMIT, "partner": "10",
             "weeks": "v" * WEEKS_LIMIT, "form": "f" * 32}
    errors = FieldErrors({(0, name): "Det här fältet behöver rättas: " + "x" * 120 for name in FIELDS})
    card = insats_form_card(form, errors, typed)
    assert len(AREAS) == 20 and len(PARTNERS) == 10
    assert len(json.dumps(card, ensure_ascii=False).encode()) < CARD_BUDGET
    choices = {node["id"]: len(node["choices"]) for node in inputs(card).values() if "choices" in node}
    assert choices == {"area": 20, "partner": 10}
