"""The year: importing a historical year table, the year table and its summary, `år`/`trend`/`export` and the
App Home through the real Bolt app, and `python -m bot import|export|console --demo`."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select

from bot.files.year_xlsx import year_xlsx
from bot.settings import Settings
from bot.slack.app import create_app
from commands.core.reply import Trend
from commands.core.scale import SCALE
from commands.core.weeks import Week
from commands.rating.week_grid import build_grid
from commands.setup.file import load_setup, parse_setup
from commands.setup.sync import sync_setup
from commands.year.export import year_csv
from commands.year.import_csv import ImportReport, YearFileError, import_year, parse_year_csv
from commands.year.table import YearTable, build_year_table, summary_lines
from storage.db import session_scope
from storage.models import AgreedLevel, AuditEntry, Rating
from tests import slack_harness as h
from tests.conftest import NOW, SETUP_TOML
from tests.fake_slack import FakeSlack
from tests.test_cli import assert_refused, run_bot
from tests.test_slack_app import texts

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "bot" / "demo" / "hasselby-vallingby-2023.csv"
EXAMPLE = ROOT / "bot" / "veckolage.example.toml"
PNG = b"\x89PNG\r\n\x1a\n"
ARGB = {s.number: "FF" + s.hex.lstrip("#").upper() for s in SCALE}


def demo_file() -> tuple[tuple[str, ...], dict[tuple[int, str], int]]:
    """The shipped 2023 file as the csv module reads it: areas, and (week, area) → level of every filled cell."""
    with DEMO.open(encoding="utf-8", newline="") as f:
        header, *rows = csv.reader(f)
    values = {(int(r[0]), a): int(v) for r in rows for a, v in zip(header[1:], r[1:], strict=True) if v}
    return tuple(header[1:]), values


def cells(table: YearTable) -> dict[tuple[int, str], int]:
    return {(w.week, a): v for w in table.weeks for a in table.areas if (v := table.value(w.week, a)) is not None}


def load(engine, ws: int, text: str, *, year: int = 2023, create_areas: bool = False) -> ImportReport:
    """Parse and import in one transaction, as the CLI does."""
    with session_scope(engine) as session:
        return import_year(session, workspace_id=ws, file=parse_year_csv(text, year=year),
                           create_areas=create_areas, now=NOW)


def year_table(engine, ws: int, year: int) -> YearTable:
    with session_scope(engine) as session:
        return build_year_table(session, workspace_id=ws, year=year)


def count(engine, model) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def demo_ws(engine) -> int:
    """The shipped example collaboration (Hässelby-Vällingby, 9 areas)."""
    with session_scope(engine) as session:
        return sync_setup(session, load_setup(EXAMPLE), now=NOW).workspace_id


def test_the_shipped_2023_round_trips_through_import_csv_and_xlsx(engine, demo_ws):
    areas, expected = demo_file()
    assert len(areas) == 9 and len(expected) == 46 * 9 and {w for w, _ in expected} == set(range(1, 47))
    assert load(engine, demo_ws, DEMO.read_text(encoding="utf-8")) == ImportReport((), 46 * 9, 0)
    table = year_table(engine, demo_ws, 2023)
    assert table.areas == areas and [w.week for w in table.weeks] == list(range(1, 53))
    assert cells(table) == expected and table.critical == frozenset()
    assert all(table.value(w, a) is None for w in range(47, 53) for a in areas)

    again = parse_year_csv(year_csv(table), year=2023)
    assert again.areas == areas and again.values == expected
    assert parse_year_csv(DEMO.read_text(encoding="utf-8-sig"), year=2023).values == expected  # `,`, no BOM

    sheet = load_workbook(io.BytesIO(year_xlsx(table)))["2023"]
    header, *rows = sheet.iter_rows()
    assert [c.value for c in header] == ["vecka", *areas] and [r[0].value for r in rows] == list(range(1, 53))
    read = {(r[0].value, a): c.value for r in rows for a, c in zip(areas, r[1:], strict=True) if c.value is not None}
    assert read == expected
    assert all(c.fill.fgColor.rgb == ARGB[c.value] for r in rows for c in r[1:] if c.value is not None)

    audits = count(engine, AuditEntry)
    assert load(engine, demo_ws, DEMO.read_text(encoding="utf-8")) == ImportReport((), 0, 46 * 9)
    assert count(engine, AuditEntry) == audits and count(engine, AgreedLevel) == 46 * 9
    assert count(engine, Rating) == 0  # fastställda values, not partner ratings
    with session_scope(engine) as session:
        grid = build_grid(session, workspace_id=demo_ws, week=Week(2023, 1))
    assert [(r.area, r.value, r.agreed) for r in grid.rows] == [(a, expected[(1, a)], True) for a in areas]


GOOD = "vecka,Hässelby gård,Vällingby,Grimsta\n" + "".join(f"{w},2,3,1\n" for w in range(1, 6))
MALFORMED = {
    "level-7": (GOOD.replace("4,2,3,1", "4,2,7,1"), "rad 5, kolumn 3 (Vällingby): ”7” är ingen nivå 1–5"),
    "week-54": (GOOD + "54,1,1,1\n", "rad 7, kolumn 1: ”54” är ingen vecka 1–52 år 2023"),
    "duplicate-week": (GOOD + "3,1,1,1\n", "rad 7, kolumn 1: vecka 3 finns redan"),
    "column-count": (GOOD.replace("2,2,3,1", "2,2,3"), "rad 3: 3 kolumner, rubrikraden har 4"),
    "empty": ("", "rad 1: filen är tom"),
    "no-area-name": (GOOD.replace("Vällingby", "", 1), "rad 1, kolumn 3: områdesnamnet saknas"),
    "no-week-column": (GOOD.replace("vecka,", "datum,", 1), "rad 1, kolumn 1: ”datum”"),
    "duplicate-area": (GOOD.replace("Grimsta", "vällingby", 1), "rad 1, kolumn 4: ”vällingby” finns redan i kolumn 3"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_files_are_refused_whole_naming_line_and_column(engine, workspace_id, case):
    text, message = MALFORMED[case]
    with pytest.raises(YearFileError) as error:
        load(engine, workspace_id, text)
    assert message in str(error.value)
    assert count(engine, AgreedLevel) == 0


def test_unknown_areas_are_named_unless_created_and_bom_semicolon_files_import(engine, workspace_id):
    text = "vecka,Vällingby,Rinkeby,Tensta\n1,3,4,\n2,,,5\n"
    with pytest.raises(YearFileError, match="okända områden: ”Rinkeby”, ”Tensta”"):
        load(engine, workspace_id, text)
    assert count(engine, AgreedLevel) == 0
    assert load(engine, workspace_id, text, create_areas=True) == ImportReport(("Rinkeby", "Tensta"), 3, 0)
    table = year_table(engine, workspace_id, 2023)
    assert table.areas[-2:] == ("Rinkeby", "Tensta")
    assert cells(table) == {(1, "Vällingby"): 3, (1, "Rinkeby"): 4, (2, "Tensta"): 5}

    bom = "\ufeffvecka;Grimsta;Hässelby strand\r\nv1;4;2\r\n;;\r\nv02;;1\r\n"
    assert load(engine, workspace_id, bom, year=2022).changed == 3
    assert cells(year_table(engine, workspace_id, 2022)) == {(1, "Grimsta"): 4, (1, "Hässelby strand"): 2,
                                                            (2, "Hässelby strand"): 1}


def test_csv_export_is_what_swedish_excel_opens_and_import_reads_every_dialect(engine, workspace_id):
    """Excel with Swedish settings opens a file in columns and with å ä ö only with a BOM and `;`."""
    load(engine, workspace_id, "vecka,Vällingby,Hässelby gård\n1,3,\n2,,5\n")
    exported = year_csv(year_table(engine, workspace_id, 2023)).encode("utf-8")
    assert exported.startswith(b"\xef\xbb\xbf")
    lines = exported.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "vecka;Hässelby gård;Hässelby strand;Vällingby;Grimsta"
    assert lines[1:3] == ["1;;;3;", "2;5;;;"]
    assert "Hässelby".encode() in exported and "HÃ¤sselby".encode() not in exported
    expected = {(1, "Vällingby"): 3, (2, "Hässelby gård"): 5}
    plain = "vecka,Vällingby,Hässelby gård\n1,3,\n2,,5\n"
    for text in (exported.decode("utf-8"), exported.decode("utf-8-sig"), plain, "\ufeff" + plain,
                 plain.replace(",", ";"), "\ufeff" + plain.replace(",", ";").replace("\n", "\r\n")):
        assert parse_year_csv(text, year=2023).values == expected, text


def test_a_superscript_digit_is_a_file_error() -> None:
    with pytest.raises(YearFileError, match="rad 2, kolumn 2"):
        parse_year_csv("vecka,Vällingby\n1,²\n", year=2023)  # "²".isdigit() is True, int("²") is not
    with pytest.raises(YearFileError, match="rad 2, kolumn 1"):
        parse_year_csv("vecka,Vällingby\n³,2\n", year=2023)


def test_create_areas_with_the_name_of_a_retired_area(engine, workspace_id):
    with session_scope(engine) as session:
        sync_setup(session, parse_setup(SETUP_TOML.replace(', "Grimsta"', "")), now=NOW)
    assert load(engine, workspace_id, "vecka,Grimsta\n1,4\n", create_areas=True).changed == 1


def test_year_tables_53_weeks_empty_years_and_critical_events(engine, workspace_id, chat):
    empty = year_table(engine, workspace_id, 2026)
    assert len(empty.weeks) == 53 and empty.weeks[-1] == Week(2026, 53) and empty.empty
    assert summary_lines(empty) == ["Inga bedömningar 2026."]
    assert len(year_table(engine, workspace_id, 2023).weeks) == 52

    chat("U0POL1", "/lage v47 Vällingby 2 lugnt")
    assert chat("U0POL1", "/handelse v47 Vällingby skjutning").tone == "ok"
    assert chat("U0SDF", "/handelse v46 Grimsta sprängning 2026-11-14 22:15").tone == "ok"  # no rating at all that week
    table = year_table(engine, workspace_id, 2026)
    assert cells(table) == {(47, "Vällingby"): 5, (46, "Grimsta"): 5} and not table.empty
    assert table.critical == {(47, "Vällingby"), (46, "Grimsta")}
    assert summary_lines(table)[2:] == [
        "Vällingby: 1 vecka på 4–5, 1 vecka med kritisk händelse, längsta svit 1 vecka",
        "Grimsta: 1 vecka på 4–5, 1 vecka med kritisk händelse, längsta svit 1 vecka"]


def test_summary_counts_high_weeks_critical_weeks_and_the_worst_streak() -> None:
    values = {(1, "A"): 4, (2, "A"): 5, (3, "A"): 4, (5, "A"): 5, (6, "A"): 4, (7, "A"): 3,  # week 4 missing
              (10, "B"): 4, (11, "B"): 2, (20, "C"): 1}
    table = YearTable(2023, tuple(Week(2023, n) for n in range(1, 53)), ("A", "B", "C"), values,
                      frozenset({(2, "A"), (5, "A"), (10, "B")}))
    assert summary_lines(table) == [
        "A: 5 veckor på 4–5, 2 veckor med kritisk händelse, längsta svit 3 veckor",
        "B: 1 vecka på 4–5, 1 vecka med kritisk händelse, längsta svit 1 vecka",
        "C: 0 veckor på 4–5, 0 veckor med kritisk händelse, längsta svit 0 veckor"]


class Bot:
    """The real app with slow work run inline (`background=lambda job: job()`), against the fake Slack."""

    def __init__(self, engine, fake: FakeSlack) -> None:
        self.fake = fake
        self.app = create_app(Settings(signing_secret=h.SECRET, slack_api_url=fake.url), engine=engine,
                              clock=lambda: NOW, authorize=h.authorize, background=lambda job: job())

    def command(self, line: str, user: str = "U0POL1", channel: str = "C0TEST") -> str:
        """The text of the ack."""
        slash, _, text = line.partition(" ")
        body = h.slash_body(slash, text, user=user, channel=channel, response_url=self.fake.response_url())
        response = h.dispatch(self.app, body, h.signed_headers(body))
        assert response.status == 200, response.body
        return texts(json.loads(response.body))

    def event(self, event: dict) -> None:
        body = h.event_body(event)
        assert h.dispatch(self.app, body, h.event_headers(body)).status == 200

    def uploads(self) -> list[tuple[str, bytes]]:
        """(channel_id, bytes) of every completed upload, in order."""
        data = [c.body for c in self.fake.calls if c.method.startswith("/upload/")]
        done = self.fake.calls_to("files.completeUploadExternal")
        assert len(data) == len(self.fake.calls_to("files.getUploadURLExternal")) >= len(done)
        return [(c.args["channel_id"], body) for c, body in zip(done, data, strict=False)]


@pytest.fixture
def bot(engine, workspace_id) -> Bot:
    with FakeSlack() as fake:
        yield Bot(engine, fake)


def test_year_picture_is_uploaded_to_the_channel_with_the_summary(bot, engine, workspace_id):
    load(engine, workspace_id, "vecka,Vällingby,Grimsta\n1,5,2\n2,4,\n")
    assert bot.command("/veckolage år 2023", channel="C0SUMMARY") == "Tar fram årsbilden för 2023 …"
    [(channel, data)] = bot.uploads()
    assert channel == "C0SUMMARY" and data.startswith(PNG) and Image.open(io.BytesIO(data)).format == "PNG"
    assert bot.fake.calls_to("files.getUploadURLExternal")[0].args["filename"] == "lagesbild-2023.png"
    comment = bot.fake.calls_to("files.completeUploadExternal")[0].args["initial_comment"]
    assert comment.splitlines() == [
        "*Årssammanställning 2023*",
        "• Hässelby gård: 0 veckor på 4–5, 0 veckor med kritisk händelse, längsta svit 0 veckor",
        "• Hässelby strand: 0 veckor på 4–5, 0 veckor med kritisk händelse, längsta svit 0 veckor",
        "• Vällingby: 2 veckor på 4–5, 0 veckor med kritisk händelse, längsta svit 2 veckor",
        "• Grimsta: 0 veckor på 4–5, 0 veckor med kritisk händelse, längsta svit 0 veckor"]
    assert not [c for c in bot.fake.calls if c.method.startswith("/respond/")]


@pytest.mark.parametrize("channel", ["C0ALERTS", "C0SUMMARY"])
def test_year_picture_is_posted_in_either_of_the_collaborations_channels(bot, channel):
    assert bot.command("/veckolage år 2023", channel=channel) == "Tar fram årsbilden för 2023 …"
    assert [c for c, _ in bot.uploads()] == [channel] and not bot.fake.calls_to("conversations.open")


def test_year_picture_asked_for_elsewhere_goes_to_the_askers_dm_and_says_so(bot, engine, workspace_id):
    """Per-area notes are the collaboration's: a channel that is not one of its own never gets them."""
    load(engine, workspace_id, "vecka,Vällingby,Grimsta\n1,5,2\n")
    ack = bot.command("/veckolage år 2023", channel="C0RANDOM")
    assert ack.startswith("Tar fram årsbilden för 2023; den kommer som direktmeddelande till dig")
    assert "inte är samverkans" in ack
    assert bot.fake.calls_to("conversations.open")[0].args["users"] == "U0POL1"
    [(channel, data)] = bot.uploads()
    assert channel == "DU0POL1" and data.startswith(PNG)
    comment = bot.fake.calls_to("files.completeUploadExternal")[0].args["initial_comment"]
    assert comment.splitlines()[0] == "*Årssammanställning 2023*" and "Vällingby: 1 vecka på 4–5" in comment


