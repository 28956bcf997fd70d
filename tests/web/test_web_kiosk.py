"""Kiosk links: made in the chat or on the page by a coordinator, shown on the wall without comments,
refused in clear Swedish once expired, revoked or tampered with."""

from __future__ import annotations

from datetime import timedelta
from urllib.request import urlopen

import pytest

from storage import queries
from storage.db import session_scope
from tests import slack_harness as h
from tests.web import web_harness as w
from tests.web.web_harness import sign_in

desktop = w.desktop  # a fixture
site = w.site  # a fixture


def kiosk_link_from_chat(site, text: str = "/veckolage storbild 7", user: str = "U0COORD") -> str:
    """`/veckolage storbild` through the real Slack app (a signed request): the private answer's link."""
    body = h.slash_body("/veckolage", text.partition(" ")[2], user=user)
    answer = h.dispatch(site.app, body, h.signed_headers(body))
    assert answer.status == 200
    words = h.texts(__import__("json").loads(answer.body))
    links = [w for w in words.split() if w.startswith(site.url + "/storbild/k/")]
    return links[0] if links else words


def test_a_coordinator_gets_a_private_link_that_shows_the_week_without_comments(site, chat, desktop):
    chat("U0POL1", "/lage v47 Vällingby 4 hemlig kommentar om entrén")
    chat("U0POL1", "/handelse v47 Grimsta stenkastning 2026-11-21 20:00 beskrivning som inte ska synas")
    chat("U0POL1", "/insats Grimsta spaning vid gångtunneln v47")
    body = h.slash_body("/veckolage", "storbild 7", user="U0COORD")
    answer = __import__("json").loads(h.dispatch(site.app, body, h.signed_headers(body)).body)
    assert answer["response_type"] == "ephemeral"
    link = kiosk_link_from_chat(site)
    desktop.goto(link)
    assert desktop.locator("body").get_attribute("class") == "kiosk"
    text = desktop.locator("main").inner_text()
    assert desktop.locator('tr[data-area="Vällingby"] td[data-partner="Polisen"]').inner_text() == "4 Allvarligt"
    assert "Stenkastning i Grimsta" in text
    html = desktop.content()
    assert "hemlig kommentar" not in html and "beskrivning som inte ska synas" not in html
    assert "Öppna insatser: 1" in text and "spaning vid gångtunneln" not in html  # planned actions stay private
    assert desktop.get_by_role("navigation", name="Huvudmeny").count() == 0  # nothing to go to from a kiosk


def test_only_coordinators_make_links(site):
    assert "Bara samordnare kan skapa" in kiosk_link_from_chat(site, user="U0POL1")


def test_the_wall_refreshes_itself_and_shows_new_reports(site, chat, desktop):
    link = kiosk_link_from_chat(site)
    desktop.clock.install()
    desktop.goto(link)
    assert desktop.locator('tr[data-area="Grimsta"] td[data-partner="Polisen"]').inner_text() == "ej rapporterat"
    chat("U0POL1", "/lage v47 Grimsta 2")
    with desktop.expect_navigation():
        desktop.clock.fast_forward("01:01")  # a minute on the page's clock: it reloads itself
    assert desktop.locator('tr[data-area="Grimsta"] td[data-partner="Polisen"]').inner_text() == "2 Avvikande"


def test_an_expired_link_is_refused(site, desktop):
    link = kiosk_link_from_chat(site, "/veckolage storbild 1")
    site.clock.now += timedelta(days=1, seconds=1)
    response = desktop.goto(link)
    assert response.status == 403
    assert desktop.locator("h1").inner_text() == "Länken har gått ut"
    assert "tabell" not in desktop.content() and "Vällingby" not in desktop.content()


@pytest.mark.parametrize("change", ["signature", "expiry", "id"])
def test_a_tampered_link_is_refused(site, desktop, change):
    link = kiosk_link_from_chat(site)
    base, token = link.rsplit("/", 1)
    link_id, expires, nonce, signature = token.split(".")
    token = {"signature": f"{link_id}.{expires}.{nonce}.{signature[:-2]}AA",
             "expiry": f"{link_id}.{int(expires) + 86400 * 30}.{nonce}.{signature}",
             "id": f"{int(link_id) + 1}.{expires}.{nonce}.{signature}"}[change]
    response = desktop.goto(f"{base}/{token}")
    assert response.status == 403
    assert desktop.locator("h1").inner_text() == "Länken är ogiltig"
    assert "Vällingby" not in desktop.content()


