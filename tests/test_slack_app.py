"""The real Bolt app, end to end: signed requests in, what the user sees (ack JSON, Web API calls) out."""

from __future__ import annotations

import json
import logging
import time

import pytest
from slack_sdk.signature import Clock, SignatureVerifier
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.slack.limits import problems
from bot.slack.text import escape
from commands.registry import COMMANDS
from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from storage import queries
from storage.db import session_scope
from storage.models import AgreedLevel, Area, Partner, Rating, Workspace
from storage.queries.rating_write import save_rating
from tests import slack_harness as h
from tests.conftest import NOW
from tests.slack_harness import texts

fake_slack = h.fake_slack
AREAS = ["Hässelby gård", "Hässelby strand", "Vällingby", "Grimsta"]
WEEK = "vecka 47, 2026 (16–22 nov)"


class Slack:
    """A user typing in Slack: signed requests into the real app, parsed answers back."""

    def __init__(self, app, fake) -> None:
        self.app, self.fake = app, fake

    def send(self, body: str, headers: dict | None = None):
        return h.dispatch(self.app, body, headers or h.signed_headers(body))

    def command(self, line: str, user: str = "U0POL1") -> dict:
        """`/lage Vällingby 3` → the parsed JSON body of the ack (empty dict for an empty ack)."""
        command, _, text = line.partition(" ")
        response = self.send(h.slash_body(command, text, user=user))
        assert response.status == 200, response.body
        return json.loads(response.body) if response.body else {}

    def submit(self, view: dict, values: dict, user: str = "U0POL1") -> dict:
        response = self.send(h.view_submission_body(view, values, user=user))
        assert response.status == 200, response.body
        return json.loads(response.body)

    def open_form(self, user: str = "U0POL1") -> dict:
        """`/lage` with no text: the modal Slack was asked to open."""
        assert self.command("/lage", user) == {}
        return self.fake.calls_to("views.open")[-1].args["view"]


@pytest.fixture
def slack(engine, fake_slack) -> Slack:
    return Slack(h.build_app(engine, fake_slack, clock=lambda: NOW), fake_slack)


@pytest.fixture
def setup_slack(slack, workspace_id) -> Slack:
    """The app on the conftest collaboration (4 areas; Polisen, Stadsdelen, Bostadsbolaget)."""
    return slack


def grid_row(payload: dict, area: str) -> dict[str, str]:
    """An area's row of the grid's table, by column head: `{"Område": …, "Samlat": "🟧3 ⚠️", "Polisen": "🟧3"}`."""
    (table,) = [b for b in payload["blocks"] if b["type"] == "table"]
    heads, *rows = [[cell["text"] for cell in row] for row in table["rows"]]
    return dict(zip(heads, next(row for row in rows if row[0] == area), strict=True))


def stored(engine) -> dict[tuple[str, str], tuple[int, str | None]]:
    """Every rating in the database, (area, partner) → (level, comment); all of them in week 47."""
    query = (select(Area.name, Partner.name, Rating.level, Rating.comment, Rating.iso_year, Rating.iso_week)
             .join(Area, Area.id == Rating.area_id).join(Partner, Partner.id == Rating.partner_id))
    with session_scope(engine) as session:
        rows = session.execute(query).all()
    assert {(r.iso_year, r.iso_week) for r in rows} <= {(2026, 47)}
    return {(r[0], r[1]): (r.level, r.comment) for r in rows}


def agreed(engine) -> dict[int, int]:
    with session_scope(engine) as session:
        return {a.area_id: a.level for a in session.execute(select(AgreedLevel)).scalars()}


def form_state(view: dict, entries: dict[str, tuple[str | None, str | None]]) -> dict:
    """The state Slack sends: every block of the form, filled in for the given areas."""
    ids = {b["label"]["text"]: b["block_id"].split("-", 1)[1] for b in view["blocks"]
           if b.get("block_id", "").startswith("level-")}
    values = {}
    for area, suffix in ids.items():
        level, comment = entries.get(area, (None, None))
        values[f"level-{suffix}"] = {f"level-{suffix}": {"type": "static_select",
                                                         "selected_option": {"value": level} if level else None}}
        values[f"comment-{suffix}"] = {f"comment-{suffix}": {"type": "plain_text_input", "value": comment}}
    return values


def test_slack_signing_test_vector() -> None:
    secret = "8f742231b10e8888abcd99yyyzzz85a5"
    body = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
            "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
            "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F"
            "96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
    expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"

    class Then(Clock):
        def now(self) -> float:
            return 1531420618

    assert SignatureVerifier(secret).generate_signature(timestamp="1531420618", body=body) == expected
    headers = h.signed_headers(body, secret=secret, timestamp=1531420618)
    assert headers["x-slack-signature"] == [expected]
    verifier = SignatureVerifier(secret, clock=Then())
    assert verifier.is_valid(body=body, timestamp="1531420618", signature=expected)
    tampered = body.replace("text=", "text=x")
    assert not verifier.is_valid(body=tampered, timestamp="1531420618", signature=expected)


