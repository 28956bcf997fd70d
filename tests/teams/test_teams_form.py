"""The rating form in Teams: an Adaptive Card with a level and a comment per area, pre-filled with what the
partner reported, submitted with one Action.Submit that rates every area at once through the command core."""

from __future__ import annotations

from storage.db import session_scope
from tests.teams import teams_harness
from tests.teams.teams_harness import CHANNEL, POLICE, TeamsHarness

teams = teams_harness.teams  # a fixture


def inputs(card: dict) -> dict[str, dict]:
    """The card's inputs by id."""
    found = {}

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type", "").startswith("Input."):
                found[node["id"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(card)
    return found


def submit(teams: TeamsHarness, card: dict, changes: dict[str, str], **kw) -> list:
    """Fill the card in as Teams does (every input's value, then the action's data) and press the button."""
    values = {key: node.get("value", "") for key, node in inputs(card).items()}
    values.update(changes)
    action = card["actions"][0]
    assert action["type"] == "Action.Submit"
    before = len(teams.fake.sent)
    answer = teams.post(teams.activity(value={**action["data"], **values}, **kw))
    assert answer.status_code in (200, 201), answer.text
    return teams.fake.sent[before:]


def area_ids(card: dict) -> dict[str, str]:
    """Area name → its id in the inputs (the bold line above each level choice)."""
    out = {}
    for container in (c for c in card["body"] if c["type"] == "Container"):
        name = "".join(run["text"] for run in container["items"][0]["inlines"])
        out[name] = container["items"][1]["id"].removeprefix("level.")
    return out


def test_the_form_is_prefilled_and_rates_every_area_at_once(teams) -> None:
    teams.say("lage Finnsta 4 stenkastning")
    sent = teams.say("lage")
    card = sent[0].cards()[0]
    assert "Bedöm veckan för Polisen" in sent[0].text()
    ids = area_ids(card)
    assert list(ids) == ["Hässelby gård", "Vällingby", "Finnsta", "Grimsta"]
    fields = inputs(card)
    assert fields[f"level.{ids['Finnsta']}"]["value"] == "4"
    assert fields[f"comment.{ids['Finnsta']}"]["value"] == "stenkastning"
    assert fields[f"level.{ids['Grimsta']}"]["value"] == ""
    choices = [c["title"] for c in fields[f"level.{ids['Grimsta']}"]["choices"]]
    assert choices == ["Ingen bedömning", "🟩1 Normalt läge", "🟨2 Avvikande läge", "🟧3 Oroande läge",
                       "🟥4 Allvarligt läge", "🟪5‼ Kritiskt läge"]

    answer = submit(teams, card, {f"level.{ids['Vällingby']}": "2", f"level.{ids['Grimsta']}": "1",
                                  f"comment.{ids['Grimsta']}": "lugnt"})
    text = answer[0].text()
    assert "✅ Sparat för Polisen, vecka 47, 2026" in text
    assert "3 områden har er bedömning, 2 med kommentar; 2 ändrades nu." in text
    grid = teams.say("veckolage")[0].text()
    assert "🟨2" in grid and "🟩1💬" in grid and "🟥4💬" in grid


def test_a_comment_without_a_level_shows_the_form_again_with_what_was_typed(teams) -> None:
    card = teams.say("lage")[0].cards()[0]
    ids = area_ids(card)
    answer = submit(teams, card, {f"comment.{ids['Grimsta']}": "bilbränder i natt", f"level.{ids['Finnsta']}": "3"})
    again = answer[0].cards()[0]
    assert "⚠️ Välj en nivå för att spara kommentaren." in answer[0].text()
    assert inputs(again)[f"comment.{ids['Grimsta']}"]["value"] == "bilbränder i natt"
    assert inputs(again)[f"level.{ids['Finnsta']}"]["value"] == "3"
    grid = teams.say("veckolage")[0].cards()[0]
    table = next(item for item in grid["body"] if item["type"] == "Table")
    finnsta = next(row for row in table["rows"] if "Finnsta" in str(row["cells"][0]))
    assert [cell["items"][0].get("text") for cell in finnsta["cells"][1:]] == ["⬜–", "⬜–", "⬜–"]  # nothing half-written


def test_a_form_asked_for_in_a_channel_opens_in_the_1to1_chat(teams) -> None:
    sent = teams.say("lage", kind="channel", mention=True)
    assert [s.method for s in sent] == ["create", "send", "send"]
    assert "Bedöm veckan för Polisen" in sent[1].text() and sent[2].conversation_id.startswith(CHANNEL)


def test_a_mangled_submission_is_refused_with_how_to_get_a_new_form(teams) -> None:
    sent = teams.post(teams.activity(value={"veckolage": "lage.form", "year": "x"}))
    assert sent.status_code in (200, 201)
    assert "Formuläret går inte att läsa" in teams.fake.sent[-1].text()
    assert f"a:1on1-{POLICE[:8]}" == teams.fake.sent[-1].conversation_id


def event_submit(teams: TeamsHarness, card: dict, values: dict[str, str], **kw) -> list:
    typed = {key: node.get("value", "") for key, node in inputs(card).items()}
    typed.update(values)
    before = len(teams.fake.sent)
    answer = teams.post(teams.activity(value={**card["actions"][0]["data"], **typed}, **kw))
    assert answer.status_code in (200, 201), answer.text
    return teams.fake.sent[before:]


def test_the_event_form_reports_an_event_once_however_often_it_is_pressed(teams, engine) -> None:
    from sqlalchemy import func, select

    from storage.models import Event

    sent = teams.say("handelse")
    card = sent[0].cards()[0]
    assert "Rapportera händelse" in sent[0].text() and "Rapporteras för Polisen." in sent[0].text()
    fields = inputs(card)
    areas = {c["title"]: c["value"] for c in fields["area"]["choices"]}
    kinds = {c["value"]: c["title"] for c in fields["type"]["choices"]}
    assert kinds["skjutning"].endswith("(kritisk – larmar)")
    assert (fields["date"]["value"], fields["time"]["value"]) == ("2026-11-22", "13:00")  # now, in Stockholm
    values = {"area": areas["Vällingby"], "type": "skjutning", "time": "11:15", "description": "skott mot port"}
    answer = event_submit(teams, card, values)
    assert "Skjutning" in answer[0].text() and "Vällingby" in answer[0].text() and "✅" in answer[0].text()
    again = event_submit(teams, card, values)  # the same form pressed twice
    assert "✅" in again[0].text()
    with session_scope(engine) as session:
        assert session.execute(select(func.count()).select_from(Event)).scalar() == 1


def test_an_event_form_with_problems_comes_back_with_what_was_typed(teams, engine) -> None:
    card = teams.say("handelse")[0].cards()[0]
    answer = event_submit(teams, card, {"time": "23:30", "description": "rök från källaren"})
    again = answer[0].cards()[0]
    text = answer[0].text()
    assert "⚠️ Ange ett område." in text and "⚠️ Tidpunkten sön 22 nov 23:30 ligger i framtiden." in text
    assert "⚠️ Ange typ av händelse" in text
    assert inputs(again)["description"]["value"] == "rök från källaren"
    assert inputs(again)["time"]["value"] == "23:30"
    assert again["actions"][0]["data"]["form"] == card["actions"][0]["data"]["form"]  # still the same form
