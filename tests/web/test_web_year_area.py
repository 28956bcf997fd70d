"""The year page (the year picture as PNG from the same table, and the table itself) and an area's page."""

from __future__ import annotations

import io

from PIL import Image

from tests.web import web_harness as w
from tests.web.web_harness import sign_in

desktop = w.desktop  # a fixture
site = w.site  # a fixture


def test_the_year_shows_the_picture_and_the_same_numbers_as_a_table(site, chat, desktop):
    chat("U0COORD", "/veckolage fastställ v46 Grimsta 4")
    chat("U0COORD", "/veckolage fastställ v47 Grimsta 5")
    chat("U0POL1", "/handelse v47 Vällingby sprängning 2026-11-20 03:10")
    sign_in(desktop, site, "U0COORD", start="/storbild/ar/")
    assert desktop.url.endswith("/storbild/ar/2026")
    assert desktop.locator("h1").inner_text() == "Årssammanställning 2026"
    picture = desktop.get_by_role("img")
    assert "Samma uppgifter finns i tabellerna nedan" in picture.get_attribute("alt")
    png = desktop.request.get(site.url + picture.get_attribute("src"))
    assert png.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(png.body())).width > 500
    summary = desktop.locator("table.plain tr", has=desktop.locator("th", has_text="Grimsta")).inner_text()
    assert "2 veckor" in summary  # two weeks at 4–5, a streak of two
    desktop.get_by_text("Visa hela årstabellen").click()
    row = desktop.locator("table.year tbody tr", has=desktop.locator("th", has_text="v47"))
    texts = row.locator("td").all_inner_texts()
    assert texts[3].startswith("5‼ Kritiskt")  # Grimsta, fourth area
    assert "kritisk händelse" in texts[2] and texts[2].startswith("5‼")  # Vällingby, the explosion
    assert texts[0] == "ej bedömd"  # nobody assessed Hässelby gård that week


def test_an_area_shows_its_trend_beside_the_average_and_its_events(site, chat, desktop):
    chat("U0COORD", "/veckolage fastställ v46 Vällingby 2")
    chat("U0COORD", "/veckolage fastställ v46 Grimsta 4")
    chat("U0POL1", "/handelse v47 Vällingby stenkastning 2026-11-19 18:00 sten mot buss")
    sign_in(desktop, site, "U0POL1", start="/storbild/vecka/2026-W46")
    desktop.get_by_role("link", name="Vällingby").click()
    assert desktop.locator("h1").inner_text() == "Vällingby, v36–v47 2026"
    row = desktop.locator("table.trend tbody tr", has=desktop.locator("th", has_text="v46"))
    assert row.locator("td").all_inner_texts() == ["2 Avvikande", "3,0"]
    assert "Händelse" in desktop.locator("main ul").inner_text() and "sten mot buss" in desktop.content()


def test_unknown_weeks_years_and_areas_are_said_in_swedish(site, desktop):
    sign_in(desktop, site, "U0POL1")
    for path, title in (("/storbild/vecka/2026-W60", "Veckan finns inte"), ("/storbild/ar/2031", "Året finns inte"),
                        ("/storbild/omrade/999999", "Området finns inte"), ("/storbild/nagot", "Sidan finns inte")):
        assert desktop.goto(site.url + path).status == 404
        assert desktop.locator("h1").inner_text() == title