def _unsigned(headers: dict) -> dict:
    return {k: v for k, v in headers.items() if k != "x-slack-signature"}


@pytest.mark.parametrize("forge", [
    pytest.param(lambda body: h.signed_headers(body, secret="not-the-secret"), id="bad-signature"),
    pytest.param(lambda body: _unsigned(h.signed_headers(body)), id="missing-signature"),
    pytest.param(lambda body: h.signed_headers(body, timestamp=int(time.time()) - 301), id="stale-timestamp"),
])
def test_unverified_requests_are_refused_and_change_nothing(setup_slack, engine, forge) -> None:
    body = h.slash_body("/lage", "Vällingby 3 kommentar")
    assert setup_slack.send(body, forge(body)).status == 401
    assert stored(engine) == {}
    assert setup_slack.fake.calls == []


def test_rating_is_saved_and_another_member_replaces_it(setup_slack, engine) -> None:
    first = setup_slack.command("/lage Vällingby 3 kommentar")
    assert first["response_type"] == "ephemeral"
    assert first["text"].startswith("Sparat: Vällingby 3")
    assert "Polisen" in first["text"] and WEEK in texts(first["blocks"])
    assert "Kommentar: kommentar" in texts(first["blocks"])
    assert stored(engine) == {("Vällingby", "Polisen"): (3, "kommentar")}

    second = setup_slack.command("/lage Vällingby 4", user="U0POL2")
    assert second["text"].startswith("Sparat: Vällingby 4")
    assert "Ersatte Polisens tidigare bedömning 3" in texts(second["blocks"])
    assert "Kommentaren finns kvar: kommentar" in texts(second["blocks"])  # a colleague's comment is not lost
    assert stored(engine) == {("Vällingby", "Polisen"): (4, "kommentar")}


def test_user_text_is_escaped_in_the_reply_and_in_the_grid(setup_slack, engine) -> None:
    reply = setup_slack.command("/lage Vällingby 3 &lt;!channel&gt; hej &lt;@U123&gt; &amp; co")  # as Slack sends it
    grid = setup_slack.command("/veckolage")
    assert stored(engine)[("Vällingby", "Polisen")] == (3, "<!channel> hej <@U123> & co")
    for payload in (reply, grid):
        dumped = json.dumps(payload, ensure_ascii=False)
        assert "<!channel>" not in dumped and "<@U123>" not in dumped
        assert "&lt;!channel&gt; hej &lt;@U123&gt; &amp; co" in texts(payload)


def test_lage_without_text_opens_the_prefilled_form(setup_slack) -> None:
    setup_slack.command("/lage Vällingby 3 lugnt", user="U0POL1")
    setup_slack.command("/lage Grimsta 5", user="U0SDF")  # another partner: not pre-filled for Polisen
    view = setup_slack.open_form(user="U0POL2")
    (call,) = setup_slack.fake.calls_to("views.open")
    assert call.args["trigger_id"].endswith(".222.abc") and call.token == h.BOT_TOKEN
    assert view["callback_id"] == "rating_form" and view["type"] == "modal"
    levels = {b["label"]["text"]: b for b in view["blocks"] if b.get("block_id", "").startswith("level-")}
    assert list(levels) == AREAS
    assert levels["Vällingby"]["element"]["initial_option"]["value"] == "3"
    assert all("initial_option" not in b["element"] for area, b in levels.items() if area != "Vällingby")
    comment_id = levels["Vällingby"]["block_id"].replace("level-", "comment-")
    comment = next(b for b in view["blocks"] if b.get("block_id") == comment_id)
    assert comment["element"]["initial_value"] == "lugnt"
    assert comment["label"]["text"] == "Kommentar om Vällingby"  # each comment field names its area
    assert problems(view["blocks"], view=True) == []  # unique block and action ids


def test_submitting_the_form_saves_every_chosen_area(setup_slack, engine) -> None:
    view = setup_slack.open_form()
    entries = {"Vällingby": ("3", "lugnt <!here>"), "Grimsta": ("2", None)}
    ack = setup_slack.submit(view, form_state(view, entries))
    assert ack["response_action"] == "update"
    shown = texts(ack["view"])
    assert f"Sparat för Polisen, {WEEK}" in shown
    assert "2 områden har er bedömning, 1 med kommentar; 2 ändrades nu." in shown
    assert "Ändrat: Vällingby 3 Oroande läge 💬, Grimsta 2 Avvikande läge" in shown
    assert "lugnt" not in shown and "Hässelby" not in shown  # a summary, not every comment again
    assert stored(engine) == {("Vällingby", "Polisen"): (3, "lugnt <!here>"),
                              ("Grimsta", "Polisen"): (2, None)}


