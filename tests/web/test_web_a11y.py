"""Every page at 20 areas × 10 partners with long names, at 1920×1080 and at a phone's 390 px:
axe-core finds nothing (WCAG 2.1 A/AA and best practice), and what the page is for still works there."""

from __future__ import annotations

import pytest

from tests.conftest import Chat
from tests.test_at_scale import AREAS, PARTNERS
from tests.web import web_scale as ws
from tests.web.web_harness import DESKTOP, PHONE, axe_violations, sign_in
from tests.web.web_scale import COORD, report_shooting

big_site = ws.big_site  # a fixture

SIGNED_IN = ["/storbild/vecka/2026-W47", "/storbild/skarm", "/storbild/ar/2026", "/storbild/omrade/{area}",
             "/storbild/kiosk", "/storbild/tillganglighet", "/storbild/vecka/2030-W01"]


@pytest.fixture(params=["desktop", "phone"])
def viewport_page(request, browser):
    """A fresh browser at 1920×1080 or at a phone's width."""
    size = DESKTOP if request.param == "desktop" else PHONE
    context = browser.new_context(viewport=size, locale="sv-SE", is_mobile=request.param == "phone")
    yield context.new_page()
    context.close()


def test_every_page_has_no_axe_violations(big_site, engine, viewport_page, browser):
    site, workspace = big_site
    report_shooting(Chat(engine, workspace))
    page = viewport_page
    page.goto(site.url + "/storbild/logga-in?fel=unknown")
    assert axe_violations(page) == [], "sign-in page"
    sign_in(page, site, COORD, start="/storbild/kiosk")
    page.get_by_role("button", name="Skapa kiosklänk").click()
    kiosk = page.get_by_label("Öppna adressen på mötesrummets skärm").input_value()
    assert axe_violations(page) == [], "kiosk links page"
    page.goto(site.url + "/storbild/vecka/2026-W47")
    area = page.get_by_role("link", name=AREAS[3]).get_attribute("href").rsplit("/", 1)[1]
    for path in SIGNED_IN:
        page.goto(site.url + path.format(area=area))
        for details in page.locator("details").all():
            details.locator("summary").click()  # the folded comments and the whole year table too
        assert axe_violations(page) == [], path
    page.goto(kiosk)
    assert axe_violations(page) == [], "kiosk"
    page.goto(kiosk[:-3] + "abc")
    assert page.locator("h1").inner_text() == "Länken är ogiltig"
    assert axe_violations(page) == [], "refused link"


def test_the_wall_shows_the_whole_grid_on_one_1920_by_1080_screen(big_site, engine, browser):
    site, workspace = big_site
    report_shooting(Chat(engine, workspace))
    page = browser.new_context(viewport=DESKTOP, locale="sv-SE").new_page()
    sign_in(page, site, COORD, start="/storbild/skarm")
    table = page.locator("table.grid").bounding_box()
    assert table["x"] >= 0 and table["x"] + table["width"] <= 1920, table  # no column off the screen
    last = page.locator(f'tr[data-area="{AREAS[-1]}"]').bounding_box()
    assert last["y"] + last["height"] <= 1080, last  # the twentieth area without scrolling
    assert page.get_by_role("alert").is_visible()
    cell = page.locator(f'tr[data-area="{AREAS[0]}"] td[data-col="samlat"]')
    assert cell.inner_text().startswith("5‼ Kritiskt")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('td.lv .n')).fontSize)")
    assert size >= 22, size  # numbers readable from four metres
    page.context.close()


def test_on_a_phone_the_grid_scrolls_inside_its_box_and_keeps_every_partner(big_site, browser):
    site, _ = big_site
    page = browser.new_context(viewport=PHONE, locale="sv-SE", is_mobile=True).new_page()
    sign_in(page, site, COORD, start="/storbild/vecka/2026-W47")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    heads = page.locator("table.grid thead th").all_inner_texts()
    assert len(heads) == 3 + len(PARTNERS)
    missing = page.locator(f'tr[data-area="{AREAS[5]}"] td[data-partner="{PARTNERS[-1][0]}"]').inner_text()
    assert missing == "ej rapporterat"
    page.context.close()


def test_the_keyboard_reaches_the_content_first(big_site, browser):
    site, _ = big_site
    page = browser.new_context(viewport=DESKTOP, locale="sv-SE").new_page()
    sign_in(page, site, COORD, start="/storbild/vecka/2026-W47")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Hoppa till innehållet" and skip.is_visible()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # focus is visible
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "innehall"
    page.context.close()
