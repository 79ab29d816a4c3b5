"""The partner map in Chromium. Without tiles (MAP_TILE_URL is empty on the test site): every
point is reached with Tab, is visibly focused, and leads to its entry in the list, or on the
national map to the place on its country's page. With tiles (served here by the test itself):
every Leaflet marker is named, reached with Tab, and leads where the SVG's point leads."""

from __future__ import annotations

import base64

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser


def focused_place(page):
    return page.evaluate(
        """() => {
            const link = document.activeElement;
            if (!link || !link.matches('a.map-place')) return null;
            const circle = link.querySelector('circle');
            const style = getComputedStyle(circle);
            return {href: link.getAttribute('href'), fill: style.fill, r: style.r,
                    name: link.querySelector('title').textContent};
        }"""
    )


@pytest.mark.parametrize("url", ["/karta/", "/karta/dk/", "/kommuner/vaxjo/"])
def test_map_points_are_reached_by_keyboard_and_visibly_focused(page, url):
    page.goto(url)
    points = page.locator("svg.map-svg a.map-place")
    count = points.count()
    assert count > 0
    unfocused_fill = points.first.locator("circle").evaluate("c => getComputedStyle(c).fill")
    reached = []
    for _ in range(200):
        page.keyboard.press("Tab")
        place = focused_place(page)
        if place:
            reached.append(place)
        elif reached:
            break
    assert len(reached) == count, f"{url}: Tab reached {len(reached)} of {count} points"
    for place in reached:
        grown = "13px" if place["href"].startswith("#grupp-") else "11px"
        assert place["fill"] != unfocused_fill and place["r"] == grown, place
    # Enter on a point moves to its entry in the list (on the national map, on its
    # country's page), which names the same place.
    page.goto(url)
    single = page.locator("svg.map-svg a.map-place:not(.map-group)").first
    single.focus()
    name = single.locator("title").text_content()
    href = single.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")
    anchor = "#" + href.split("#")[1]
    assert page.evaluate("location.hash") == anchor
    entry = page.locator(anchor)
    assert entry.is_visible()
    place_name = name.split(",")[0]
    assert place_name in entry.inner_text()
    if url.startswith("/karta/") and url != "/karta/":
        return  # Denmark's three places lie apart: no group
    # Enter on a group's marker moves to the list of its places, each a link on (on the
    # national map, after a link to the country's page of each country it spans).
    page.goto(url)
    group = page.locator("svg.map-svg a.map-group").first
    group.focus()
    href = group.get_attribute("href")
    count = int(group.locator("text").text_content())
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == href
    assert page.locator(href).is_visible()
    assert page.locator(f"{href} a[href*='#plats-']").count() == count


@pytest.mark.parametrize("width", [375, 1280])
def test_country_page_has_no_wcag21_a_aa_violations(page, width):
    """/karta/ itself is checked with every page type (test_pages_in_browser.py)."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/karta/dk/")
    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"],
        },
    )
    assert results.violations_count == 0, results.generate_report()


def test_every_country_and_place_is_reached_without_javascript(browser, site_url):
    """A reader without JavaScript goes from the list beside the national map to each
    country's page, where each place has its links."""
    context = browser.new_context(java_script_enabled=False, base_url=site_url)
    page = context.new_page()
    try:
        page.goto("/karta/")
        rows = page.locator("table.map-countries tbody tr")
        assert rows.count() > 10
        countries = page.evaluate(
            """() => [...document.querySelectorAll('table.map-countries tbody tr')].map(row => [
                row.querySelector('th a').getAttribute('href'),
                Number(row.querySelector('td.num').textContent.replace(/\\s/g, ''))])"""
        )
        for url, count in countries:
            page.goto(url)
            assert page.locator(".map-list > li").count() == count, url
            assert page.locator(".map-list > li .map-links a").count() >= count, url
    finally:
        context.close()


def test_map_works_without_javascript_or_tiles(browser, site_url):
    context = browser.new_context(java_script_enabled=False, base_url=site_url)
    page = context.new_page()
    try:
        page.goto("/karta/")
        svg = page.locator("svg.map-svg")
        assert svg.is_visible()
        box = svg.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 150
        assert page.locator("svg.map-svg path.map-country").count() > 50
        assert page.locator(".map-tiles").count() == 0
    finally:
        context.close()


