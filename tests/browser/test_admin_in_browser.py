"""The coordinators' admin in Chromium: login, lists, forms, history and the spreadsheet
pages pass axe-core (WCAG 2.1 A/AA) at phone and desktop widths, in Swedish."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import COORDINATOR_PASSWORD, COORDINATOR_USERNAME
from tests.browser.test_pages_in_browser import AXE_OPTIONS

pytestmark = pytest.mark.browser

ADMIN_PAGES = [
    "/admin/",
    "/admin/projects/project/",
    "/admin/projects/project/add/",
    "/admin/partnerships/partnership/?granskning=behovs",
    "/admin/projects/project/import/",
    "/admin/projects/project/export/",
    "/admin/projects/project/importera-projektlista/",
    "/admin/bekrafta/",
    "/admin/datakvalitet/",
    "/admin/datakvalitet/inte-granskade/",
]


@pytest.fixture
def coordinator_page(page):
    page.goto("/admin/login/?next=/admin/")
    assert page.locator("html").get_attribute("lang") == "sv"
    page.get_by_label("Användarnamn").fill(COORDINATOR_USERNAME)
    page.get_by_label("Lösenord").fill(COORDINATOR_PASSWORD)
    page.get_by_label("Lösenord").press("Enter")
    page.wait_for_url("**/admin/")
    return page


def test_the_login_page_passes_axe(page):
    page.goto("/admin/login/")
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_snapshot()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_pass_axe(coordinator_page, path, width):
    page = coordinator_page
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    results = Axe().run(page, options=AXE_OPTIONS)
    nodes = [
        node["html"][:200]
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]
    assert results.violations_count == 0, (
        f"{path} at {width} px: {results.generate_snapshot()} {nodes}"
    )


def test_a_partnership_form_and_its_history_pass_axe(coordinator_page):
    page = coordinator_page
    page.goto("/admin/partnerships/partnership/")
    page.get_by_role("link", name="Tempe", exact=False).first.click()
    page.wait_for_load_state()
    assert "/change/" in page.url
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_snapshot()
    page.goto(page.url.replace("/change/", "/history/"))
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_snapshot()


def test_vaxjo_is_out_of_reach_in_the_browser(coordinator_page):
    page = coordinator_page
    page.goto("/admin/projects/project/?q=SUMBA")
    assert page.get_by_text("SUMBA").count() == 0


def test_import_errors_are_visible_without_hovering_and_pass_axe(coordinator_page, tmp_path):
    page = coordinator_page
    bad = tmp_path / "projekt.csv"
    bad.write_text(
        "ID,Titel,Kommun,Start,Startens precision,Slut,Slutets precision\n"
        ",Nytt projekt,Trollhättan,2025-01-01,År,2024-01-01,År\n",
        encoding="utf-8",
    )
    page.goto("/admin/projects/project/import/")
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="Skicka").click()
    page.wait_for_load_state()
    assert page.get_by_text("Slutet kan inte ligga före starten.").is_visible()
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_snapshot()


def test_the_project_list_report_passes_axe(coordinator_page, tmp_path):
    page = coordinator_page
    partner_list = tmp_path / "lista.csv"
    partner_list.write_text(
        "Project acronym;Project name;Programme;Start date;End date;Partner name;Partner role;"
        "Partner country;Partner budget\n"
        "TROLL;Trollhättan och Tempe;Interreg Europe;2025-01-01;2027-12-31;Trollhättans Stad;"
        "LP;Sweden;100000\n"
        "TROLL;Trollhättan och Tempe;Interreg Europe;2025-01-01;2027-12-31;City of Tempe;PP;"
        "USA;50000\n"
        "TROLL;Trollhättan och Tempe;Interreg Europe;2025-01-01;2027-12-31;Nowhere Inc;PP;"
        "Narnia;\n",
        encoding="utf-8",
    )
    page.goto("/admin/projects/project/importera-projektlista/")
    page.set_input_files("input[type=file]", str(partner_list))
    page.get_by_role("button", name="Förhandsgranska").click()
    page.wait_for_load_state()
    assert page.get_by_text("kolumnen Land: landet ”Narnia” känns inte igen").is_visible()
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_snapshot()


def test_the_export_page_in_either_shape_passes_axe(coordinator_page):
    page = coordinator_page
    page.goto("/admin/projects/project/export/")
    page.get_by_label("Rader").select_option(label="En rad per partner")
    for checkbox in page.locator("input.select-toggle").all():
        if checkbox.is_visible():
            assert page.locator(f'label[for="{checkbox.get_attribute("id")}"]').count() == 1
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_snapshot()
