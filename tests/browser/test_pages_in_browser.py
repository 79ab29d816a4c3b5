"""Every page type in Chromium: landmarks, skip link, axe-core (WCAG 2.1 A/AA), screenshots."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
WIDTHS = [375, 1280]
HEIGHT = 800
PROJECT_DETAIL = re.compile(r"^/projekt/[^/?#]+/$")


@dataclass(frozen=True)
class PageType:
    name: str
    url: str | None  # None: found at run time (the project detail page)
    status: int = 200


PAGES = [
    PageType("startsida", "/"),
    PageType("kommuner", "/kommuner/"),
    PageType("kommun-vaxjo", "/kommuner/vaxjo/"),
    PageType("kommun-trollhattan", "/kommuner/trollhattan/"),
    PageType("kommun-kristianstad", "/kommuner/kristianstad/"),
    PageType("samarbeten", "/samarbeten/"),
    PageType("samarbete-trollhattan-tempe", "/samarbeten/trollhattan-tempe/"),
    PageType("projekt", "/projekt/"),
    PageType("projekt-avslutade", "/projekt/?status=avslutat"),
    PageType("projekt-detalj", None),
    PageType("natverk", "/natverk/"),
    PageType("natverk-sern", "/natverk/sern/"),
    PageType("berattelser", "/berattelser/"),
    PageType("soker-partner", "/soker-partner/"),
    PageType("soker-partner-fel-filter", "/soker-partner/?kind=allt&country=ZZ"),
    PageType("soker-partner-detalj", "/soker-partner/trollhattan-soker-partnerskap/"),
    PageType("karta", "/karta/"),
    PageType("statistik", "/statistik/"),
    PageType("statistik-fel-lan", "/statistik/?county=99&kind=kommun"),
    PageType("om-begrepp", "/om/begrepp/"),
    PageType("om-tillganglighet", "/om/tillganglighet/"),
    PageType("sok-vaxjo", "/sok/?q=v%C3%A4xj%C3%B6"),
    PageType("saknas-404", "/finns-inte/", status=404),
]


def page_id(page_type: PageType) -> str:
    return page_type.name


def resolve_url(page, page_type: PageType) -> str:
    """The page's path; for the project detail, the first project linked from the list."""
    if page_type.url is not None:
        return page_type.url
    response = page.goto("/projekt/")
    assert response is not None and response.status == 200, "/projekt/ must list projects"
    hrefs = page.locator('main a[href^="/projekt/"]').evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    details = [href for href in hrefs if PROJECT_DETAIL.match(href)]
    assert details, f"no link to a project's page in /projekt/'s main; links found: {hrefs}"
    return details[0]


def open_page(page, page_type: PageType):
    url = resolve_url(page, page_type)
    response = page.goto(url)
    assert response is not None, f"no response for {url}"
    assert response.status == page_type.status, (
        f"{url}: status {response.status}, expected {page_type.status}"
    )
    return url


@pytest.mark.parametrize("page_type", PAGES, ids=page_id)
def test_structure(page, page_type):
    """Swedish, one h1, a main landmark; the 404 page is the site's own, not Django's."""
    url = open_page(page, page_type)
    assert page.locator("html").get_attribute("lang") == "sv", f"{url}: <html lang> is not sv"
    h1 = page.locator("h1")
    assert h1.count() == 1, f"{url}: {h1.count()} h1 elements, expected exactly one"
    assert h1.inner_text().strip(), f"{url}: the h1 is empty"
    assert page.locator("main, [role=main]").count() == 1, f"{url}: expected one main landmark"
    if page_type.status == 404:
        assert "Not Found" not in h1.inner_text(), f"{url}: Django's English 404 page"


@pytest.mark.parametrize("page_type", PAGES, ids=page_id)
def test_skip_link_is_first_and_visible_on_focus(page, page_type):
    url = open_page(page, page_type)
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.count() == 1, f"{url}: Tab focused nothing"
    href = focused.get_attribute("href")
    assert href == "#innehall", f"{url}: the first focusable element has href={href!r}"
    assert page.locator("#innehall").count() == 1, f"{url}: no element with id=innehall"
    box = focused.bounding_box()
    viewport = page.viewport_size
    assert box is not None, f"{url}: the focused skip link is not rendered"
    assert box["width"] >= 10 and box["height"] >= 10, (
        f"{url}: the focused skip link is too small to see: {box}"
    )
    assert (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and box["y"] + box["height"] <= viewport["height"]
    ), f"{url}: the focused skip link is outside the viewport: {box}"
    hidden_by_style = focused.evaluate(
        """link => {
            const style = getComputedStyle(link);
            return style.visibility !== 'visible' || Number(style.opacity) === 0
                || (style.clip !== 'auto' && style.clip !== '')
                || (style.clipPath !== 'none' && style.clipPath !== '');
        }"""
    )
    assert not hidden_by_style, f"{url}: the focused skip link is hidden by its CSS"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_type", PAGES, ids=page_id)
def test_axe_finds_no_wcag21_a_aa_violations(page, page_type, width):
    page.set_viewport_size({"width": width, "height": HEIGHT})
    url = open_page(page, page_type)
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, (
        f"{url} at {width} px: axe-core (WCAG 2.1 A/AA): {results.generate_snapshot()}\n\n"
        + results.generate_report()
    )


@pytest.mark.parametrize("page_type", PAGES, ids=page_id)
def test_screenshots_and_no_horizontal_scroll(page, page_type, screenshot_dir):
    """Full-page screenshots at 375 and 1280 px; nothing scrolls sideways at 375 px."""
    url = resolve_url(page, page_type)
    widths = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.goto(url)
        page.screenshot(path=screenshot_dir / f"{page_type.name}-{width}.png", full_page=True)
        widths[width] = page.evaluate("document.documentElement.scrollWidth")
    assert widths[375] <= 375, (
        f"{url}: scrolls sideways at 375 px (scrollWidth {widths[375]}); "
        f"see {screenshot_dir / f'{page_type.name}-375.png'}"
    )
