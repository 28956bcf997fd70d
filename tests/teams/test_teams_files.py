"""Files in Teams: offered with a consent card in the asker's 1:1 chat, saved in their OneDrive when they say yes.

Through the real SDK app and the fake Bot Framework, whose upload session checks the PUT as OneDrive does.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select

from bot.teams.file_consent import CONSENT_TYPE, INFO_TYPE, _upload_address
from commands.core.texts import t
from storage.db import session_scope
from storage.models import HeldFile
from tests.conftest import NOW
from tests.teams import teams_harness
from tests.teams.teams_harness import CHANNEL, COORDINATOR, POLICE, TeamsHarness

teams = teams_harness.teams  # a fixture

def _offer(answers: list):
    """The one message of an answer that carries a consent card."""
    [offer] = [sent for sent in answers if sent.attachments(CONSENT_TYPE)]
    return offer


def _held(engine) -> list[HeldFile]:
    with session_scope(engine) as session:
        rows = list(session.execute(select(HeldFile)).scalars())
        session.expunge_all()
        return rows


def _after(teams, count: int) -> list:
    return teams.fake.sent[count:]


def test_an_export_is_offered_then_saved_in_the_askers_onedrive(teams, engine) -> None:
    offer = _offer(teams.say("veckolage export 2026 xlsx", user=COORDINATOR))
    [consent] = offer.attachments(CONSENT_TYPE)
    assert consent["name"] == "lagesbild-2026.xlsx"
    assert "Lägesbild 2026" in consent["content"]["description"]
    assert "24 timmar" in consent["content"]["description"]
    assert teams.fake.uploads == {}  # nothing leaves before the person says yes

    before = len(teams.fake.sent)
    answer = teams.consent(offer, user=COORDINATOR)
    assert answer.status_code == 200, answer.text
    data = teams.fake.uploads["lagesbild-2026.xlsx"]
    assert consent["content"]["sizeInBytes"] == len(data)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert "Hässelby gård" in {cell.value for row in sheet.iter_rows() for cell in row}

    [shown] = [s for s in _after(teams, before) if s.attachments(INFO_TYPE)]
    [info] = shown.attachments(INFO_TYPE)
    assert shown.conversation_id == offer.conversation_id
    assert info["name"] == "lagesbild-2026.xlsx" and info["contentUrl"].endswith("/files/lagesbild-2026.xlsx")
    assert info["content"]["fileType"] == "xlsx" and info["content"]["uniqueId"]
    [receipt] = [s for s in _after(teams, before) if s.method == "update"]
    assert receipt.activity_id == offer.new_id  # the consent card itself, nothing left to press
    assert t("teams.file.sent", name="lagesbild-2026.xlsx") in receipt.text()
    [held] = _held(engine)
    assert held.sent_at is not None and held.content == b""  # the bytes are forgotten once delivered


def test_asked_in_a_channel_the_file_is_offered_in_the_1on1_chat(teams) -> None:
    answers = teams.say("veckolage export csv", user=COORDINATOR, kind="channel", mention=True)
    offer = _offer(answers)
    assert offer.conversation_id != CHANNEL and offer.conversation_id.startswith("a:")
    in_channel = [s for s in answers if s.conversation_id.startswith(CHANNEL)]
    assert [s.attachments(CONSENT_TYPE) for s in in_channel] == [[]]
    assert "svaret kom i din chatt med mig" in in_channel[0].text()
    assert teams.consent(offer, user=COORDINATOR).status_code == 200
    text = teams.fake.uploads["lagesbild-2026.csv"].decode("utf-8-sig")
    assert "Hässelby gård" in text


def test_the_audit_log_arrives_as_csv(teams) -> None:
    teams.say("lage Finnsta 3 lugnt", user=POLICE)
    offer = _offer(teams.say("lagesadmin logg csv", user=COORDINATOR))
    assert teams.consent(offer, user=COORDINATOR).status_code == 200
    rows = list(csv.reader(io.StringIO(teams.fake.uploads["granskningslogg.csv"].decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == t("admin.log.column.at")
    assert any("Finnsta" in " ".join(row) for row in rows[1:])


def test_the_quarter_arrives_as_a_workbook(teams) -> None:
    offer = _offer(teams.say("veckolage kvartal 2026-Q4 xlsx", user=COORDINATOR))
    [consent] = offer.attachments(CONSENT_TYPE)
    assert "Kvartalet 2026-Q4" in consent["content"]["description"]
    assert teams.consent(offer, user=COORDINATOR).status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(teams.fake.uploads[consent["name"]])).sheetnames


def test_declining_forgets_the_file(teams, engine) -> None:
    offer = _offer(teams.say("veckolage export 2026 csv", user=COORDINATOR))
    before = len(teams.fake.sent)
    assert teams.consent(offer, accept=False, user=COORDINATOR).status_code == 200
    [receipt] = _after(teams, before)
    assert receipt.method == "update" and receipt.activity_id == offer.new_id
    assert "Du tackade nej till lagesbild-2026.csv" in receipt.text()
    assert _held(engine) == [] and teams.fake.uploads == {}
    teams.consent(offer, user=COORDINATOR)  # a press on the old card afterwards
    assert "finns inte längre" in teams.fake.sent[-1].text() and teams.fake.uploads == {}


def test_only_the_asker_can_take_the_file(teams) -> None:
    offer = _offer(teams.say("lagesadmin logg csv", user=COORDINATOR))
    before = len(teams.fake.sent)
    assert teams.consent(offer, user=POLICE).status_code == 200  # the token replayed by someone else
    assert teams.fake.uploads == {}
    [answer] = _after(teams, before)
    assert "finns inte längre" in answer.text()
    teams.consent(offer, user=COORDINATOR)
    assert "granskningslogg.csv" in teams.fake.uploads


@pytest.mark.parametrize("context", [{"file": "not-a-token"}, "garbage", None, {"file": 12}])
def test_a_made_up_context_finds_no_file(teams, context) -> None:
    offer = _offer(teams.say("veckolage export csv", user=COORDINATOR))
    teams.consent(offer, user=COORDINATOR, context=context if context is not None else {})
    assert "finns inte längre" in teams.fake.sent[-1].text()
    assert teams.fake.uploads == {}


def test_a_failed_upload_can_be_tried_again(teams, engine) -> None:
    offer = _offer(teams.say("veckolage export 2026 csv", user=COORDINATOR))
    teams.fake.fail_next_upload(503)
    before = len(teams.fake.sent)
    assert teams.consent(offer, user=COORDINATOR).status_code == 200
    [answer] = _after(teams, before)
    assert answer.method == "send"  # the card stays: it can be pressed again
    assert t("teams.file.failed", name="lagesbild-2026.csv") in answer.text()
    assert teams.fake.uploads == {} and _held(engine)[0].taken_at is None
    teams.consent(offer, user=COORDINATOR)
    assert "lagesbild-2026.csv" in teams.fake.uploads
    teams.consent(offer, user=COORDINATOR)  # a third press: already there, nothing uploaded twice
    assert t("teams.file.already", name="lagesbild-2026.csv") in teams.fake.sent[-1].text()
    assert len(teams.fake.sessions) == 2  # the failed one and the third's were never filled


def test_an_upload_address_must_be_https_or_this_machine() -> None:
    assert _upload_address("https://contoso-my.sharepoint.com/personal/x/_api/upload?session=1")
    assert _upload_address("http://127.0.0.1:8080/upload/1")
    assert not _upload_address("http://contoso-my.sharepoint.com/upload")
    assert not _upload_address("ftp://127.0.0.1/upload")
    assert not _upload_address(None)


def test_a_file_waits_24_hours_for_another_process(teams, engine) -> None:
    offer = _offer(teams.say("veckolage export 2026 csv", user=COORDINATOR))
    now = [NOW + timedelta(hours=23)]
    later = TeamsHarness(engine, lambda: now[0])  # a restarted process: nothing of the first in memory
    try:
        later.consent(offer, user=COORDINATOR)
        assert "lagesbild-2026.csv" in later.fake.uploads
        second = _offer(later.say("veckolage export 2026 xlsx", user=COORDINATOR))
        now[0] += timedelta(hours=24, seconds=1)
        later.consent(second, user=COORDINATOR)
        assert "finns inte längre" in later.fake.sent[-1].text()
        assert "lagesbild-2026.xlsx" not in later.fake.uploads
    finally:
        later.close()


def test_a_file_that_cannot_be_made_is_told_in_swedish(teams, monkeypatch) -> None:
    monkeypatch.setattr("bot.teams.file_consent.chat_file", lambda *args: 1 / 0)
    [answer] = teams.say("veckolage export csv", user=COORDINATOR)
    assert answer.text().startswith("⚠️ Det gick inte") and not answer.attachments(CONSENT_TYPE)
