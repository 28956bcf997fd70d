"""The storbild's kiosk link on Matrix: a coordinator asks in the shared room, the signed link arrives in their
direct chat only (the room may hold people who must not open the wall), and a member who is not a coordinator
is refused."""

from __future__ import annotations

import re

from commands.core.texts import t
from tests.matrix.conftest import WEB_BASE_URL


def test_a_kiosk_link_goes_to_the_coordinators_direct_chat_only(world) -> None:
    answer = world.ask("anna", "!veckolage storbild 7")["content"]["body"]
    assert answer == t("matrix.sent_direct")
    anna = world.people["anna"]
    link = anna.direct_message(world.bot_id, f"{WEB_BASE_URL}/storbild/k/")
    assert link["room_id"] not in (world.room, world.alerts)
    assert re.search(rf"{re.escape(WEB_BASE_URL)}/storbild/k/\S+", link["content"]["body"])
    shared = [e for e in world.people["per"].events if e.get("room_id") == world.room]
    assert not any("/storbild/k/" in (e.get("content") or {}).get("body", "") for e in shared)


def test_only_a_coordinator_gets_a_kiosk_link(world) -> None:
    answer = world.ask("per", "!veckolage storbild")["content"]["body"]
    assert answer.startswith("⚠️ ") and t("storbild.not_coordinator") in answer


def test_a_sign_in_link_goes_to_the_askers_direct_chat_only(world) -> None:
    answer = world.ask("per", "!veckolage webb")["content"]["body"]
    assert answer == t("matrix.sent_direct")
    link = world.people["per"].direct_message(world.bot_id, f"{WEB_BASE_URL}/storbild/in/")
    assert link["room_id"] not in (world.room, world.alerts)
    assert re.search(rf"{re.escape(WEB_BASE_URL)}/storbild/in/\S+", link["content"]["body"])
    shared = [e for e in world.people["anna"].events if e.get("room_id") == world.room]
    assert not any("/storbild/in/" in (e.get("content") or {}).get("body", "") for e in shared)