def test_year_picture_refusals_upload_nothing(bot):
    assert "”1999” är inget år" in bot.command("/veckolage år 1999")
    assert "Okänt kommando ”bild”" in bot.command("/veckolage år 2023 bild")
    assert "Du finns inte med i den här samverkan." in bot.command("/veckolage år 2023", user="U0NOBODY")
    assert bot.fake.calls == []


def test_year_picture_goes_to_the_dm_when_the_bot_is_not_in_the_channel(bot):
    not_in_channel = json.dumps({"ok": False, "error": "not_in_channel"})
    bot.fake.fail_next("files.completeUploadExternal", status=200, body=not_in_channel)
    bot.command("/veckolage år 2023", channel="C0SUMMARY")
    assert bot.fake.calls_to("conversations.open")[0].args["users"] == "U0POL1"
    assert [c.args["channel_id"] for c in bot.fake.calls_to("files.completeUploadExternal")] == ["C0SUMMARY",
                                                                                                 "DU0POL1"]
    assert bot.uploads()[1][1].startswith(PNG)

    bot.fake.fail_next("files.completeUploadExternal", status=200, body=not_in_channel, times=2)
    bot.command("/veckolage år 2023", channel="C0SUMMARY")
    bot.fake.fail_next("files.completeUploadExternal", status=200, body='{"ok": false, "error": "invalid_auth"}')
    bot.command("/veckolage år 2023", channel="C0SUMMARY")  # not a channel problem: no DM attempt
    assert len(bot.fake.calls_to("conversations.open")) == 2
    assert [c.args["text"] for c in bot.fake.calls if c.method.startswith("/respond/")] == [
        "Årsbilden kunde inte skickas: not_in_channel", "Årsbilden kunde inte skickas: invalid_auth"]


