"""`/lagesadmin`: admins change the set-up in chat; it applies at once, is audited and survives export/import."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.console.render import plain as plain_text
from bot.jobs.clock import clock_tick
from commands.admin.retention import daily_purge
from commands.core.reply import FileReply, RatingForm, WeekGrid
from commands.setup.export import export_setup
from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from storage import migrate
from storage.db import make_engine, session_scope
from storage.models import AuditEntry, Event, Member, OutboxMessage, Rating, Workspace
from tests import slack_harness as h
from tests.conftest import NOW, SETUP_TOML, Chat

fake_slack = h.fake_slack
OLD = datetime(2025, 10, 20, 12, tzinfo=UTC)  # 13 months before NOW (a Monday afternoon, week 43)
RECENT = datetime(2026, 10, 20, 12, tzinfo=UTC)  # 1 month before NOW (week 43)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A Stockholm wall-clock time in November 2026 (week 48 is 23–29 Nov)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(UTC)


def text(reply) -> str:
    return "\n".join(map(plain_text, [reply.title, *reply.lines]))


def admin(chat, line: str, now: datetime = NOW):
    return chat("U0ADMIN", f"/lagesadmin {line}", now=now)


def ok(chat, line: str, now: datetime = NOW) -> str:
    reply = admin(chat, line, now)
    assert reply.tone == "ok", text(reply)
    return text(reply)


def audit(engine, action: str) -> list[tuple[str, str | None, str | None]]:
    with session_scope(engine) as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return [(r.subject, r.old_value, r.new_value) for r in session.execute(query).scalars()]


def grid(chat, now: datetime = NOW) -> dict[str, int | None]:
    reply = chat("U0POL1", "/veckolage", now=now)
    assert isinstance(reply, WeekGrid)
    return {row.area: row.value for row in reply.rows}


def test_areas_are_added_renamed_retired_and_restored_with_their_history(chat, engine) -> None:
    chat("U0POL1", "/lage Grimsta 2 lugnt")
    assert ok(chat, "område lägg-till Rinkeby") == "Området ”Rinkeby” är tillagt."
    renamed = ok(chat, "område byt-namn Hässelby gård -> Hässelby centrum")
    assert renamed == "”Hässelby gård” heter nu ”Hässelby centrum”."
    assert "borttaget" in ok(chat, "område ta-bort grimsta")
    assert list(grid(chat)) == ["Hässelby centrum", "Hässelby strand", "Vällingby", "Rinkeby"]
    form = chat("U0POL1", "/lage")
    assert isinstance(form, RatingForm) and "Grimsta" not in [a.area for a in form.areas]
    assert chat("U0POL1", "/lage Grimsta 3").tone == "error"
    with session_scope(engine) as session:
        assert [(r.level, r.comment) for r in session.execute(select(Rating)).scalars()] == [(2, "lugnt")]
    assert ok(chat, "område lägg-till Grimsta") == "Området ”Grimsta” är tillbaka, med sin historik."
    assert grid(chat)["Grimsta"] == 2
    assert audit(engine, "area.add")[-1] == ("Rinkeby", None, "Rinkeby")
    assert audit(engine, "area.rename") == [("Hässelby centrum", "Hässelby gård", "Hässelby centrum")]
    assert audit(engine, "area.retire") == [("Grimsta", "Grimsta", None)]
    assert audit(engine, "area.restore") == [("Grimsta", None, "Grimsta")]


@pytest.mark.parametrize("line", ["område lägg-till VÄLLINGBY", "område lägg-till vallingby",
                                  "område lägg-till Hasselby  Gard", "partner lägg-till polisen"])
def test_duplicate_names_are_refused_whatever_the_case_or_diacritics(chat, engine, line) -> None:
    reply = admin(chat, line)
    assert reply.tone == "error" and "finns redan" in text(reply)
    assert audit(engine, "area.add")[4:] == [] and audit(engine, "partner.add")[3:] == []


@pytest.mark.parametrize("line", ["område byt-namn Grimsta -> vällingby", "partner byt-namn Stadsdelen -> POLISEN"])
def test_renaming_to_an_existing_name_is_refused_whatever_the_case(chat, line) -> None:
    assert admin(chat, line).tone == "error"


def test_adding_a_retired_name_in_other_case_restores_it(chat) -> None:
    chat("U0POL1", "/lage Grimsta 2")
    ok(chat, "område ta-bort Grimsta")
    assert "tillbaka" in ok(chat, "område lägg-till grimsta")


def test_partners_and_members_moving_user_reports_for_the_new_partner(chat, engine) -> None:
    assert "tillagd" in ok(chat, "partner lägg-till Räddningstjänsten")
    moved = ok(chat, "medlem lägg-till Räddningstjänsten @U0NEW @U0POL1")
    assert moved.splitlines()[1:] == ["@U0NEW rapporterar nu för Räddningstjänsten.",
                                      "@U0POL1 rapporterar nu för Räddningstjänsten (tidigare Polisen)."]
    assert chat("U0POL1", "/lage Vällingby 3").title == "Sparat: Vällingby 3 Oroande läge för Räddningstjänsten"
    assert audit(engine, "member.move") == [("U0POL1", "Polisen", "Räddningstjänsten")]
    assert ok(chat, "medlem ta-bort @U0NEW").endswith("@U0NEW är inte längre medlem.")
    assert ok(chat, "medlem ta-bort U0NEW").endswith("@U0NEW var inte medlem.")
    assert "borttagen" in ok(chat, "partner ta-bort Bostadsbolaget")
    assert chat("U0BOST", "/lage Vällingby 3").tone == "error"
    assert "Bostadsbolaget" not in [m.partner for m in chat("U0POL2", "/veckolage").missing]


def test_roles_and_the_last_admin(chat) -> None:
    assert chat("U0SDF", "/veckolage fastställ Vällingby 3").tone == "error"
    assert ok(chat, "samordnare lägg-till @U0SDF").endswith("@U0SDF är nu samordnare.")
    assert chat("U0SDF", "/veckolage fastställ Vällingby 3").tone == "ok"
    ok(chat, "samordnare ta-bort @U0SDF")
    assert chat("U0SDF", "/veckolage fastställ Vällingby 4").tone == "error"
    ok(chat, "admin lägg-till @U0POL2")
    refused = admin(chat, "admin ta-bort @U0ADMIN @U0POL2")
    assert refused.tone == "error" and "minst en administratör" in text(refused)
    ok(chat, "admin ta-bort @U0ADMIN")
    assert [plain_text(line) for line in admin(chat, "visa").lines] == [
        "Bara administratörer kan använda /lagesadmin: se och ändra uppsättningen."]
    assert "minst en administratör" in text(chat("U0POL2", "/lagesadmin admin ta-bort @U0POL2"))


def outbox(engine, kind: str) -> list[tuple[str | None, str | None]]:
    with session_scope(engine) as session:
        rows = session.execute(select(OutboxMessage).where(OutboxMessage.kind == kind)).scalars()
        return [(r.channel, r.body) for r in rows]


def test_channels_and_schedule_apply_to_the_clock_without_a_restart(chat, engine) -> None:
    assert "#C0NEWSUM" in ok(chat, "kanal sammanfattning #C0NEWSUM")
    ok(chat, "kanal larm C0NEWALR")
    assert ok(chat, "schema sammanfattning tisdag 09:00").startswith("Sammanfattningen postas tisdag 09:00")
    assert not any("sammanfattning" in line for line in clock_tick(engine, now=local(23, 8)))
    before = len(outbox(engine, "reminder.dm"))
    assert before > 0  # the Monday 08:00 reminders are still on
    assert ok(chat, "schema påminnelser av", now=local(23, 9)) == "Påminnelser: inga."
    assert clock_tick(engine, now=local(24, 8, 59)) == [] and outbox(engine, "summary.post") == []
    assert clock_tick(engine, now=local(24, 9)) == ["sammanfattning 2026-W47"]
    assert outbox(engine, "summary.post") == [("C0NEWSUM", '{"week": "2026-W47"}')]
    for moment in (local(27, 12), local(30, 8)):  # Friday 12:00 and Monday 08:00: reminders are off
        clock_tick(engine, now=moment)
    assert len(outbox(engine, "reminder.dm")) == before and len(outbox(engine, "summary.post")) == 1
    with session_scope(engine) as session:
        assert session.execute(select(Workspace.alert_channel)).scalar_one() == "C0NEWALR"


def test_deadline_moves_the_week_under_assessment(chat) -> None:
    assert chat("U0POL1", "/lage Vällingby 3", now=local(23, 10, 30)).week.week == 48  # default Monday 10:00
    assert ok(chat, "deadline tisdag 12:00") == "Veckan under bedömning byts tisdag 12:00."
    assert [chat("U0POL1", "/lage Vällingby 3", now=moment).week.week
            for moment in (local(23, 10, 30), local(24, 11, 59), local(24, 12))] == [47, 47, 48]


def old_and_recent(chat) -> int:
    """Ratings and events with texts 13 months and 1 month old; returns the old event's number."""
    chat("U0POL1", "/lage Vällingby 3 gammal kommentar", now=OLD)
    chat("U0POL1", "/handelse Vällingby stenkastning gammal beskrivning", now=OLD)
    chat("U0POL1", "/lage Grimsta 4 ny kommentar", now=RECENT)
    chat("U0POL1", "/handelse Grimsta hot ny beskrivning", now=RECENT)
    return int(chat("U0POL1", "/handelse lista v43", now=OLD).events[0].number)


