"""Teams ids in free text (an admin command typed in Teams): an Entra object id written after an @, a
conversation id after a #, read as the Teams values they are (never as a Matrix alias `#19:…`)."""

from __future__ import annotations

from commands.core.identity import TEAMS, Person, Room, people_in, rooms_in

GUID = "3f2c8a0e-5b9d-4c7e-8a1b-2c3d4e5f6a7b"
CONVERSATION = "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2"


def test_an_object_id_is_read_with_or_without_an_at() -> None:
    assert people_in(f"lägg-till Polisen @{GUID.upper()} {GUID[:-1]}c") == [
        Person(TEAMS, GUID), Person(TEAMS, GUID[:-1] + "c")]


def test_a_conversation_id_is_read_with_or_without_a_hash() -> None:
    assert rooms_in(f"kanal larm #{CONVERSATION}") == [Room(TEAMS, CONVERSATION)]
    assert rooms_in(f"kanal larm {CONVERSATION}") == [Room(TEAMS, CONVERSATION)]
    assert rooms_in("kanal larm #larm:kommun.se")[0].platform == "matrix"
