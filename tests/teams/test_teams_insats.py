"""Insatser in Teams: proposing, listing and the quarter answer as cards through the real SDK app; the form, which
Teams has no card for yet, answers with what to type and the areas; the quarter's workbook names the console."""

from __future__ import annotations

import re

from tests.teams import teams_harness

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


def test_the_form_answers_with_what_to_type(teams) -> None:
    [answer] = teams.say("insats")
    text = answer.text()
    assert "Skriv insatsen på en rad: insats <område>" in text
    assert "Vällingby" in text