def test_retention_blanks_old_texts_once_a_day(chat, engine) -> None:
    assert "12 månader" in ok(chat, "gallring 12")
    assert audit(engine, "setting.retention") == [("inställning", "24", "12")]
    old_event = old_and_recent(chat)
    chat("U0POL1", f"/handelse återkalla {old_event} gammal orsak", now=OLD)
    with session_scope(engine) as session:
        assert daily_purge(session, now=NOW) == ["gallring default: 5 texter"]
    with session_scope(engine) as session:
        assert sorted((r.level, r.comment) for r in session.execute(select(Rating)).scalars()) == \
            [(3, None), (4, "ny kommentar")]
        events = {e.id: (e.description, e.withdrawn_reason) for e in session.execute(select(Event)).scalars()}
        assert events.pop(old_event) == (None, None) and list(events.values()) == [("ny beskrivning", None)]
    assert [new for _, _, new in audit(engine, "rating.set")] == ["3", "4 – ny kommentar"]
    assert [new for _, _, new in audit(engine, "event.report")] == [None, "ny beskrivning"]
    assert audit(engine, "event.withdraw") == [(f"#{old_event}", "aktiv", "återkallad")]
    purged = "1 kommentarer, 1 beskrivningar, 3 loggrader"
    assert audit(engine, "retention.purge") == [("före 2025-11-22", None, purged)]
    with session_scope(engine) as session:
        assert daily_purge(session, now=local(22, 23)) == []
    assert len(audit(engine, "retention.purge")) == 1


