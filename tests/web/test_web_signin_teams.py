"""Sign in with Microsoft to the web view of a collaboration on Teams (`python -m bot web` beside `teams`), in a
real browser against a loopback Entra ID: the person is their Entra object id in the tenant's collaboration."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from wsgiref.simple_server import make_server

import pytest

from bot.http import web_only_app
from bot.settings import Settings, load_settings
from bot.web.app import make_web_app, web_config
from bot.web.signin_entra import EntraSignIn
from commands.core.context import Invocation
from commands.registry import dispatch
from storage.db import session_scope
from tests.conftest import NOW
from tests.teams.teams_harness import CLIENT_ID, COORDINATOR, POLICE, STRANGER, TENANT_ID, teams_collaboration
from tests.web import web_harness as w
from tests.web.fake_entra import FakeEntra
from tests.web.web_harness import WEB_SECRET, Clock

desktop = w.desktop  # a fixture
SECRET = "teams-client-secret-for-tests"


class TeamsSite:
    """The web view alone on 127.0.0.1, signing people in at the fake Entra."""

    def __init__(self, url: str, entra: FakeEntra) -> None:
        self.url, self.entra = url, entra


@pytest.fixture
def teams_site(engine) -> Iterator[TeamsSite]:
    workspace_id = teams_collaboration(engine)
    with session_scope(engine) as session:
        dispatch("lage", "v47 Grimsta 2 lugnt men mörkt i parken", Invocation(workspace_id, POLICE, NOW), session)
    entra = FakeEntra(TENANT_ID).start()
    server = make_server("127.0.0.1", 0, lambda environ, start: [], server_class=w._Server, handler_class=w._Quiet)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    entra.register(CLIENT_ID, SECRET, f"{base}/storbild/logga-in/klar")
    settings = Settings(web_secret=WEB_SECRET, web_base_url=base, teams_signin=(CLIENT_ID, SECRET, entra.token_url))
    server.set_app(web_only_app(make_web_app(web_config(settings), engine, Clock(NOW))))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield TeamsSite(base, entra)
    server.shutdown()
    server.server_close()
    entra.stop()


def sign_in(page, site: TeamsSite, oid: str, *, start: str = "/storbild/") -> None:
    """The real flow: the page, the button, the fake Entra's authorize step, the callback."""
    site.entra.sign_in_as(oid, "Anna Andersson")
    page.goto(site.url + start)
    page.get_by_role("link", name="Logga in med Microsoft").click()
    page.wait_for_load_state()


def test_a_member_signs_in_with_microsoft_and_sees_comments(teams_site, desktop) -> None:
    sign_in(desktop, teams_site, POLICE, start="/storbild/vecka/2026-W47")
    assert desktop.url == teams_site.url + "/storbild/vecka/2026-W47"
    assert "lugnt men mörkt i parken" in desktop.locator("main").inner_text()
    [call] = teams_site.entra.token_calls
    assert call["client_secret"] == SECRET and call["redirect_uri"].endswith("/storbild/logga-in/klar")


def test_a_coordinator_gets_the_kiosk_page(teams_site, desktop) -> None:
    sign_in(desktop, teams_site, COORDINATOR)
    desktop.goto(teams_site.url + "/storbild/kiosk")
    assert desktop.get_by_role("heading", level=1).inner_text() == "Kiosklänkar till mötesrummets skärm"


def test_someone_of_the_tenant_outside_the_collaboration_is_told_so(teams_site, desktop) -> None:
    sign_in(desktop, teams_site, STRANGER)
    assert "Du finns inte med i den här samverkan" in desktop.get_by_role("alert").inner_text()
    assert not [c for c in desktop.context.cookies() if c["name"] == "vl_session"]


def test_cancelling_at_microsoft_signs_nobody_in(teams_site, desktop) -> None:
    teams_site.entra.deny = True
    sign_in(desktop, teams_site, POLICE)
    assert "Inloggningen avbröts hos Microsoft" in desktop.get_by_role("alert").inner_text()
    assert teams_site.entra.token_calls == []


def test_a_forged_id_token_is_refused(teams_site, desktop) -> None:
    teams_site.entra.forge = True
    sign_in(desktop, teams_site, POLICE)
    assert "Microsoft bekräftade inte inloggningen" in desktop.get_by_role("alert").inner_text()
    assert not [c for c in desktop.context.cookies() if c["name"] == "vl_session"]


def test_the_teams_settings_turn_on_sign_in_with_microsoft() -> None:
    env = {"WEB_SECRET": WEB_SECRET, "WEB_BASE_URL": "https://lagesbild.kommun.se", "TEAMS_CLIENT_ID": CLIENT_ID,
           "TEAMS_CLIENT_SECRET": SECRET, "TEAMS_TENANT_ID": TENANT_ID}
    signin = web_config(load_settings(env)).signin
    assert isinstance(signin, EntraSignIn)
    assert signin.authority == f"https://login.microsoftonline.com/{TENANT_ID}"
    assert signin.redirect_uri == "https://lagesbild.kommun.se/storbild/logga-in/klar"
    assert web_config(load_settings({**env, "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"})).signin.provider \
        == "slack"  # a Slack collaboration keeps Sign in with Slack