def test_a_crash_after_the_ack_is_told_to_the_user(bot, monkeypatch):
    monkeypatch.setattr("bot.slack.year_delivery.chat_file", lambda *args: 1 / 0)
    assert bot.command("/veckolage år 2023", channel="C0SUMMARY") == "Tar fram årsbilden för 2023 …"
    [respond] = [c for c in bot.fake.calls if c.method.startswith("/respond/")]
    assert respond.args["text"].startswith("Något gick fel hos Veckoläge") and bot.uploads() == []


def test_export_goes_to_the_coordinators_dm_only(bot, engine, workspace_id):
    load(engine, workspace_id, "vecka,Vällingby,Grimsta\n1,5,2\n2,4,\n")
    ack = bot.command("/veckolage export 2023 xlsx", user="U0COORD")
    assert ack == "Tar fram xlsx-filen för 2023; den kommer som direktmeddelande."
    assert [c.args["users"] for c in bot.fake.calls_to("conversations.open")] == ["U0COORD"]
    [(channel, data)] = bot.uploads()
    rows = list(load_workbook(io.BytesIO(data))["2023"].iter_rows(values_only=True))
    assert channel == "DU0COORD" and len(rows) == 53
    assert rows[:3] == [("vecka", "Hässelby gård", "Hässelby strand", "Vällingby", "Grimsta"),
                        (1, None, None, 5, 2), (2, None, None, 4, None)]

    bot.command("/veckolage export .CSV 2023", user="U0COORD")
    assert bot.uploads()[1] == ("DU0COORD", year_csv(year_table(engine, workspace_id, 2023)).encode())
    bot.fake.fail_next("conversations.open", status=200, body='{"ok": false, "error": "user_not_found"}')
    bot.command("/veckolage export xlsx", user="U0COORD")
    [respond] = [c for c in bot.fake.calls if c.method.startswith("/respond/")]
    assert respond.args["text"] == "Exporten kunde inte skickas: user_not_found"

    assert "Bara samordnare kan exportera." in bot.command("/veckolage export csv", user="U0POL1")
    no_format = bot.command("/veckolage export 2023", user="U0COORD")
    assert "Ange format: csv eller xlsx" in no_format and "/veckolage export [år] csv|xlsx" in no_format
    assert len(bot.uploads()) == 2 and len(bot.fake.calls_to("conversations.open")) == 3