def run_bot(cwd, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "VECKOLAGE_", "LOG_"))
           and "proxy" not in k.lower()}
    env |= {"PYTHONIOENCODING": "utf-8", "DATABASE_URL": f"sqlite:///{cwd / 'veckolage.db'}"}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=env, input=stdin, capture_output=True,
                          text=True, encoding="utf-8", timeout=60)


def file_chat(tmp_path) -> Chat:
    engine = make_engine(f"sqlite:///{tmp_path / 'veckolage.db'}")
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        workspace = session.execute(select(Workspace.id)).scalar()
        workspace = workspace or sync_setup(session, parse_setup(SETUP_TOML), now=NOW).workspace_id
    return Chat(engine, workspace)


def test_purge_on_the_command_line(tmp_path) -> None:
    old_and_recent(file_chat(tmp_path))
    done = run_bot(tmp_path, "purge", "--before", "2026-01-01")
    assert done.returncode == 0, done.stderr
    assert "Gallrat allt före 2026-01-01: 1 kommentarer, 1 händelsebeskrivningar och 2 rader" in done.stdout
    assert "Nivåerna finns kvar" in done.stdout
    with closing(sqlite3.connect(tmp_path / "veckolage.db")) as db:
        assert sorted(db.execute("SELECT level, comment FROM rating")) == [(3, None), (4, "ny kommentar")]
        assert set(db.execute("SELECT description FROM event")) == {(None,), ("ny beskrivning",)}
    bad = run_bot(tmp_path, "purge", "--before", "2026-13-45")
    assert bad.returncode == 2 and "”2026-13-45” är inget datum" in bad.stderr
    assert "Traceback" not in bad.stderr + bad.stdout


def test_visa_shows_the_whole_setup(chat) -> None:
    assert [plain_text(line) for line in admin(chat, "visa").lines] == [
        "Områden: Hässelby gård, Hässelby strand, Vällingby, Grimsta",
        "Partner Polisen: @U0POL1, @U0POL2", "Partner Stadsdelen: @U0SDF", "Partner Bostadsbolaget: @U0BOST",
        "Samordnare: @U0COORD · Administratörer: @U0ADMIN", "Sammanfattning: #C0SUMMARY · Larm: #C0ALERTS",
        "Veckan byts måndag 10:00 · sammanfattning måndag 08:00 · påminnelser fredag 12:00, måndag 08:00 · "
        "okvitterat larm påminns efter 15 min", "Gallring: kommentarer och beskrivningar efter 24 månader"]


