"""The week page in a real browser: what a member reads in the cells, the banner, comments; the wall."""

from __future__ import annotations

from commands.core.context import Invocation
from commands.events.manage import acknowledge
from storage.db import session_scope
from tests.conftest import NOW
from tests.web import web_harness as w
from tests.web.web_harness import sign_in

desktop = w.desktop  # a fixture
phone = w.phone  # a fixture
site = w.site  # a fixture

WEEK_URL = "/storbild/vecka/2026-W47"


def cell(page, area: str, partner: str) -> str:
    """What a person reads in the cell of an area and a partner."""
    return page.locator(f'tr[data-area="{area}"] td[data-partner="{partner}"]').inner_text()


def test_a_member_reads_the_number_and_level_in_each_cell_and_ej_rapporterat_where_missing(site, chat, desktop):
    chat("U0POL1", "/lage v47 Vällingby 4 stenkastning mot buss")
    chat("U0SDF", "/lage v47 Vällingby 2")
    sign_in(desktop, site, "U0POL1")
    assert desktop.locator("h1").inner_text().startswith("Lägesbild vecka 47, 2026")
    assert cell(desktop, "Vällingby", "Polisen") == "4 Allvarligt"
    assert cell(desktop, "Vällingby", "Stadsdelen") == "2 Avvikande"
    assert cell(desktop, "Vällingby", "Bostadsbolaget") == "ej rapporterat"
    assert cell(desktop, "Grimsta", "Polisen") == "ej rapporterat"
    consolidated = desktop.locator('tr[data-area="Vällingby"] td[data-col="samlat"]').inner_text()
    assert consolidated.startswith("4 Allvarligt") and "föreslagen" in consolidated
    assert "stenkastning mot buss" in desktop.locator("#kommentarer + ul").inner_text()
    assert "Bostadsbolaget (alla 4 områden)" in desktop.get_by_role("heading", name="Har inte rapporterat") \
        .locator("xpath=..").inner_text()


def test_this_week_stands_beside_last_week(site, chat, desktop):
    chat("U0COORD", "/veckolage fastställ v46 Grimsta 3")
    chat("U0COORD", "/veckolage fastställ v47 Grimsta 1")
    sign_in(desktop, site, "U0COORD", start=WEEK_URL)
    row = desktop.locator('tr[data-area="Grimsta"]')
    assert row.locator('td[data-col="forra"]').inner_text() == "3 Oroande"
    now = row.locator('td[data-col="samlat"]').inner_text()
    assert now.startswith("1 Normalt") and "fastställd" in now and "lägre än förra veckan" in now
    heads = desktop.locator("table.grid thead th").all_inner_texts()
    assert heads[:3] == ["Område", "Samlat v47", "Förra veckan (v46)"]


def test_the_banner_shows_an_unacknowledged_alert_until_someone_acknowledges_it(site, chat, desktop, engine,
                                                                                 workspace_id):
    chat("U0POL1", "/handelse v47 Vällingby skjutning 2026-11-21 22:15 skott mot port")
    sign_in(desktop, site, "U0SDF", start=WEEK_URL)
    banner = desktop.get_by_role("alert")
    assert "Okvitterade larm (1)" in banner.inner_text()
    assert "Skjutning i Vällingby" in banner.inner_text()
    row = desktop.locator('tr[data-area="Vällingby"]')
    assert "Kritisk händelse" in row.locator("th").inner_text()
    assert row.get_attribute("class") == "critical"
    assert row.locator('td[data-col="samlat"]').inner_text().startswith("5‼ Kritiskt")
    with session_scope(engine) as session:
        number = int(banner.inner_text().split("händelse ")[1].split(",")[0])
        assert acknowledge(number, Invocation(workspace_id, "U0COORD", NOW), session).tone == "ok"
    desktop.reload()
    assert desktop.get_by_role("alert").count() == 0
    assert "Okvitterade larm" not in desktop.locator("main").inner_text()


def test_the_wall_folds_comments_away_until_a_member_opens_them(site, chat, desktop):
    chat("U0POL1", "/lage v47 Vällingby 3 klotter vid entrén")
    sign_in(desktop, site, "U0POL1", start="/storbild/skarm")
    comment = desktop.get_by_text("klotter vid entrén")
    assert not comment.is_visible()
    desktop.get_by_text("Visa kommentarerna (1)").click()
    assert comment.is_visible()


def test_the_week_page_fits_a_phone(site, chat, phone):
    chat("U0POL1", "/lage v47 Vällingby 3")
    sign_in(phone, site, "U0POL1", start=WEEK_URL)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls inside its box
    assert cell(phone, "Vällingby", "Polisen") == "3 Oroande"


def test_a_feature_adds_a_section_under_the_week_through_the_extension_point(site, desktop):
    from commands.storbild.pages import WEEK_SECTIONS, PageSection

    def insatser(session, workspace_id, week):
        return PageSection("extra", "Pågående insatser", (f"Extra belysning i gångtunneln ({week.short})",))

    WEEK_SECTIONS.append(insatser)
    try:
        sign_in(desktop, site, "U0POL1", start=WEEK_URL)
        section = desktop.get_by_role("region", name="Pågående insatser")
        assert section.get_by_role("heading").inner_text() == "Pågående insatser"
        assert "Extra belysning i gångtunneln (v47)" in section.inner_text()
    finally:
        WEEK_SECTIONS.remove(insatser)


def test_the_week_shows_what_the_meeting_decided(site, chat, desktop):
    chat("U0COORD", "/veckolage prioritera v47 Vällingby (torget), Grimsta")
    saved = chat("U0POL1", "/insats Vällingby (torget) trygghetsvandring fredagar v46")
    assert "sparad" in str(saved)
    sign_in(desktop, site, "U0POL1", start=WEEK_URL)
    section = desktop.get_by_role("region", name="Prioriteringar och öppna insatser")
    text = section.inner_text()
    assert "Prioriterat v47: Vällingby (torget), Grimsta" in text
    assert "Vällingby (torget): trygghetsvandring fredagar – Polisen, v46" in text
    assert "⏰" not in text  # its follow-up (v47) is due, not late, in the week shown
    assert "Öppna insatser: 1 (försenad uppföljning: 0)" in text


def test_the_week_says_when_nothing_is_decided(site, desktop):
    sign_in(desktop, site, "U0POL1", start=WEEK_URL)
    section = desktop.get_by_role("region", name="Prioriteringar och öppna insatser")
    assert "Inga prioriteringar eller öppna insatser just nu." in section.inner_text()
