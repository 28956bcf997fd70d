"""Many workspaces on one database: nothing crosses between them; OAuth installs; secrets never in logs."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.console.render import plain as plain_text
from bot.http import wsgi_app
from bot.jobs.clock import clock_tick
from bot.jobs.outbox_worker import Deliverer, outbox_client
from bot.settings import Settings
from bot.slack.app import create_app
from bot.slack.oauth import oauth_settings
from bot.slack.summary_blocks import summary_message
from commands.core.weeks import Week
from commands.rhythm.summary import build_summary
from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from commands.year.export import year_csv
from commands.year.table import build_year_table
from storage import queries
from storage.db import session_scope
from storage.models import Event, Rating, Workspace
from tests import slack_harness as h
from tests.conftest import NOW, Chat

fake_slack = h.fake_slack
TEAM_TOML = """
team_id = "T0{x}{x}{x}"
summary_channel = "C0SUM{x}"
alert_channel = "C0ALR{x}"
coordinators = ["U0{x}COORD"]
admins = ["U0{x}ADMIN"]
areas = ["Hässelby gård", "Vällingby", "Grimsta"]

[[partner]]
name = "Polisen"
members = ["U0{x}POL"]

[[partner]]
name = "Stadsdelen"
members = ["U0{x}SDF"]
"""
# Per workspace: Hässelby gård fastställd, Vällingby by Polisen (with a comment), Grimsta by Stadsdelen.
LEVELS = {"A": {"Hässelby gård": 2, "Vällingby": 1, "Grimsta": 2}, "B": {"Hässelby gård": 4, "Vällingby": 5,
                                                                        "Grimsta": 4}}
OTHER = {"A": "B", "B": "A"}
MONDAY_0800 = datetime(2026, 11, 23, 8, tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(UTC)


@pytest.fixture
def pair(engine) -> dict[str, int]:
    """Workspaces A (T0AAA) and B (T0BBB) with the same area and partner names and their own week 47."""
    ids = {}
    for x, levels in LEVELS.items():
        with session_scope(engine) as session:
            ids[x] = sync_setup(session, parse_setup(TEAM_TOML.format(x=x)), now=NOW).workspace_id
        chat = Chat(engine, ids[x])
        chat(f"U0{x}POL", f"/lage Vällingby {levels['Vällingby']} kommentar-{x}")
        chat(f"U0{x}SDF", f"/lage Grimsta {levels['Grimsta']}")
        chat(f"U0{x}COORD", f"/veckolage fastställ Hässelby gård {levels['Hässelby gård']}")
        chat(f"U0{x}POL", f"/handelse Vällingby {'stenkastning' if x == 'A' else 'skadegörelse'} händelse-{x}")
    return ids


def event_of(engine, workspace_id: int) -> int:
    with session_scope(engine) as session:
        return session.execute(select(Event.id).where(Event.workspace_id == workspace_id)).scalar_one()


@pytest.mark.parametrize("x", ["A", "B"])
def test_every_view_shows_only_its_own_workspace(engine, pair, x) -> None:
    chat, other, levels = Chat(engine, pair[x]), OTHER[x], LEVELS[x]
    grid = chat(f"U0{x}POL", "/veckolage")
    assert {row.area: row.value for row in grid.rows} == levels
    assert [c.text for c in grid.comments] == [f"kommentar-{x}"]
    assert [e.description for e in grid.events] == [f"händelse-{x}"]
    assert [e.description for e in chat(f"U0{x}SDF", "/handelse lista").events] == [f"händelse-{x}"]
    assert chat(f"U0{x}COORD", "/veckolage trend Vällingby 2").points[-1].value == levels["Vällingby"]
    with session_scope(engine) as session:
        table = build_year_table(session, workspace_id=pair[x], year=2026)
    assert table.values == {(47, area): value for area, value in levels.items()}
    assert "\n47;{};{};{}\r\n".format(*levels.values()) in year_csv(table)
    log = "\n".join(map(plain_text, chat(f"U0{x}ADMIN", "/lagesadmin logg").lines))
    assert f"U0{x}POL" in log and f"U0{other}" not in log and f"-{other}" not in log
    theirs = event_of(engine, pair[other])
    refused = chat(f"U0{x}COORD", f"/handelse återkalla {theirs}")
    assert refused.tone == "error" and refused.lines == (f"Det finns ingen händelse #{theirs} här.",)
    assert chat(f"U0{x}COORD", f"/handelse ändra {theirs} beskrivning kapad").tone == "error"
    with session_scope(engine) as session:
        event = session.get(Event, theirs)
        assert (event.withdrawn_at, event.description) == (None, f"händelse-{other}")


def test_slack_requests_are_answered_from_the_sender_team_only(engine, pair, fake_slack) -> None:
    app = h.inline_app(engine, fake_slack, clock=lambda: NOW)
    unknown_user, not_admin = ("Du finns inte med i den här samverkan.",
                              "Bara administratörer kan använda /lagesadmin: se och ändra uppsättningen.")
    for line, user, refusal in (("/veckolage", "U0APOL", unknown_user), ("/lage Vällingby 3", "U0APOL", unknown_user),
                                ("/handelse lista", "U0APOL", unknown_user), ("/lagesadmin visa", "U0AADMIN", not_admin)):
        shown = json.dumps(h.slash(app, line, user=user, team="T0BBB"), ensure_ascii=False)  # A's user, B's team
        assert refusal in shown and "kommentar-B" not in shown and "händelse-B" not in shown, line
    unknown = h.slash(app, "/veckolage", user="U0APOL", team="T0CCC")
    assert "inte uppsatt för Veckoläge" in json.dumps(unknown, ensure_ascii=False)
    with session_scope(engine) as session:
        assert {r.workspace_id for r in session.execute(select(Rating)).scalars() if r.level == 3} == set()
    for x in ("A", "B"):  # exports land in the asker's DM with the asker's workspace only
        h.slash(app, "/veckolage export 2026 csv", user=f"U0{x}COORD", team=f"T0{x * 3}")
        h.slash(app, "/lagesadmin logg csv", user=f"U0{x}ADMIN", team=f"T0{x * 3}")
    uploads = [c.body.decode() for c in fake_slack.calls if c.method.startswith("/upload/")]
    assert len(uploads) == 4
    for x, (table, log) in zip("AB", (uploads[:2], uploads[2:]), strict=True):
        assert "\n47;{};{};{}\r\n".format(*LEVELS[x].values()) in table
        assert f"kommentar-{x}" in log and f"U0{OTHER[x]}" not in log and f"-{OTHER[x]}" not in log


def test_summaries_go_to_each_workspace_channel_with_its_own_token(engine, pair, fake_slack) -> None:
    claimed = clock_tick(engine, now=MONDAY_0800)
    assert claimed.count("sammanfattning 2026-W47") == 2
    worker = Deliverer(engine, None, clock=lambda: MONDAY_0800,
                       client_for=lambda team: outbox_client(f"xoxb-{team}", fake_slack.url))
    for second in range(3):
        worker.run_once(now=MONDAY_0800 + timedelta(seconds=second))
    posts = fake_slack.calls_to("chat.postMessage")
    for x in ("A", "B"):
        mine = [c for c in posts if c.args["channel"] == f"C0SUM{x}"]
        summary, thread = [c for c in mine if not c.args.get("thread_ts")], [c for c in mine if c.args.get("thread_ts")]
        assert len(summary) == 1 and len(thread) == 1
        with session_scope(engine) as session:
            expected = summary_message(build_summary(session, session.get(Workspace, pair[x]), Week(2026, 47)))
        assert summary[0].args["blocks"] == json.loads(json.dumps(expected["blocks"]))
        assert f"kommentar-{x}" in json.dumps(thread[0].args, ensure_ascii=False)
        assert f"-{OTHER[x]}" not in json.dumps([c.args for c in mine], ensure_ascii=False)
        assert {c.token for c in mine} == {f"xoxb-T0{x * 3}"}
        dms = [c for c in fake_slack.calls_to("conversations.open") if c.args["users"].startswith(f"U0{x}")]
        assert dms and {c.token for c in dms} == {f"xoxb-T0{x * 3}"}


def test_workspace_for_falls_back_only_to_a_single_default_workspace(engine, pair) -> None:
    with session_scope(engine) as session:
        assert queries.workspace_for(session, key="T0AAA").id == pair["A"]
        assert queries.workspace_for(session, key="T0CCC") is None
        assert queries.workspace_for(session, key=None) is None


def test_a_single_default_workspace_answers_for_any_team(engine, workspace_id) -> None:
    with session_scope(engine) as session:
        assert queries.workspace_for(session, key="T0CCC").id == workspace_id
        assert queries.workspace_for(session, key=None).id == workspace_id
        sync_setup(session, parse_setup(TEAM_TOML.format(x="A")), now=NOW)
    with session_scope(engine) as session:  # once a team has its own workspace, the default is no catch-all
        assert queries.workspace_for(session, key="T0CCC") is None


OAUTH_ANSWER = {"ok": True, "app_id": "A0NEW", "authed_user": {"id": "U0INST", "scope": "", "token_type": "user"},
                "scope": "commands,chat:write,im:write,files:write", "token_type": "bot", "access_token": "xoxb-new",
                "bot_user_id": "UBOT", "team": {"id": "T0NEW", "name": "Nya samverkan"}, "enterprise": None,
                "is_enterprise_install": False}


def install(application, fake) -> None:
    """The browser's way through /slack/install and /slack/oauth_redirect, with the cookie Bolt set."""
    status, headers, page = h.wsgi_request(application, "GET", "/slack/install")
    assert status in (200, 302)
    link = page if status == 200 else headers["location"][0]
    state = re.search(r"https://slack\.com/oauth/v2/authorize\?state=([\w-]+)&(?:amp;)?client_id=111\.222", link)[1]
    cookie = next(c for c in headers["set-cookie"] if c.startswith("slack-app-oauth-state=")).split(";")[0]
    assert cookie == f"slack-app-oauth-state={state}"
    fake.respond_with("oauth.v2.access", OAUTH_ANSWER)
    status, _, page = h.wsgi_request(application, "GET", "/slack/oauth_redirect",
                                     query=urlencode({"code": "abc", "state": state}), headers={"cookie": cookie})
    assert status == 200 and "slack://app?team=T0NEW" in page
    (access,) = fake.calls_to("oauth.v2.access")
    assert access.args["code"] == "abc"