def test_a_revoked_link_is_refused_on_the_next_refresh(site, chat, desktop, engine, workspace_id):
    link = kiosk_link_from_chat(site)
    desktop.goto(link)
    assert desktop.locator("table.grid").count() == 1
    number = link.rsplit("/", 1)[1].split(".")[0]
    assert f"Kiosklänk {number} är återkallad" in kiosk_link_from_chat(site, f"/veckolage storbild återkalla {number}")
    desktop.reload()
    assert desktop.locator("h1").inner_text() == "Länken är återkallad"
    with session_scope(engine) as session:
        actions = [e.action for e in queries.audit_entries(session, workspace_id=workspace_id)]
    assert actions[-2:] == ["kiosk.create", "kiosk.revoke"]


def test_a_coordinator_makes_and_revokes_a_link_on_the_web_page(site, desktop, browser):
    sign_in(desktop, site, "U0COORD", start="/storbild/kiosk")
    desktop.get_by_label("Giltig i").select_option("30")
    desktop.get_by_role("button", name="Skapa kiosklänk").click()
    link = desktop.get_by_label("Öppna adressen på mötesrummets skärm").input_value()
    assert link.startswith(site.url + "/storbild/k/")
    wall = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()  # the room's screen
    assert wall.goto(link).status == 200
    number = link.rsplit("/", 1)[1].split(".")[0]
    desktop.get_by_role("button", name=f"Återkalla länk {number}").click()
    assert f"Kiosklänk {number} är återkallad" in desktop.locator("main").inner_text()
    assert wall.goto(link).status == 403
    wall.context.close()


def test_a_member_who_is_not_coordinator_cannot_reach_the_kiosk_page(site, desktop):
    sign_in(desktop, site, "U0POL1", start="/storbild/kiosk")
    assert desktop.locator("h1").inner_text() == "Bara för samordnare"
    assert desktop.get_by_role("link", name="Kiosklänkar").count() == 0


def test_nothing_is_shown_to_someone_without_a_session_or_link(site):
    for path in ("/storbild/", "/storbild/vecka/2026-W47", "/storbild/skarm", "/storbild/ar/2026",
                 "/storbild/ar/2026.png", "/storbild/omrade/1", "/storbild/kiosk"):
        with urlopen(site.url + path) as answer:  # follows the redirect to the sign-in page
            assert answer.url.startswith(site.url + "/storbild/logga-in"), path
            assert "Vällingby" not in answer.read().decode()


@pytest.mark.parametrize("words", ["storbild 0", "storbild 91", "storbild tre", "storbild 7 extra",
                                   "storbild återkalla", "storbild återkalla x", "storbild återkalla 999"])
def test_bad_input_gets_swedish_usage_and_writes_nothing(chat, engine, words):
    from tests.test_rights_matrix import snapshot

    before = snapshot(engine)
    reply = chat("U0COORD", f"/veckolage {words}")
    assert reply.tone == "error" and reply.title == "Det gick inte"
    assert reply.usage == "veckolage storbild [dagar] | storbild återkalla <nr>"
    assert reply.lines[0] in ("Antal dagar: 1–90.", "Skriv numret på länken som ska återkallas.",
                              "Det finns ingen giltig kiosklänk nummer 999.")
    assert snapshot(engine) == before


def test_the_chat_answer_says_how_long_it_holds_and_how_to_revoke_it(site):
    answer = kiosk_link_from_chat(site, "/veckolage storbild 30")
    body = h.slash_body("/veckolage", "storbild 30", user="U0COORD")
    text = h.texts(__import__("json").loads(h.dispatch(site.app, body, h.signed_headers(body)).body))
    number = int(text.split("Kiosklänk ")[1].split()[0])
    assert "Gäller i 30 dagar, till tis 22 dec 13:00" in text
    assert f"/veckolage storbild återkalla {number}" in text
    assert answer.startswith(site.url + "/storbild/k/")


def test_without_a_web_secret_the_web_view_is_off(engine, workspace_id):
    from tests.conftest import NOW
    from tests.fake_slack import FakeSlack
    from tests.web.web_harness import Clock, start_site

    with FakeSlack() as fake:
        running, server = start_site(engine, fake, Clock(NOW), secret=None)
        try:
            urlopen(running.url + "/storbild/")
            raise AssertionError("answered without WEB_SECRET")
        except __import__("urllib.error").error.HTTPError as error:
            assert error.code == 503
            assert "Webbvyn är inte påslagen" in error.read().decode()
        finally:
            server.shutdown()
            server.server_close()