def _block_id(view: dict, kind: str, area: str) -> str:
    level = next(b for b in view["blocks"] if b.get("label", {}).get("text") == area)
    return level["block_id"].replace("level-", f"{kind}-")


@pytest.mark.parametrize(("entry", "kind", "message"), [
    pytest.param((None, "en kommentar"), "level", "Välj en nivå", id="comment-without-level"),
    pytest.param(("3", "x" * 301), "comment", "301 tecken; högst 300", id="comment-too-long"),
])
def test_form_errors_are_per_field_and_nothing_is_saved(setup_slack, engine, entry, kind, message) -> None:
    view = setup_slack.open_form()
    ack = setup_slack.submit(view, form_state(view, {"Grimsta": ("2", "ok"), "Vällingby": entry}))
    assert ack["response_action"] == "errors"
    assert list(ack["errors"]) == [_block_id(view, kind, "Vällingby")]
    assert message in ack["errors"][_block_id(view, kind, "Vällingby")]
    assert stored(engine) == {}


def test_week_grid_shows_colour_and_number_and_missing_cells(setup_slack) -> None:
    setup_slack.command("/lage Vällingby 3", user="U0POL1")
    setup_slack.command("/lage Vällingby 1", user="U0SDF")
    setup_slack.command("/lage Hässelby gård 5 skottlossning", user="U0BOST")
    grid = setup_slack.command("/veckolage", user="U0SDF")
    assert grid["response_type"] == "ephemeral"
    assert grid["blocks"][0]["type"] == "header" and WEEK in grid["blocks"][0]["text"]["text"]
    for area in AREAS:
        assert grid_row(grid, area)
    vallingby = grid_row(grid, "Vällingby")
    assert vallingby["Samlat"] == "🟧3 ⚠️"  # proposed (no ✓), partners apart
    assert (vallingby["Polisen"], vallingby["Stadsdelen"], vallingby["Bostadsbolaget"]) == ("🟧3", "🟩1", "⬜–")
    assert grid_row(grid, "Hässelby gård")["Bostadsbolaget"] == "🟪5‼💬"
    grimsta = grid_row(grid, "Grimsta")
    assert set(grimsta.values()) == {"Grimsta", "⬜–"}  # missing is never 1
    assert "Hässelby gård* – Bostadsbolaget: skottlossning" in texts(grid["blocks"])
    assert_within_slack_limits(grid)


def assert_within_slack_limits(payload: dict) -> None:
    assert problems(json.loads(json.dumps(payload))["blocks"]) == []


def test_large_collaboration_grid_stays_within_slack_limits(slack, engine) -> None:
    areas = [f"Område {i:02d} " + "å" * 70 for i in range(20)]
    partners = [(f"Partner {p:02d} " + "ö" * 69, f"U0P{p:02d}") for p in range(10)]
    toml = f"areas = {json.dumps(areas, ensure_ascii=False)}\n" + "".join(
        f'[[partner]]\nname = "{name}"\nmembers = ["{user}"]\n' for name, user in partners)
    with session_scope(engine) as session:
        workspace = sync_setup(session, parse_setup(toml), now=NOW).workspace_id
    with session_scope(engine) as session:
        for area in queries.active_areas(session, workspace_id=workspace):
            for partner in queries.active_partners(session, workspace_id=workspace):
                save_rating(session, workspace_id=workspace, area=area, partner=partner, year=2026,
                            week=47, level=1 + (area.id + partner.id) % 5, comment="<&>" * 100,
                            user_id="U0P00", now=NOW)
    grid = slack.command("/veckolage", user="U0P00")
    assert_within_slack_limits(grid)
    shown = texts(grid["blocks"])
    assert [grid_row(grid, area)["Område"] for area in areas] == areas
    assert "kommentarer till – alla ett områdes kommentarer: /veckolage kommentarer" in shown and "<&>" not in shown


def test_fastställ_is_for_coordinators_only(setup_slack, engine) -> None:
    setup_slack.command("/lage Vällingby 3")
    refused = setup_slack.command("/veckolage fastställ Vällingby 4", user="U0POL1")
    shown = texts(refused["blocks"])
    assert "Bara samordnare kan fastställa en nivå." in shown and "<@U0COORD>" in shown
    assert agreed(engine) == {}

    done = setup_slack.command("/veckolage faststall Vällingby 4", user="U0COORD")
    assert done["text"].startswith("Fastställt: Vällingby 4 Allvarligt läge, v47")
    assert "Parternas förslag var 3." in texts(done["blocks"])
    assert list(agreed(engine).values()) == [4]
    row = grid_row(setup_slack.command("/veckolage", user="U0COORD"), "Vällingby")
    assert row["Samlat"] == "🟥4 ✓"  # ✓ fastställd


