"""Sign in with Slack against the fake Slack (OpenID Connect, ID tokens signed with a test key)."""

from __future__ import annotations

from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import urlopen

from tests import slack_harness as h
from tests.web import web_harness as w
from tests.web.web_harness import CLIENT_ID, sign_in

desktop = w.desktop  # a fixture
site = w.site  # a fixture


def test_a_member_signs_in_with_slack_and_sees_comments(site, chat, desktop):
    chat("U0SDF", "/lage v47 Grimsta 2 lugnt men mörkt i parken")
    sign_in(desktop, site, "U0SDF", start="/storbild/vecka/2026-W47")
    assert desktop.url == site.url + "/storbild/vecka/2026-W47"
    assert "lugnt men mörkt i parken" in desktop.locator("main").inner_text()
    token = site.fake.calls_to("openid.connect.token")[0]
    assert token.headers["authorization"].startswith("Basic ")  # the client's id and secret, as Slack wants
    assert site.fake.calls_to("openid.connect.userInfo")
    cookie = next(c for c in desktop.context.cookies() if c["name"] == "vl_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/storbild"
    assert not cookie["secure"]  # http on 127.0.0.1; Secure when WEB_BASE_URL is https


def test_someone_outside_the_collaboration_is_told_so(site, desktop):
    sign_in(desktop, site, "U0STRANGER")
    assert "Du finns inte med i den här samverkan" in desktop.get_by_role("alert").inner_text()
    assert not [c for c in desktop.context.cookies() if c["name"] == "vl_session"]
    assert desktop.goto(site.url + "/storbild/").url.startswith(site.url + "/storbild/logga-in")


def test_another_workspace_is_not_this_collaboration(site, desktop, engine):
    from commands.setup.file import parse_setup
    from commands.setup.sync import sync_setup
    from storage.db import session_scope
    from tests.conftest import NOW

    with session_scope(engine) as session:  # a second, team-keyed collaboration: the default no longer answers all
        sync_setup(session, parse_setup('team_id = "T0OTHER"\ncoordinators = ["U0X"]\nareas = ["A"]\n'
                                        '[[partner]]\nname = "P"\nmembers = ["U0Y"]\n'), now=NOW)
    sign_in(desktop, site, "U0POL1", team="T0ELSEWHERE")
    assert "Du finns inte med i den här samverkan" in desktop.get_by_role("alert").inner_text()


def test_cancelling_at_slack_signs_nobody_in(site, desktop):
    site.fake.openid.deny = True
    sign_in(desktop, site, "U0POL1")
    assert "Inloggningen avbröts i Slack" in desktop.get_by_role("alert").inner_text()
    assert not site.fake.calls_to("openid.connect.token")


def test_a_forged_id_token_is_refused(site, desktop):
    site.fake.openid.forge = True
    sign_in(desktop, site, "U0POL1")
    assert "Slack bekräftade inte inloggningen" in desktop.get_by_role("alert").inner_text()


def test_an_id_token_from_another_issuer_is_refused(site, desktop):
    site.fake.openid.issuer_override = "https://evil.example"
    sign_in(desktop, site, "U0POL1")
    assert "Slack bekräftade inte inloggningen" in desktop.get_by_role("alert").inner_text()


def test_a_callback_the_browser_did_not_start_is_refused(site, desktop):
    site.fake.openid.sign_in_as(h.TEAM, "U0POL1")
    desktop.goto(site.url + "/storbild/logga-in")
    with desktop.expect_request(lambda r: "/logga-in/klar" in r.url) as seen:
        desktop.get_by_role("link", name="Logga in med Slack").click()
    callback = seen.value.url
    desktop.wait_for_load_state()
    assert desktop.locator("h1").inner_text().startswith("Lägesbild")
    desktop.context.clear_cookies()
    desktop.goto(callback)  # the same code and state again, in a browser that did not start it
    assert "Inloggningen kunde inte slutföras" in desktop.get_by_role("alert").inner_text()
    forged = callback.replace("state=", "state=x")
    desktop.goto(forged)
    assert "Inloggningen kunde inte slutföras" in desktop.get_by_role("alert").inner_text()


def test_the_fake_slack_refuses_a_redirect_uri_it_does_not_know(site):
    query = urlencode({"response_type": "code", "client_id": CLIENT_ID, "scope": "openid,profile", "state": "s",
                       "redirect_uri": "http://127.0.0.1:1/elsewhere"})
    try:
        urlopen(f"{site.fake.url.removesuffix('/api/')}/openid/connect/authorize?{query}")
        raise AssertionError("the fake Slack redirected to an unregistered address")
    except HTTPError as error:
        assert error.code == 400


def test_a_tampered_session_cookie_is_no_session(site, desktop):
    sign_in(desktop, site, "U0POL1")
    cookie = next(c for c in desktop.context.cookies() if c["name"] == "vl_session")
    payload, signature = cookie["value"].split(".")
    desktop.context.add_cookies([{**cookie, "value": f"{payload}.{signature[::-1]}"}])
    assert desktop.goto(site.url + "/storbild/").url.startswith(site.url + "/storbild/logga-in")


def test_a_member_removed_from_the_collaboration_loses_the_page_at_once(site, chat, desktop):
    sign_in(desktop, site, "U0BOST")
    assert desktop.locator("h1").inner_text().startswith("Lägesbild")
    chat("U0ADMIN", "/lagesadmin medlem ta-bort U0BOST")
    assert desktop.goto(site.url + "/storbild/").url.startswith(site.url + "/storbild/logga-in")


def test_signing_out(site, desktop):
    sign_in(desktop, site, "U0POL1")
    desktop.get_by_role("button", name="Logga ut").click()
    assert "Du är utloggad" in desktop.locator("main").inner_text()
    assert desktop.goto(site.url + "/storbild/").url.startswith(site.url + "/storbild/logga-in")