def test_oauth_install_creates_the_workspace_and_its_admin(engine, fake_slack) -> None:
    settings = Settings(signing_secret=h.SECRET, slack_api_url=fake_slack.url, client_id="111.222", client_secret="s")
    oauth = oauth_settings("111.222", "s", engine, clock=lambda: NOW)
    application = wsgi_app(create_app(settings, engine=engine, clock=lambda: NOW, oauth=oauth))
    install(application, fake_slack)
    with session_scope(engine) as session:
        workspace = queries.workspace_for(session, key="T0NEW")
        assert workspace is not None and workspace.created_at == NOW
        assert queries.users_with_role(session, workspace_id=workspace.id, role=queries.ADMIN) == ["U0INST"]
    body = h.slash_body("/lagesadmin", "visa", user="U0INST", team="T0NEW")
    status, _, answer = h.wsgi_request(application, "POST", "/slack/events", headers=h.signed_headers(body),
                                       body=body.encode())
    assert status == 200 and "Administratörer: <@U0INST>" in json.loads(answer)["blocks"][0]["text"]["text"]
    assert fake_slack.calls_to("auth.test")[-1].token == "xoxb-new"  # authorized from the installation store
    assert h.wsgi_request(application, "GET", "/healthz")[:1] == (200,)
    assert h.wsgi_request(application, "GET", "/slack/elsewhere")[:1] == (404,)


