"""Teams through its real SDK over HTTP on 127.0.0.1: commands in a 1:1 chat and by @mention in a channel, the
grid and the rating form as cards, personal answers in the 1:1 chat, conversation references kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.db import session_scope
from storage.models import ConversationRef
from tests.teams import teams_harness
from tests.teams.teams_harness import (
    CHANNEL,
    COORDINATOR,
    POLICE,
    STRANGER,
)

teams = teams_harness.teams  # a fixture


def _refs(engine) -> list[tuple[str, str, str | None, str]]:
    with session_scope(engine) as session:
        rows = session.execute(select(ConversationRef).order_by(ConversationRef.id)).scalars().all()
        return [(r.kind, r.conversation_id, r.user_id, r.endpoint) for r in rows]


@pytest.mark.parametrize("typed", ["lage Finnsta 4 stenkastning vid torget", "/lage Finnsta 4 stenkastning vid torget",
                                   "<p>lage Finnsta 4 stenkastning vid torget</p>"])
def test_a_rating_in_a_personal_chat_is_saved_and_answered_there(teams, typed) -> None:
    sent = teams.say(typed)
    assert [(s.method, s.conversation_id) for s in sent] == [("send", f"a:1on1-{POLICE[:8]}")]
    assert "✅ Sparat: Finnsta 4 Allvarligt läge för Polisen" in sent[0].text()
    assert "stenkastning vid torget" in sent[0].text()
    assert sent[0].body["summary"].startswith("Sparat: Finnsta 4")


def test_the_grid_is_a_table_with_colour_and_number_in_every_cell(teams) -> None:
    teams.say("lage Finnsta 4 stenkastning")
    teams.say("lage Vällingby 2", user=COORDINATOR, name="Sara Samordnare")
    sent = teams.say("veckolage")
    card = sent[0].cards()[0]
    table = next(item for item in card["body"] if item["type"] == "Table")
    rows = [[cell_text(c) for c in row["cells"]] for row in table["rows"]]
    assert rows[0] == ["Område", "Samlat", "Polisen", "SDF"]
    assert rows[1:] == [["Hässelby gård", "⬜–", "⬜–", "⬜–"], ["Vällingby", "🟨2", "⬜–", "🟨2"],
                        ["Finnsta", "🟥4", "🟥4💬", "⬜–"], ["Grimsta", "⬜–", "⬜–", "⬜–"]]
    value_styles = [row["cells"][1].get("style") for row in table["rows"][1:]]  # the consolidated value's colour
    assert value_styles == ["emphasis", "warning", "attention", "emphasis"]
    assert "Lägesbild vecka 47, 2026" in sent[0].text()


def cell_text(cell: dict) -> str:
    item = cell["items"][0]
    return item.get("text") or "".join(run["text"] for run in item["inlines"])


SUMMARY = "19:summary0channel0id0aaaaaaaaaaaaaaa@thread.tacv2"  # the collaboration's summary channel


def test_a_command_by_mention_in_the_collaborations_channel_is_answered_in_its_thread(teams, engine) -> None:
    sent = teams.say("veckolage", kind="channel", mention=True, conversation=SUMMARY)
    assert len(sent) == 1 and sent[0].method == "send" and sent[0].conversation_id.startswith(SUMMARY)
    assert "Lägesbild vecka 47" in sent[0].text()
    assert ("channel", SUMMARY, None, teams.fake.service_url) in _refs(engine)


def test_the_grid_asked_in_any_other_channel_comes_to_the_1to1_chat(teams, engine) -> None:
    sent = teams.say("veckolage", kind="channel", mention=True)  # others in that channel must not read it
    assert [s.method for s in sent] == ["create", "send", "send"]
    assert "Lägesbild vecka 47" in sent[1].text() and sent[1].conversation_id == sent[0].conversation_id
    assert sent[2].conversation_id.startswith(CHANNEL) and "Lägesbild" not in sent[2].text()
    assert ("channel", CHANNEL, None, teams.fake.service_url) in _refs(engine)


def test_an_error_in_a_channel_goes_to_the_persons_1to1_chat(teams, engine) -> None:
    sent = teams.say("lage Finnsta 9", kind="channel", mention=True)
    assert [s.method for s in sent] == ["create", "send", "send"]
    created, personal, in_channel = sent
    assert created.body["members"] == [{"id": f"29:1user-{POLICE[:8]}"}]
    assert personal.conversation_id == created.conversation_id
    assert "⚠️ Det gick inte" in personal.text() and "lage [vecka] <område> <1-5> [kommentar]" in personal.text()
    assert in_channel.conversation_id.startswith(CHANNEL)
    assert in_channel.text() == "Anna Andersson: svaret kom i din chatt med mig."
    assert ("personal", created.conversation_id, POLICE, teams.fake.service_url) in _refs(engine)
    again = teams.say("lage Finnsta 0", kind="channel", mention=True)  # the stored chat: no new conversation
    assert [s.method for s in again] == ["send", "send"] and again[0].conversation_id == created.conversation_id


def test_a_person_who_spoke_to_the_bot_gets_channel_errors_in_that_chat(teams, engine) -> None:
    teams.say("hej")
    sent = teams.say("veckolage fastställ Finnsta 3", kind="channel", mention=True)
    assert [(s.method, s.conversation_id) for s in sent][0] == ("send", f"a:1on1-{POLICE[:8]}")
    assert "samordnare" in sent[0].text()


def test_words_that_are_no_command_get_a_hint(teams) -> None:
    sent = teams.say("hej boten")
    assert "Skriv ett kommando, till exempel veckolage. Hjälp: lage hjälp" in sent[0].text()


def test_someone_outside_the_collaboration_is_refused(teams) -> None:
    sent = teams.say("lage Finnsta 4", user=STRANGER, name="Okänd")
    assert "⚠️ Det gick inte" in sent[0].text() and "Du finns inte med i den här samverkan." in sent[0].text()


def test_text_a_user_typed_is_shown_as_text(teams) -> None:
    sent = teams.say("lage Finnsta 3 **fet** <at>Alla</at> [länk](https://x.test) &lt;b&gt;")
    runs = [run for block in sent[0].cards()[0]["body"] for run in block.get("inlines", [])]
    comment = next(run["text"] for run in runs if "fet" in run["text"])
    assert comment == "Kommentar: **fet** Alla [länk](https://x.test) <b>"  # a TextRun: no markdown, no mention
    assert "entities" not in sent[0].body


def test_help_is_a_card_of_every_command(teams) -> None:
    sent = teams.say("lage hjälp")
    text = sent[0].text()
    assert "veckolage fastställ [vecka] <område> <1-5>" in text and "handelse lista [vecka]" in text


def test_installing_the_bot_keeps_the_conversation_reference(teams, engine) -> None:
    personal = teams.activity(activity_type="installationUpdate", user=COORDINATOR)
    personal["action"] = "add"
    assert teams.post(personal).status_code in (200, 201)
    team = teams.activity(activity_type="conversationUpdate", kind="channel", user=COORDINATOR)
    team["membersAdded"] = [{"id": "28:bot"}]
    assert teams.post(team).status_code in (200, 201)
    refs = _refs(engine)
    assert ("personal", f"a:1on1-{COORDINATOR[:8]}", COORDINATOR, teams.fake.service_url) in refs
    assert ("channel", CHANNEL, None, teams.fake.service_url) in refs
    assert teams.fake.sent == []


def test_an_admin_names_people_and_channels_by_their_teams_ids(teams, engine) -> None:
    from storage.models import Member, Workspace

    newcomer = "44444444-aaaa-4bbb-8ccc-000000000004"
    room = "19:new0alerts0channel0ccccccccccccccc@thread.tacv2"
    added = teams.say(f"lagesadmin medlem lägg-till Polisen @{newcomer}", user=COORDINATOR, name="Sara")
    assert "✅" in added[0].text() and f"@{newcomer}" in added[0].text()
    moved = teams.say(f"lagesadmin kanal larm #{room}", user=COORDINATOR, name="Sara")
    assert "✅" in moved[0].text()
    with session_scope(engine) as session:
        assert session.execute(select(Workspace.alert_channel)).scalar() == room
        assert newcomer in session.execute(select(Member.user_id)).scalars().all()


def test_the_year_picture_comes_as_an_image_with_its_summary(teams) -> None:
    import base64

    teams.say("lage Finnsta 4")
    sent = teams.say("veckolage år 2026")
    assert [s.method for s in sent] == ["send", "send"]
    assert sent[0].text() == "Tar fram årsbilden för 2026 …"
    image = next(a for a in sent[1].body["attachments"] if a["contentType"] == "image/png")
    assert image["contentUrl"].startswith("data:image/png;base64,")
    assert base64.b64decode(image["contentUrl"].split(",", 1)[1]).startswith(b"\x89PNG")
    assert "Årssammanställning 2026" in sent[1].text() and "Finnsta: 1 vecka på 4–5" in sent[1].text()


def test_the_year_picture_asked_in_another_channel_comes_to_the_1to1_chat(teams) -> None:
    sent = teams.say("veckolage år 2026", kind="channel", mention=True)
    assert [s.method for s in sent] == ["create", "send", "send", "send"]
    assert {sent[1].conversation_id, sent[2].conversation_id} == {sent[0].conversation_id}
    assert any(a["contentType"] == "image/png" for a in sent[2].body["attachments"])
    assert sent[3].conversation_id.startswith(CHANNEL)


def test_an_activity_delivered_twice_reports_one_event(teams, engine) -> None:
    from sqlalchemy import func

    from storage.models import Event

    activity = teams.activity(text="handelse Vällingby stenkastning mot buss")
    assert teams.post(activity).status_code in (200, 201)
    assert teams.post(activity).status_code in (200, 201)  # Teams sends it again
    with session_scope(engine) as session:
        assert session.execute(select(func.count()).select_from(Event)).scalar() == 1
    assert all("Stenkastning" in s.text() for s in teams.fake.sent[-2:])
