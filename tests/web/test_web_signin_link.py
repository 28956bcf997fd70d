"""Sign-in links (`/veckolage webb`): asked for in the chat, private, one press signs the asker in once within ten
minutes; a preview of the link spends nothing; used, expired, tampered or no-longer-member links sign no one in."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from storage.db import session_scope
from storage.models import AuditEntry
from tests import slack_harness as h
from tests.web import web_harness as w

desktop = w.desktop  # a fixture
site = w.site  # a fixture


def link_from_chat(site, user: str = "U0POL1") -> str:
    """`/veckolage webb` through the real Slack app (a signed request): the link in the private answer."""
    body = h.slash_body("/veckolage", "webb", user=user)
    answer = h.dispatch(site.app, body, h.signed_headers(body))
    assert answer.status == 200
    payload = json.loads(answer.body)
    assert payload.get("response_type", "ephemeral") == "ephemeral"  # for the asker's eyes only
    words = h.texts(payload)
    links = [word for word in words.split() if word.startswith(site.url + "/storbild/in/")]
    return links[0] if links else words


def _signed_in(page) -> bool:
    return any(c["name"] == "vl_session" for c in page.context.cookies())


def test_a_member_signs_in_with_one_press_and_sees_comments(site, chat, desktop, engine):
    chat("U0SDF", "/lage v47 Grimsta 2 lugnt men mörkt i parken")
    link = link_from_chat(site)
    desktop.goto(link)
    desktop.goto(link)  # opening it again (a preview, a second look) spends nothing
    assert not _signed_in(desktop)
    desktop.get_by_role("button", name="Logga in").click()
    desktop.wait_for_load_state()
    assert _signed_in(desktop) and desktop.url.startswith(site.url + "/storbild/")
    desktop.goto(site.url + "/storbild/vecka/2026-W47")
    assert "lugnt men mörkt i parken" in desktop.locator("main").inner_text()
    with session_scope(engine) as session:
        actions = [a.action for a in session.execute(select(AuditEntry)).scalars()]
    assert "signin.link" in actions


def test_a_link_works_once(site, desktop, browser):
    link = link_from_chat(site)
    desktop.goto(link)
    desktop.get_by_role("button", name="Logga in").click()
    other = browser.new_context().new_page()  # the same link in another browser afterwards
    response = other.goto(link)
    assert response.status == 410 and "redan använd eller för gammal" in other.content()
    other.context.close()


def test_a_link_expires_after_ten_minutes(site, desktop):
    link = link_from_chat(site)
    site.clock.now += timedelta(minutes=10, seconds=1)
    assert desktop.goto(link).status == 410
    assert "veckolage webb" in desktop.content() and not _signed_in(desktop)


def test_a_tampered_link_signs_no_one_in(site, desktop):
    link = link_from_chat(site)
    tampered = link[:-1] + ("A" if link[-1] != "A" else "B")
    assert desktop.goto(tampered).status == 410
    kiosk_style = link.replace("/storbild/in/", "/storbild/k/")  # a sign-in link never passes for a kiosk link
    assert desktop.goto(kiosk_style).status == 403


def test_someone_removed_since_is_not_signed_in(site, chat, desktop):
    link = link_from_chat(site)
    desktop.goto(link)
    assert chat("U0ADMIN", "/lagesadmin medlem ta-bort @U0POL1").tone == "ok"
    desktop.get_by_role("button", name="Logga in").click()
    desktop.wait_for_load_state()
    assert "Du finns inte med i den här samverkan" in desktop.get_by_role("alert").inner_text()
    assert not _signed_in(desktop)


def test_someone_outside_gets_no_link(site):
    answer = link_from_chat(site, user="U0STRANGER")
    assert "/storbild/in/" not in answer