SECRETS = ("xoxb-SECRET-TOKEN-123", "SIGNING-SECRET-456", "CLIENT-SECRET-789")


def test_secrets_never_reach_the_logs(engine, workspace_id, fake_slack, caplog, monkeypatch) -> None:
    caplog.set_level(logging.DEBUG)
    settings = Settings(bot_token=SECRETS[0], signing_secret=SECRETS[1], client_id="111.222", client_secret=SECRETS[2],
                        slack_api_url=fake_slack.url)
    app = create_app(settings, engine=engine, clock=lambda: NOW, background=lambda job: job())
    assert "Uppsättning" in json.dumps(h.slash(app, "/lagesadmin visa", user="U0ADMIN", secret=SECRETS[1]),
                                       ensure_ascii=False)
    assert h.slash(app, "/lage", user="U0POL1", secret=SECRETS[1]) == {}  # views.open with the bot token
    h.slash(app, "/handelse Vällingby skjutning", user="U0POL1", secret=SECRETS[1])
    with monkeypatch.context() as patch:
        patch.setattr("bot.slack.listeners.slash.dispatch", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
        assert "Något gick fel" in json.dumps(h.slash(app, "/veckolage", user="U0POL1", secret=SECRETS[1]),
                                              ensure_ascii=False)
    body = h.slash_body("/lage", "Vällingby 3", user="U0POL1")
    assert h.dispatch(app, body, h.signed_headers(body, secret="not-the-secret")).status == 401
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=7)
    Deliverer(engine, outbox_client(settings.bot_token, fake_slack.url), clock=lambda: NOW).run_once(now=NOW)
    oauth = oauth_settings("111.222", SECRETS[2], engine, clock=lambda: NOW)
    install(wsgi_app(create_app(settings, engine=engine, clock=lambda: NOW, oauth=oauth)), fake_slack)
    logged = caplog.text
    assert "Request failed" in logged and "HTTP 429" in logged and "Sending a request" in logged  # all ran, at DEBUG
    for secret in SECRETS:
        assert secret not in logged and secret not in repr(settings) and secret not in str(settings)


@pytest.mark.parametrize("args", [["migrate"], ["config", "export"], ["serve"], []])
def test_the_database_password_is_never_printed(tmp_path, args) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "VECKOLAGE_"))}
    env |= {"DATABASE_URL": "postgresql://u:hunter2@127.0.0.1:1/x", "LOG_LEVEL": "DEBUG", "HOST": "127.0.0.1",
            "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "http://127.0.0.1:9/api/",
            "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp_path, env=env, capture_output=True,
                            text=True, encoding="utf-8", timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2, result.stderr
    assert "hunter2" not in result.stderr + result.stdout
    assert "postgresql://…@127.0.0.1:1/x" in result.stderr and "Traceback" not in result.stderr


def test_an_installed_bot_token_is_never_logged(engine, fake_slack, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    settings = Settings(signing_secret=h.SECRET, slack_api_url=fake_slack.url, client_id="111.222", client_secret="s")
    oauth = oauth_settings("111.222", "s", engine, clock=lambda: NOW)
    install(wsgi_app(create_app(settings, engine=engine, clock=lambda: NOW, oauth=oauth)), fake_slack)
    assert "xoxb-new" not in caplog.text
