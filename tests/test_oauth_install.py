"""Installing over OAuth: the team that installs adopts a collaboration set up without `team_id`
(members stay members), and a team without an installation is told so in Swedish."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.http import wsgi_app
from bot.settings import Settings
from bot.slack.app import create_app
from bot.slack.oauth import ensure_workspace, oauth_settings
from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from storage import queries
from storage.db import session_scope
from storage.models import Workspace
from tests import slack_harness as h
from tests.conftest import NOW, SETUP_TOML
from tests.test_isolation import install

fake_slack = h.fake_slack


def oauth_web(engine, fake):
    settings = Settings(signing_secret=h.SECRET, slack_api_url=fake.url, client_id="111.222", client_secret="s")
    oauth = oauth_settings("111.222", "s", engine, clock=lambda: NOW)
    return wsgi_app(create_app(settings, engine=engine, clock=lambda: NOW, oauth=oauth))


def slash(web, line: str, *, user: str, team: str, response_url: str | None = None) -> tuple[int, str]:
    command, _, text = line.partition(" ")
    body = h.slash_body(command, text, user=user, team=team, response_url=response_url)
    status, _, answer = h.wsgi_request(web, "POST", "/slack/events", headers=h.signed_headers(body),
                                       body=body.encode())
    return status, answer


def keys(engine) -> list[str]:
    with session_scope(engine) as session:
        return list(session.execute(select(Workspace.key).order_by(Workspace.id)).scalars())


def test_the_installing_team_adopts_the_collaboration_set_up_without_a_team_id(engine, workspace_id, fake_slack):
    web = oauth_web(engine, fake_slack)
    install(web, fake_slack)  # team T0NEW, installed by U0INST
    assert keys(engine) == ["T0NEW"]
    status, answer = slash(web, "/lage Vällingby 3 lugnt", user="U0POL1", team="T0NEW")
    assert status == 200 and "Sparat: Vällingby 3" in json.dumps(json.loads(answer), ensure_ascii=False)
    with session_scope(engine) as session:
        assert queries.workspace_for(session, key="T0NEW").id == workspace_id
        assert queries.users_with_role(session, workspace_id=workspace_id, role=queries.ADMIN) == ["U0ADMIN"]
        again = sync_setup(session, parse_setup(SETUP_TOML), now=NOW)  # the next start reads the same file
    assert again.workspace_id == workspace_id and again.changes == [] and keys(engine) == ["T0NEW"]

    other = ensure_workspace(engine, team_id="T0TWO", installer="U0OTHER", now=NOW)  # a second team: its own
    with session_scope(engine) as session:
        assert other != workspace_id and queries.workspace_for(session, key="T0NEW").id == workspace_id
        assert queries.users_with_role(session, workspace_id=other, role=queries.ADMIN) == ["U0OTHER"]
    status, answer = slash(web, "/lage Grimsta 2", user="U0POL1", team="T0NEW")
    assert status == 200 and "Sparat: Grimsta 2" in json.dumps(json.loads(answer), ensure_ascii=False)


def test_a_team_without_an_installation_is_refused_in_swedish(engine, fake_slack):
    web = oauth_web(engine, fake_slack)
    status, answer = slash(web, "/lage Vällingby 3", user="U0POL1", team="T0NONE",
                           response_url=fake_slack.response_url())
    assert (status, answer) == (200, "")
    (told,) = fake_slack.calls_to("/respond/r")
    assert "Veckoläge är inte installerat i den här arbetsytan" in told.args["text"]
    assert "install this app" not in json.dumps(told.args)
