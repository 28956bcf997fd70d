"""Files on Matrix: the year picture as an image in the collaboration's room, exports as files in the
coordinator's direct chat, downloaded back from the homeserver as Element would."""

from __future__ import annotations

from nio import DownloadResponse
from nio.crypto.attachments import decrypt_attachment

from commands.core.texts import t


def download(person, content: dict) -> bytes:
    """The file of a message, as Element opens it: from `url`, or in an encrypted room from `file` (the media
    store holds ciphertext; the key came inside the encrypted event)."""
    file = content.get("file")
    answer = person.run(person.client.download(file["url"] if file else content["url"]))
    assert isinstance(answer, DownloadResponse), answer
    if file is None:
        return answer.body
    assert not answer.body.startswith(b"\x89PNG") and b"V\xc3\xa4llingby" not in answer.body  # ciphertext only
    return decrypt_attachment(answer.body, file["key"]["k"], file["hashes"]["sha256"], file["iv"])


def test_the_year_picture_is_an_image_in_the_room(world) -> None:
    world.ask("per", "!lage Vällingby 4")
    answer = world.ask("sara", "!veckolage år 2026")["content"]["body"]
    assert answer == t("year.working", year=2026)
    sara = world.people["sara"]
    image = sara.wait_for(lambda e: e["room_id"] == world.room and e["sender"] == world.bot_id
                          and e["content"].get("msgtype") == "m.image", what="the year picture")
    assert image["content"]["body"] == "lagesbild-2026.png" and image["content"]["info"]["mimetype"] == "image/png"
    assert download(sara, image["content"]).startswith(b"\x89PNG")
    summary = sara.message_from(world.room, world.bot_id, t("year.summary.title", year=2026))
    assert "Vällingby" in summary["content"]["body"]


def test_an_export_goes_to_the_coordinators_direct_chat(world) -> None:
    world.ask("per", "!lage Vällingby 4")
    answer = world.ask("anna", "!veckolage export 2026 csv")["content"]["body"]
    assert answer == t("export.working", year=2026, format="csv")
    anna = world.people["anna"]
    anna.direct_message(world.bot_id, t("export.comment", year=2026, format="csv"))
    file = anna.wait_for(lambda e: e["sender"] == world.bot_id and e["content"].get("msgtype") == "m.file",
                         what="the export")
    assert file["room_id"] not in (world.room, world.alerts) and file["content"]["body"] == "lagesbild-2026.csv"
    assert "Vällingby" in download(anna, file["content"]).decode("utf-8-sig")


def test_only_a_coordinator_may_export(world) -> None:
    answer = world.ask("per", "!veckolage export 2026 csv")["content"]["body"]
    assert answer.startswith("⚠️ ") and "csv" not in answer.split("\n")[0].lower()