def test_trend_of_an_area_against_the_collaboration(bot, chat):
    for user, line in [("U0POL1", "/lage v44 Vällingby 3"), ("U0SDF", "/lage v44 Vällingby 2"),
                       ("U0BOST", "/lage v44 Grimsta 1"), ("U0SDF", "/lage v45 Vällingby 4"),
                       ("U0POL2", "/lage v45 Hässelby gård 2"), ("U0BOST", "/lage v46 Vällingby 1"),
                       ("U0POL1", "/lage v46 Grimsta 5"), ("U0POL2", "/lage v47 Vällingby 2"),
                       ("U0SDF", "/lage v47 Grimsta 5"), ("U0BOST", "/lage v47 Hässelby gård 5")]:
        assert chat(user, line).tone == "ok", line
    trend = chat("U0POL1", "/veckolage trend Vällingby 4")
    assert isinstance(trend, Trend) and trend.area == "Vällingby"
    assert [(p.week.short, p.value, p.average) for p in trend.points] == [
        ("v44", 3, 2.0), ("v45", 4, 3.0), ("v46", 1, 3.0), ("v47", 2, 4.0)]
    assert (trend.mean, trend.collaboration_mean) == (2.5, 3.0)
    text = bot.command("/veckolage trend vallingby 4", user="U0SDF")
    assert "v44 🟧3 v45 🟥4 v46 🟩1 v47 🟨2" in text and "Snitt 2,5 (samverkan 3,0): under snittet." in text
    assert "Området ”Rinkeby” finns inte." in bot.command("/veckolage trend Rinkeby")
    assert "Antal veckor: 2–52." in bot.command("/veckolage trend Vällingby 99")
    assert "Du finns inte med" in bot.command("/veckolage trend Vällingby", user="U0NOBODY")