def test_audit_log_in_swedish_filtered_and_as_csv(chat) -> None:
    chat("U0POL1", "/lage Vällingby 3 lugnt")
    chat("U0POL2", "/lage Vällingby 4")
    ok(chat, "område byt-namn Grimsta -> Norra Grimsta")
    rating = "sön 22 nov 13:00 · @U0POL2 · bedömning · Vällingby / Polisen v47: 3 – lugnt → 4 – lugnt"  # kept
    rename = "sön 22 nov 13:00 · @U0ADMIN · område omdöpt · Norra Grimsta: Grimsta → Norra Grimsta"
    everything = admin(chat, "logg")
    assert everything.title.startswith("Granskningslogg (") and {rating, rename} <= set(map(plain_text,
                                                                                          everything.lines))
    by_area = [plain_text(line) for line in admin(chat, "logg Vällingby").lines]
    assert rating in by_area and all("Vällingby" in line for line in by_area)
    assert [plain_text(line) for line in admin(chat, "logg v47").lines] == [
        "sön 22 nov 13:00 · @U0POL1 · bedömning · Vällingby / Polisen v47: – → 3 – lugnt", rating]
    ok(chat, "kanal larm #C0NEWALR")
    assert any(" · kanal för larm · inställning: C0ALERTS → C0NEWALR" in plain_text(line)
               for line in admin(chat, "logg").lines)  # settings are named in Swedish too
    file = admin(chat, "logg csv")
    assert isinstance(file, FileReply) and (file.filename, file.user_id) == ("granskningslogg.csv", "U0ADMIN")
    assert file.content.startswith("\ufeff")  # for Swedish Excel, as the year export: BOM, ';', CRLF
    rows = list(csv.reader(io.StringIO(file.content.removeprefix("\ufeff"), newline=""), delimiter=";"))
    assert rows[0] == ["tid", "vem", "vad", "gäller", "vecka", "från", "till"]
    assert ["U0POL2", "bedömning", "Vällingby / Polisen", "2026-W47", "3 – lugnt", "4 – lugnt"] in [r[1:] for r in rows]


def test_slack_escaped_mentions_channels_and_the_log_as_a_dm_upload(engine, workspace_id, fake_slack) -> None:
    app = h.inline_app(engine, fake_slack, clock=lambda: NOW)
    added = h.slash(app, "/lagesadmin medlem lägg-till Stadsdelen <@U0NEW|anna>", user="U0ADMIN")
    assert "<@U0NEW> rapporterar nu för Stadsdelen." in added["blocks"][0]["text"]["text"]
    assert "<#C0NEW>" in h.slash(app, "/lagesadmin kanal larm <#C0NEW|larm>", user="U0ADMIN")["text"]
    h.slash(app, "/lagesadmin område byt-namn Grimsta -&gt; Norra Grimsta", user="U0ADMIN")  # Slack escapes >
    with session_scope(engine) as session:
        member = session.execute(select(Member).where(Member.user_id == "U0NEW")).scalar_one()
        assert member.partner_id and session.get(Workspace, workspace_id).alert_channel == "C0NEW"
    ack = h.slash(app, "/lagesadmin logg csv", user="U0ADMIN")
    assert ack["text"] == "Tar fram granskningslogg.csv; den kommer som direktmeddelande."
    assert fake_slack.calls_to("conversations.open")[-1].args["users"] == "U0ADMIN"
    assert fake_slack.calls_to("files.getUploadURLExternal")[-1].args["filename"] == "granskningslogg.csv"
    (upload,) = [c for c in fake_slack.calls if c.method.startswith("/upload/")]
    assert "område omdöpt".encode() in upload.body and b"Norra Grimsta" in upload.body
    (complete,) = fake_slack.calls_to("files.completeUploadExternal")
    assert complete.args["channel_id"] == "DU0ADMIN"