# A 1 × 1 PNG, every tile of the tile map in the test below.
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_tile_markers_are_named_and_reached_by_keyboard(page, site_url):
    """The test site has no MAP_TILE_URL, so the test hands /karta/ the tile data and scripts
    the template adds with one, and serves the tiles itself from the site's own host (which
    the page's Content-Security-Policy allows)."""
    page.route(
        f"{site_url}/testbrickor/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=TILE),
    )
    page.goto("/karta/dk/")
    # Every place in the list, as map.js gets them; spread out so no marker hides another.
    places = page.evaluate(
        """() => [...document.querySelectorAll('.map-list > li')].map(
            entry => ['#' + entry.id, entry.querySelector('strong').textContent]
        )"""
    )
    data = {
        "tileUrl": f"{site_url}/testbrickor/{{z}}/{{x}}/{{y}}.png",
        "attribution": "Test",
        "bounds": [[-35, -112], [70, 107]],
        "places": [
            {"lat": 10 + i % 50, "lon": -100 + 7 * i % 200, "name": name, "href": href}
            for i, (href, name) in enumerate(places)
        ],
    }
    page.evaluate(
        """data => {
            const source = document.createElement('script');
            source.type = 'application/json';
            source.id = 'karta-data';
            source.textContent = JSON.stringify(data);
            document.body.appendChild(source);
            document.querySelector('.map-frame').setAttribute('data-map-data', 'karta-data');
        }""",
        data,
    )
    page.add_style_tag(url="/static/vendor/leaflet/leaflet.css")
    page.add_script_tag(url="/static/vendor/leaflet/leaflet.js")
    page.add_script_tag(url="/static/js/map.js")
    page.wait_for_selector(".map-frame.has-tiles")
    markers = page.locator(".map-tiles .map-marker")
    assert markers.count() == len(places)
    for index, (_, name) in enumerate(places):
        marker = markers.nth(index)
        assert marker.get_attribute("title") == name
        assert marker.get_attribute("aria-label") == name
        assert marker.get_attribute("role") == "button"
        assert marker.get_attribute("tabindex") == "0"
    # The SVG under the tiles is hidden, so Tab goes from marker to marker.
    markers.first.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('map-marker')")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == places[1][1]
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == places[1][0]
    markers.nth(2).focus()
    page.keyboard.press(" ")
    assert page.evaluate("location.hash") == places[2][0]


def test_tile_markers_on_the_national_map_lead_where_its_points_do(page, site_url):
    """The national map hands map.js its markers: a group's shows its number and leads to
    the group's entry, a place's leads to the place on its country's page."""
    page.route(
        f"{site_url}/testbrickor/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=TILE),
    )
    page.goto("/karta/")
    points = page.evaluate(
        """() => [...document.querySelectorAll('svg.map-svg a.map-place')].map(point => [
            point.getAttribute('href'),
            point.querySelector('title').textContent,
            point.matches('.map-group') ? Number(point.querySelector('text').textContent) : 1,
        ])"""
    )
    data = {
        "tileUrl": f"{site_url}/testbrickor/{{z}}/{{x}}/{{y}}.png",
        "attribution": "Test",
        "bounds": [[-35, -112], [70, 107]],
        "places": [
            {
                "lat": 10 + i % 50,
                "lon": -100 + 7 * i % 200,
                "name": name,
                "href": href,
                "count": count,
            }
            for i, (href, name, count) in enumerate(points)
        ],
    }
    page.evaluate(
        """data => {
            const source = document.createElement('script');
            source.type = 'application/json';
            source.id = 'karta-data';
            source.textContent = JSON.stringify(data);
            document.body.appendChild(source);
            document.querySelector('.map-frame').setAttribute('data-map-data', 'karta-data');
        }""",
        data,
    )
    page.add_style_tag(url="/static/vendor/leaflet/leaflet.css")
    page.add_script_tag(url="/static/vendor/leaflet/leaflet.js")
    page.add_script_tag(url="/static/js/map.js")
    page.wait_for_selector(".map-frame.has-tiles")
    markers = page.locator(".map-tiles .map-marker")
    assert markers.count() == len(points)
    group_index = next(i for i, (_, _, count) in enumerate(points) if count > 1)
    group = markers.nth(group_index)
    assert group.get_attribute("aria-label") == points[group_index][1]
    assert group.inner_text() == str(points[group_index][2])
    group.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == points[group_index][0]
    place_index = next(i for i, (href, _, _) in enumerate(points) if href.startswith("/karta/"))
    markers.nth(place_index).focus()
    page.keyboard.press("Enter")
    href = points[place_index][0]
    page.wait_for_url(f"**{href}")
    assert page.locator("#" + href.split("#")[1]).is_visible()