def test_app_home_shows_grid_todo_and_recent_critical_events(bot, chat):
    bot.event({"type": "app_home_opened", "user": "U0BOST", "tab": "home"})
    assert "Inga kritiska händelser de senaste veckorna." in texts(bot.fake.calls_to("views.publish")[0].args)
    chat("U0POL2", "/lage Grimsta 2")
    chat("U0SDF", "/handelse v46 Vällingby skjutning 2026-11-14 22:15 vid torget")
    bot.event({"type": "app_home_opened", "user": "U0POL1", "tab": "home"})
    publish = bot.fake.calls_to("views.publish")[-1]
    assert publish.args["user_id"] == "U0POL1" and publish.args["view"]["type"] == "home"
    blocks = publish.args["view"]["blocks"]
    assert "Lägesbild vecka 47, 2026 (16–22 nov)" in texts(blocks)
    [todo] = [b for b in blocks if b.get("accessory", {}).get("action_id") == "open_rating_form"]
    assert "Polisen har kvar att bedöma 3 av 4 områden för vecka 47" in todo["text"]["text"]
    assert todo["text"]["text"].endswith("Hässelby gård, Hässelby strand, Vällingby")
    events = texts(blocks).split("Senaste kritiska händelser", 1)[1]
    assert "*Skjutning* – Vällingby" in events and "vid torget" in events

    for area in ("Hässelby gård", "Hässelby strand", "Vällingby"):
        chat("U0POL1", f"/lage {area} 1")
    bot.event({"type": "app_home_opened", "user": "U0POL2", "tab": "home"})
    assert "✅ Polisen har bedömt alla områden för vecka 47" in texts(bot.fake.calls_to("views.publish")[-1].args)
    bot.event({"type": "app_home_opened", "user": "U0NOBODY", "tab": "home"})
    assert "Du är inte med i den här samverkan" in texts(bot.fake.calls_to("views.publish")[-1].args["view"])