def test_export_reads_back_to_the_same_setup(chat, engine, workspace_id) -> None:
    for line in ("område lägg-till Rinkeby", "område ta-bort Grimsta", "partner lägg-till Räddningstjänsten",
                 "medlem lägg-till Räddningstjänsten @U0NEW @U0POL2", "samordnare lägg-till @U0SDF",
                 "admin lägg-till @U0COORD", "kanal sammanfattning #C0NEWSUM", "schema sammanfattning tisdag 09:00",
                 "schema påminnelser torsdag 15:00, måndag 07:30", "deadline tisdag 12:00", "gallring 12"):
        ok(chat, line)
    with session_scope(engine) as session:
        setup = parse_setup(export_setup(session, workspace_id=workspace_id))
    assert setup.areas == ("Hässelby gård", "Hässelby strand", "Vällingby", "Rinkeby")
    assert [(p.name, p.members) for p in setup.partners] == [
        ("Polisen", ("U0POL1",)), ("Stadsdelen", ("U0SDF",)), ("Bostadsbolaget", ("U0BOST",)),
        ("Räddningstjänsten", ("U0NEW", "U0POL2"))]
    assert (setup.coordinators, setup.admins) == (("U0COORD", "U0SDF"), ("U0ADMIN", "U0COORD"))
    assert (setup.summary_weekday, setup.summary_minute, setup.reminder_slots) == (1, 540, ((3, 900), (0, 450)))
    assert (setup.deadline_weekday, setup.deadline_minute, setup.retention_months) == (1, 720, 12)
    assert (setup.summary_channel, setup.alert_channel, setup.workspace_key) == ("C0NEWSUM", "C0ALERTS", "default")
    with session_scope(engine) as session:
        assert sync_setup(session, setup, now=NOW).changes == []  # importing the export changes nothing


def test_config_export_import_and_a_differing_file_on_the_command_line(tmp_path) -> None:
    config = tmp_path / "veckolage.toml"
    config.write_text(SETUP_TOML, encoding="utf-8")
    assert run_bot(tmp_path, "config", "export").returncode == 0  # first start: the file fills the database
    ok(file_chat(tmp_path), "område lägg-till Rinkeby")
    exported = run_bot(tmp_path, "config", "export")
    assert exported.returncode == 0 and "Skrev databasens inställningar" in exported.stdout, exported.stderr
    assert '"Grimsta", "Rinkeby"]' in config.read_text(encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace('"Grimsta", ', ""), encoding="utf-8")
    started = run_bot(tmp_path, "console", "--user", "U0ADMIN", "--no-color")
    assert started.returncode == 0 and "skiljer sig från databasen" in started.stderr
    db = tmp_path / "veckolage.db"
    active = "SELECT name FROM area WHERE retired_at IS NULL ORDER BY position"
    with closing(sqlite3.connect(db)) as connection:
        assert ("Grimsta",) in connection.execute(active).fetchall()  # not applied silently
    imported = run_bot(tmp_path, "config", "import")
    assert imported.returncode == 0 and "inlästa" in imported.stdout, imported.stderr
    with closing(sqlite3.connect(db)) as connection:
        assert [n for (n,) in connection.execute(active)] == ["Hässelby gård", "Hässelby strand", "Vällingby",
                                                             "Rinkeby"]


def test_members_can_be_added_to_a_partner_with_an_upper_case_name(chat) -> None:
    ok(chat, "partner lägg-till WSP")
    assert "@U0NEW rapporterar nu för WSP." in ok(chat, "medlem lägg-till WSP @U0NEW")


def test_members_can_be_added_as_visa_shows_them(chat) -> None:
    """`visa` lists members as @U…; what it shows is accepted back, beside a bare id (Slack's <@U…|name>
    becomes @U… in the Slack adapter: tests/test_slack_inbound.py)."""
    added = ok(chat, "medlem lägg-till Stadsdelen @U0NOBODY1 @U0NOBODY2 U0NOBODY3")
    assert added.splitlines()[1:] == [f"@U0NOBODY{n} rapporterar nu för Stadsdelen." for n in (1, 2, 3)]
    shown = text(admin(chat, "visa"))
    assert "@U0NOBODY1" in shown and "@U0NOBODY2" in shown
    assert ok(chat, "medlem ta-bort @U0NOBODY1").endswith("@U0NOBODY1 är inte längre medlem.")
    assert chat("U0NOBODY2", "/lage Vällingby 2").title == "Sparat: Vällingby 2 Avvikande läge för Stadsdelen"
    assert "finns inte" in text(admin(chat, "medlem lägg-till Stadsdelen@ @U0NOBODY4"))


def test_areas_and_partners_are_capped_by_the_product_rule(chat) -> None:
    """At most 40 areas and 30 partners (commands/setup/file.py): the set-up file's limits hold in chat too."""
    for i in range(36):  # the collaboration has 4 areas
        ok(chat, f"område lägg-till Område {i}")
    assert "Högst 40 områden i en samverkan." in text(admin(chat, "område lägg-till Ett för mycket"))
    for i in range(27):  # and 3 partners
        ok(chat, f"partner lägg-till Part {i}")
    assert "Högst 30 samverkansparter i en samverkan." in text(admin(chat, "partner lägg-till En för mycket"))
    assert "Ett för mycket" not in text(admin(chat, "visa")) and "En för mycket" not in text(admin(chat, "visa"))