def test_unknown_user_is_refused_in_swedish(setup_slack, engine) -> None:
    reply = setup_slack.command("/lage Vällingby 3", user="U0NOBODY")
    assert reply["response_type"] == "ephemeral" and reply["text"] == "Det gick inte"
    assert "Du finns inte med i den här samverkan." in texts(reply["blocks"])
    assert stored(engine) == {}


def _fail(error: Exception):
    def raising(*args, **kwargs):
        raise error
    return raising


@pytest.mark.parametrize(("target", "error", "message"), [
    ("bot.slack.listeners.slash.dispatch", RuntimeError("boom"), "Något gick fel hos Veckoläge och inget sparades."),
    ("commands.rating.rate.saved_notice", RuntimeError("boom"), "Något gick fel hos Veckoläge och inget sparades."),
    ("bot.slack.listeners.slash.dispatch", OperationalError("SELECT 1", {}, Exception("refused")),
     "Databasen svarar inte"),
])
def test_errors_become_a_swedish_message_and_a_logged_traceback(
        setup_slack, engine, monkeypatch, caplog, target, error, message) -> None:
    monkeypatch.setattr(target, _fail(error))
    with caplog.at_level(logging.ERROR, logger="veckolage.slack"):
        reply = setup_slack.command("/lage Vällingby 3")
    assert reply["response_type"] == "ephemeral"
    assert message in texts(reply["blocks"])
    assert "Traceback" not in json.dumps(reply) and "boom" not in json.dumps(reply)
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.exc_info and record.exc_info[1] is error and "/lage" in record.getMessage()
    assert stored(engine) == {}  # saved_notice ran after the write: rolled back


def test_form_submission_error_updates_the_modal(setup_slack, engine, monkeypatch) -> None:
    view = setup_slack.open_form()
    monkeypatch.setattr("bot.slack.listeners.forms.submit_form", _fail(RuntimeError("boom")))
    ack = setup_slack.submit(view, form_state(view, {"Grimsta": ("2", None)}))
    assert ack["response_action"] == "update" and "Något gick fel" in texts(ack["view"])
    assert stored(engine) == {}


def test_failing_views_open_is_reported_to_the_user(setup_slack, caplog) -> None:
    setup_slack.fake.fail_next("views.open", status=500)
    with caplog.at_level(logging.ERROR, logger="veckolage.slack"):
        reply = setup_slack.command("/lage")
    assert reply["response_type"] == "ephemeral" and "Något gick fel" in texts(reply["blocks"])
    assert "500" in caplog.text  # (Slack's 5xx is an HTML page, not JSON with an error code)


@pytest.mark.parametrize("line", ["/veckolage hjälp", "/lage hjalp", "/lage HJÄLP"])
def test_help_lists_every_command(setup_slack, line) -> None:
    reply = setup_slack.command(line, user="U0NOBODY")
    shown = texts(reply["blocks"])
    assert reply["blocks"][0]["text"]["text"] == "Veckoläge – kommandon"
    for command in COMMANDS:
        assert f"`/{escape(command.usage)}`" in shown
    assert shown.index(line.split()[0]) < shown.index("/veckolage" if line.startswith("/lage") else "/lage ")


def test_settings_changed_in_slack_are_saved(setup_slack, engine, workspace_id) -> None:
    """The request reads the workspace as a plain row; the admin commands must still save their changes."""
    answers = {line: setup_slack.command(f"/lagesadmin {line}", user="U0ADMIN")["text"] for line in (
        "kanal sammanfattning <#C0NEWSUM>", "kanal larm <#C0NEWALR>", "schema sammanfattning tisdag 09:00",
        "schema påminnelser torsdag 15:00", "deadline tisdag 12:00", "gallring 12")}
    assert answers["kanal larm <#C0NEWALR>"].startswith("Kanal för larm: <#C0NEWALR>.")
    assert answers["gallring 12"].startswith("Kommentarer och beskrivningar gallras efter 12 månader")
    with session_scope(engine) as session:
        ws = session.get(Workspace, workspace_id)
        saved = (ws.summary_channel, ws.alert_channel, ws.summary_weekday, ws.summary_minute, ws.reminder_slots,
                 ws.deadline_weekday, ws.deadline_minute, ws.retention_months)
    assert saved == ("C0NEWSUM", "C0NEWALR", 1, 9 * 60, "3:900", 1, 12 * 60, 12)