@pytest.fixture
def cli(tmp_path):
    """`python -m bot ARGS` on tmp_path/x.db with a copy of the shipped example set-up."""
    shutil.copy(EXAMPLE, tmp_path / "veckolage.toml")

    def run(*args: str, stdin: str = ""):
        return run_bot(tmp_path, *args, stdin=stdin, DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}",
                       VECKOLAGE_CONFIG=str(tmp_path / "veckolage.toml"))
    return run


def agreed_rows(tmp_path: Path) -> int:
    with closing(sqlite3.connect(tmp_path / "x.db")) as connection:
        return connection.execute("SELECT count(*) FROM agreedlevel").fetchone()[0]


def test_cli_import_refuses_bad_files_then_imports_and_exports(cli, tmp_path):
    (tmp_path / "bad.csv").write_text("vecka,Vällingby\n1,3\n2,9\n", encoding="utf-8")
    assert_refused(cli("import", "bad.csv", "--year", "2023"), "Inget importerades", "rad 3, kolumn 2")
    (tmp_path / "new.csv").write_text("vecka,Vällingby,Rinkeby\n1,3,4\n", encoding="utf-8")
    assert_refused(cli("import", "new.csv", "--year", "2023"), "okända områden", "Rinkeby")
    assert agreed_rows(tmp_path) == 0

    result = cli("import", str(DEMO), "--year", "2023")
    assert result.returncode == 0, result.stderr
    assert "Importerat år 2023: 414 värden ändrade, 0 redan lika" in result.stdout

    assert cli("export", "--year", "2023", "--format", "csv", "--out", "out.csv").returncode == 0
    areas, values = demo_file()
    expected = year_csv(YearTable(2023, tuple(Week(2023, n) for n in range(1, 53)), areas, values, frozenset()))
    exported = (tmp_path / "out.csv").read_bytes().decode("utf-8")
    assert exported == expected and len(exported.splitlines()) == 53
    for fmt in ("xlsx", "png"):
        result = cli("export", "--year", "2023", "--format", fmt)
        assert result.returncode == 0, result.stderr
        assert f"ur databasen sqlite:///{tmp_path / 'x.db'}" in result.stdout  # says what it reads
        assert f"Sparade {tmp_path / 'exports' / f'lagesbild-2023.{fmt}'} (" in result.stdout
    assert not list(tmp_path.glob("lagesbild-*"))  # never beside the code: in exports/, which git ignores
    assert load_workbook(tmp_path / "exports" / "lagesbild-2023.xlsx")["2023"]["E2"].value == 5  # Vällingby v1
    assert (tmp_path / "exports" / "lagesbild-2023.png").read_bytes().startswith(PNG)
    Image.open(tmp_path / "exports" / "lagesbild-2023.png").verify()


