"""The partner map in Chromium. Without tiles (MAP_TILE_URL is empty on the test site): every
point is reached with Tab, is visibly focused, and leads to its entry in the list. With tiles
(served here by the test itself): every Leaflet marker is named and reached with Tab."""

from __future__ import annotations

import base64

import pytest

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


@pytest.mark.parametrize("url", ["/karta/", "/kommuner/vaxjo/"])
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
    # Enter on a point moves to its entry in the list, which names the same place.
    page.goto(url)
    single = page.locator("svg.map-svg a.map-place:not(.map-group)").first
    single.focus()
    name = single.locator("title").text_content()
    href = single.get_attribute("href")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == href
    entry = page.locator(href)
    assert entry.is_visible()
    place_name = name.split(",")[0]
    assert place_name in entry.inner_text()
    # Enter on a group's marker moves to the list of its places, each a link on.
    group = page.locator("svg.map-svg a.map-group").first
    group.focus()
    href = group.get_attribute("href")
    count = int(group.locator("text").text_content())
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == href
    assert page.locator(href).is_visible()
    assert page.locator(f"{href} a").count() == count


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
    page.goto("/karta/")
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