def test_cli_created_areas_survive_the_next_start(cli, tmp_path):
    (tmp_path / "new.csv").write_text("vecka,Vällingby,Rinkeby\n1,3,4\n", encoding="utf-8")
    assert cli("import", "new.csv", "--year", "2023", "--create-areas").returncode == 0
    again = cli("import", "new.csv", "--year", "2023", "--create-areas")
    assert again.returncode == 0 and "0 värden ändrade, 2 redan lika, nya områden: inga" in again.stdout, again
    assert cli("export", "--year", "2023", "--out", "o.csv").returncode == 0
    header, first = (tmp_path / "o.csv").read_bytes().decode("utf-8").splitlines()[:2]
    assert header.endswith(";Nälsta;Rinkeby") and first == "1;;;;3;;;;;;4"


def test_the_readme_picture_is_what_the_tool_draws_of_the_demo_year(engine, demo_ws):
    """docs/year-2023.png is `python -m bot export --year 2023 --format png` on the demo data: no frame the
    tool does not draw (the imported year has no events), the legend and footnote the tool writes."""
    from bot.files.year_picture import year_png

    load(engine, demo_ws, DEMO.read_text(encoding="utf-8"))
    drawn = np.asarray(Image.open(io.BytesIO(year_png(year_table(engine, demo_ws, 2023)))).convert("RGB"))
    shown = np.asarray(Image.open(ROOT / "docs" / "year-2023.png").convert("RGB"))
    assert shown.shape == drawn.shape
    assert np.any(shown != drawn, axis=2).mean() < 0.005  # room for another FreeType's anti-aliasing only


def test_console_demo_shows_the_real_2023(tmp_path):
    result = run_bot(tmp_path, "console", "--demo", "--no-color", stdin="/veckolage år 2023\n")
    assert result.returncode == 0, result.stderr
    assert "Årssammanställning 2023" in result.stdout and "Traceback" not in result.stderr
    first = next(line.split() for line in result.stdout.splitlines() if line.startswith("v1 "))
    assert first == ["v1", "2", "2", "1", "5‼", "1", "1", "5‼", "1", "1"]
