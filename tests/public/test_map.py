"""The map of partner places (/karta/), the page of each country's places (/karta/<code>/)
and the small map on each municipality page: an SVG drawn on the server with the published
partner places, and lists with the same facts that need no JavaScript."""

import datetime
import json
import math
import re
import runpy
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify

from contacts.models import Organisation
from maps import partner_map as maps
from partnerships.models import Partnership, PartnershipParty
from portal.models import Country, Municipality
from projects.models import Project, ProjectParticipant, Story

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(django_settings.BASE_DIR) / "portal" / "settings.py"
TILE_URL = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
SEED_PLACES = [
    "JB Marks Local Municipality",
    "An Giang-provinsen",
    "Komuna Vushtrri",
    "Tempe",
    "Køge Kommune",
    "Gaziantep",
    "Kisumu",
    "Stefan Voda",
    "Voi",
    "Kampala",
    "Poti",
    "Omaruru",
    "Kimilili",
]


def svg_of(html: str) -> str:
    match = re.search(r'<svg class="map-svg".*?</svg>', html, re.S)
    assert match, "no map SVG on the page"
    return match.group(0)


def svg_place_names(html: str) -> list[str]:
    """The names of the points that stand for one place ("Tempe, USA")."""
    svg = svg_of(html)
    return re.findall(r'<a class="map-place" href="[^"#]*#plats-[^"]+"><title>([^<]+)</title>', svg)


def svg_anchors(html: str) -> list[str]:
    """Where the SVG's markers lead: a place in the list, or a group of places."""
    return re.findall(r'<a class="map-place(?: map-group)?" href="#([^"]+)">', svg_of(html))


def svg_hrefs(html: str) -> list[str]:
    return re.findall(r'<a class="map-place(?: map-group)?" href="([^"]+)">', svg_of(html))


def group_entries(html: str) -> dict[str, list[str]]:
    """The list of places that lie together: group anchor -> the places it leads to (in the
    list beside the map, or on their countries' pages)."""
    return {
        anchor: re.findall(r'<a href="[^"#]*#(plats-[^"]+)">', entry)
        for anchor, entry in re.findall(r'<li id="(grupp-[^"]+)"[^>]*>(.*?)</li>', html)
    }


def reached_anchors(html: str) -> list[str]:
    """The places the SVG leads to: directly, or through the list of a group marker."""
    groups = group_entries(html)
    reached = []
    for anchor in svg_anchors(html):
        reached += groups[anchor] if anchor.startswith("grupp-") else [anchor]
    return reached


def list_anchors(html: str) -> list[str]:
    return re.findall(r'<li id="(plats-[^"]+)"', html)


def place_entry(html: str, anchor: str) -> str:
    return re.search(rf'<li id="{anchor}".*?</li>\s*</ul>', html, re.S).group(0)


def country_rows(html: str) -> list[tuple[str, str, str, str]]:
    """The national map's list: (code, address of the country's page, name, places)."""
    return re.findall(
        r'<tr id="land-([a-z]{2})"><th scope="row"><a href="([^"]+)">([^<]+)</a></th>'
        r'<td class="num" data-label="Orter">([^<]+)</td>',
        html,
    )


def crawl(client) -> dict[str, str]:
    """Every place as a reader without JavaScript finds it: from /karta/ to each country's
    page and through its pages, place anchor -> name. Each place is listed once."""
    found: dict[str, str] = {}
    for _, url, _, count in country_rows(client.get("/karta/").content.decode()):
        page_url, on_country = url, 0
        while page_url:
            response = client.get(page_url)
            assert response.status_code == 200, page_url
            html = response.content.decode()
            for anchor, name in re.findall(
                r'<li id="(plats-[^"]+)" tabindex="-1">\s*<strong>([^<]+)</strong>', html
            ):
                assert anchor not in found, anchor
                found[anchor] = name
                on_country += 1
            following = re.search(r'<a href="\?page=(\d+)" rel="next">', html)
            page_url = f"{url}?page={following.group(1)}" if following else None
        assert on_country == int(count.replace("\xa0", "")), url
    return found


def national_reach(client, html: str) -> list[str]:
    """The places the national map's points lead to: a point to the place's entry on its
    country's page, a group's marker through the group's entry. Checks each entry is there."""
    entries = {
        anchor: entry
        for anchor, entry in re.findall(r'<li id="(grupp-[^"]+)"[^>]*>(.*?)</li>', html)
    }
    targets = []
    for href in svg_hrefs(html):
        if href.startswith("#grupp-"):
            targets += re.findall(
                r'<a href="(/karta/[a-z]{2}/[^"]*#plats-[^"]+)">', entries[href[1:]]
            )
        else:
            targets.append(href)
    pages: dict[str, str] = {}
    reached = []
    for target in targets:
        page_url, anchor = target.split("#")
        if page_url not in pages:
            pages[page_url] = client.get(page_url).content.decode()
        assert f'<li id="{anchor}" tabindex="-1">' in pages[page_url], target
        reached.append(anchor)
    return reached


def test_map_page_shows_every_published_partner_place_on_the_map_and_by_country(client):
    response = client.get("/karta/")
    assert response.status_code == 200
    html = response.content.decode()
    names = svg_place_names(html)
    assert "Tempe, USA" in names
    assert "Komuna Vushtrri, Kosovo" in names
    # The list beside the map has a row a country, not an entry a place.
    assert not list_anchors(html)
    rows = {code: (url, name, count) for code, url, name, count in country_rows(html)}
    assert rows["us"] == ("/karta/us/", "USA", "1")
    assert rows["dk"] == ("/karta/dk/", "Danmark", "3")
    listed = crawl(client)
    for place in SEED_PLACES:
        assert place in listed.values(), place
    # Every point on the map leads to the place's entry on its country's page (a group
    # marker through the group's entry), and every place is reached from exactly one point.
    reached = national_reach(client, html)
    assert sorted(reached) == sorted(listed)


def test_each_country_links_its_filtered_lists(client):
    html = client.get("/karta/").content.decode()
    row = re.search(r'<tr id="land-md">.*?</tr>', html).group(0)
    assert re.findall(
        r'<a href="([^"]+)">(\w+)<span class="map-context"> i Moldavien</span>', row
    ) == [
        ("/samarbeten/?country=MD", "Samarbeten"),
        ("/berattelser/?country=MD", "Berättelser"),
    ]  # Stefan Voda: a twin town and a story, no project
    for url in ("/samarbeten/?country=MD", "/berattelser/?country=MD"):
        listed = client.get(url).content.decode()
        assert re.search(r'<p class="result-count" role="status">[1-9]', listed), url
    country_page = client.get("/karta/md/").content.decode()
    assert (
        'också partner utan plats på kartan: <a href="/samarbeten/?country=MD">samarbeten</a>, '
        '<a href="/berattelser/?country=MD">berättelser</a>.'
    ) in country_page


def test_map_is_an_accessible_svg_with_title_description_and_named_links(client):
    html = client.get("/karta/").content.decode()
    svg = svg_of(html)
    assert 'role="group"' in svg
    assert 'aria-labelledby="karta-titel"' in svg and 'aria-describedby="karta-beskrivning"' in svg
    assert '<title id="karta-titel">Samarbetspartner utomlands</title>' in svg
    description = re.search(r'<desc id="karta-beskrivning">([^<]+)</desc>', svg).group(1)
    assert re.match(r"Karta med \d+ orter i \d+ länder\.", description)
    assert "Varje punkt leder till orten på sidan för dess land" in description
    assert '<g class="map-land" aria-hidden="true">' in svg
    assert 'class="map-country map-home"' in svg  # Sweden, for orientation
    assert 'aria-current="page">Karta</a>' in html
    # The countries: a table in a labelled section, with a caption and headers.
    assert '<section aria-labelledby="lander">' in html and '<h2 id="lander">Länder</h2>' in html
    assert "<caption>Orterna på kartan efter land</caption>" in html
    assert (
        '<th scope="col">Land</th>' in html and '<th scope="row"><a href="/karta/us/">USA' in html
    )


def test_country_page_is_a_titled_page_under_the_map(client):
    response = client.get("/karta/us/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Samarbetspartner i USA – " in html
    assert "<h1>Samarbetspartner i USA</h1>" in html
    assert '<li><a href="/karta/">Karta</a></li>' in html  # the breadcrumbs
    assert 'aria-current="page">Karta</a>' in html  # the menu
    assert '<title id="karta-titel">Samarbetspartner i USA</title>' in svg_of(html)
    assert "1 ort i USA där svenska kommuner" in html
    # Its own map leads to the entries beside it, as a municipality's does.
    assert sorted(reached_anchors(html)) == sorted(list_anchors(html)) == ["plats-tempe"]


@pytest.mark.parametrize(
    ("url", "status"), [("/karta/zz/", 404), ("/karta/se/", 404), ("/karta/sverige/", 404)]
)
def test_a_country_without_places_on_the_map_has_no_page(client, url, status):
    assert client.get(url).status_code == status


def test_a_country_code_in_capitals_leads_to_its_page(client):
    response = client.get("/karta/US/")
    assert response.status_code == 301 and response["Location"] == "/karta/us/"


def test_country_page_carries_place_partnership_project_story_and_municipality(client):
    tempe = place_entry(client.get("/karta/us/").content.decode(), "plats-tempe")
    assert "<strong>Tempe</strong>, USA" in tempe
    assert 'Vänort: <a href="/samarbeten/trollhattan-tempe/">Tempe</a> (Trollhättans Stad)' in tempe
    denmark = client.get("/karta/dk/").content.decode()
    aarhus = place_entry(denmark, "plats-aarhus-kommune")
    assert 'Projekt: <a href="/projekt/ready/">READY</a> (Växjö kommun), avslutat' in aarhus
    poti = place_entry(client.get("/karta/ge/").content.decode(), "plats-poti")
    assert 'Berättelse: <a href="/kommuner/osthammar/#berattelser">' in poti
    hjorring = place_entry(denmark, "plats-hjorring")
    assert "har upphört" in hjorring  # the twin town that ended in 2017


def test_swedish_organisations_and_places_without_coordinates_are_not_on_the_map(client):
    sydost = Organisation.objects.get(slug="energikontor-sydost")
    sydost.latitude, sydost.longitude = Decimal("56.88"), Decimal("14.81")
    sydost.save()
    html = client.get("/karta/").content.decode()
    assert "Energikontor Sydost" not in html
    assert "Sverige</a></th>" not in html
    assert client.get("/karta/se/").status_code == 404
    assert "plats-energikontor-sydost" not in crawl(client)
    assert "Danish Cycling Tourism" not in client.get("/karta/dk/").content.decode()


@pytest.mark.parametrize(
    ("hide", "gone"),
    [
        (lambda: Partnership.objects.filter(slug="trollhattan-tempe"), "plats-tempe"),
        (lambda: Project.objects.filter(slug="ready"), "plats-kaunas"),
        (lambda: Story.objects.filter(slug="raddningstjanst-i-poti-och-osthammar"), "plats-poti"),
    ],
    ids=["utkast-samarbete", "utkast-projekt", "opublicerad-berattelse"],
)
def test_drafts_never_reach_the_map(client, hide, gone):
    assert gone in client.get("/karta/").content.decode()
    assert gone in crawl(client)
    hide().update(is_published=False)
    html = client.get("/karta/").content.decode()
    assert gone not in html
    assert gone not in crawl(client)


def test_a_country_with_only_drafts_has_no_page(client):
    assert client.get("/karta/us/").status_code == 200
    Partnership.objects.filter(slug="trollhattan-tempe").update(is_published=False)
    assert client.get("/karta/us/").status_code == 404
    assert 'href="/karta/us/' not in client.get("/karta/").content.decode()


def test_a_municipality_without_its_own_page_keeps_its_published_partners_on_the_map(client):
    Municipality.objects.filter(slug="kalix").update(is_published=False)
    assert "plats-kampala" in client.get("/karta/").content.decode()
    assert "plats-kampala" in crawl(client)
    assert "plats-kampala" in client.get("/kommuner/kalix/").content.decode()


def test_municipality_page_has_a_small_map_of_its_own_partners_only(client):
    html = client.get("/kommuner/vaxjo/").content.decode()
    assert 'aria-labelledby="karta"' in html and "Var samarbetspartnerna finns" in html
    assert '<title id="karta-titel">Samarbetspartner till Växjö kommun</title>' in html
    anchors = reached_anchors(html)
    assert {"plats-jb-marks", "plats-an-giang", "plats-vushtrri", "plats-burlington"} <= set(
        anchors
    )
    assert "plats-tempe" not in anchors and "plats-kampala" not in anchors
    assert sorted(anchors) == sorted(list_anchors(html))
    # The municipality is the page's own: not repeated after every link.
    assert "(Växjö kommun)" not in re.search(
        r'<ul class="map-list".*?</ul>\s*</div>', html, re.S
    ).group(0)


def test_municipality_without_partner_places_has_no_map(client):
    municipality = Municipality.objects.get(slug="vaxjo")
    Organisation.objects.filter(country="SE").update(latitude=None, longitude=None)
    for model in (Partnership, Project):
        model.objects.filter(municipality=municipality).update(is_published=False)
    Story.objects.filter(municipality=municipality).update(is_published=False)
    html = client.get("/kommuner/vaxjo/").content.decode()
    assert "map-svg" not in html and "Var samarbetspartnerna finns" not in html


def test_map_page_without_any_place_says_so(client):
    Organisation.objects.update(latitude=None, longitude=None)
    response = client.get("/karta/")
    assert response.status_code == 200
    assert (
        "Det finns ännu inga samarbetspartner med en plats på kartan." in response.content.decode()
    )
    assert client.get("/karta/dk/").status_code == 404


def test_unknown_query_parameters_are_ignored(client):
    plain = client.get("/karta/").content.decode()
    response = client.get("/karta/?kommun=%00&page=-1&zoom=<script>")
    assert response.status_code == 200
    assert svg_anchors(response.content.decode()) == svg_anchors(plain)


def test_map_page_is_in_the_sitemap(client):
    assert b"/karta/</loc>" in client.get("/sitemap-sidor.xml").content


# --- Tiles: off by default, on with MAP_TILE_URL ---------------------------------------------


def test_without_a_tile_url_no_script_no_tile_data_and_no_tile_host(client):
    response = client.get("/karta/")
    html = response.content.decode()
    assert "leaflet" not in html and "map.js" not in html and "karta-data" not in html
    assert "img-src 'self' data:;" in response["Content-Security-Policy"]


def test_tile_url_adds_its_host_to_the_policy_and_hands_the_places_to_map_js(
    client, settings, monkeypatch
):
    monkeypatch.setenv("MAP_TILE_URL", TILE_URL)
    monkeypatch.setenv("MAP_TILE_ATTRIBUTION", "© Exempel")
    configured = runpy.run_path(str(SETTINGS_FILE))  # the settings as the environment makes them
    assert configured["MAP_TILE_URL"] == TILE_URL
    assert configured["CONTENT_SECURITY_POLICY"]["img-src"] == [
        "'self'",
        "data:",
        "https://*.tile.example.org",
    ]
    settings.MAP_TILE_URL = configured["MAP_TILE_URL"]
    settings.MAP_TILE_ATTRIBUTION = configured["MAP_TILE_ATTRIBUTION"]
    settings.CONTENT_SECURITY_POLICY = configured["CONTENT_SECURITY_POLICY"]

    response = client.get("/kommuner/vaxjo/")
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tile.example.org;" in policy
    assert "script-src 'self';" in policy  # still no inline script
    assert '<script src="/static/vendor/leaflet/leaflet.js" defer></script>' in html
    assert '<script src="/static/js/map.js" defer></script>' in html
    assert '<div class="map-frame" data-map-data="karta-data">' in html
    # What map.js reads: JSON in a script element that is data, not script.
    data = json.loads(
        re.search(r'<script id="karta-data" type="application/json">(.*?)</script>', html).group(1)
    )
    assert data["tileUrl"] == TILE_URL and data["attribution"] == "© Exempel"
    assert {place["href"] for place in data["places"]} == {
        f"#{anchor}" for anchor in reached_anchors(html)
    }
    jb_marks = next(place for place in data["places"] if place["href"] == "#plats-jb-marks")
    assert jb_marks == {
        "lat": -26.71,
        "lon": 27.1,
        "name": "JB Marks Local Municipality, Sydafrika",
        "href": "#plats-jb-marks",
    }
    (south, west), (north, east) = data["bounds"]
    assert south <= -26.71 and north >= 69 and west <= -79.79 and east >= 105.43


def test_the_national_map_hands_map_js_its_markers_not_its_places(client, settings):
    grow(3, tag="t")  # places that crowd into group markers
    settings.MAP_TILE_URL = TILE_URL
    html = client.get("/karta/").content.decode()
    data = json.loads(
        re.search(r'<script id="karta-data" type="application/json">(.*?)</script>', html).group(1)
    )
    assert [point["href"] for point in data["places"]] == svg_hrefs(html)
    assert len(data["places"]) < len(crawl(client))
    tempe = next(point for point in data["places"] if point["name"] == "Tempe, USA")
    assert tempe == {
        "lat": 33.425,
        "lon": -111.94,
        "name": "Tempe, USA",
        "href": "/karta/us/#plats-tempe",
        "count": 1,
    }
    group = next(point for point in data["places"] if point["count"] > 1)
    assert group["href"].startswith("#grupp-")
    assert group["name"].startswith(f"{group['count']} orter: ")


def test_a_tile_url_that_is_not_http_is_refused(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("MAP_TILE_URL", "javascript:alert(1)")
    with pytest.raises(ImproperlyConfigured, match="MAP_TILE_URL"):
        runpy.run_path(str(SETTINGS_FILE))


# --- Coordinates on the organisation ---------------------------------------------------------


def test_coordinates_come_both_or_neither_with_a_swedish_message():
    organisation = Organisation.objects.get(slug="tempe")
    organisation.longitude = None
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert error.value.message_dict == {
        "longitude": ["Ange både latitud och longitud, eller ingen av dem."]
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(slug="tempe").update(latitude=None)


@pytest.mark.parametrize(
    ("field", "value"), [("latitude", "90.5"), ("latitude", "-91"), ("longitude", "180.01")]
)
def test_coordinates_outside_the_globe_are_refused(field, value):
    organisation = Organisation.objects.get(slug="tempe")
    setattr(organisation, field, Decimal(value))
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert field in error.value.message_dict


def test_coordinates_are_edited_in_the_admin(admin_client):
    organisation = Organisation.objects.get(slug="tempe")
    html = admin_client.get(f"/admin/contacts/organisation/{organisation.pk}/change/").content
    assert b'name="latitude"' in html and b'value="33.42500"' in html
    assert b'name="longitude"' in html


# --- Query counts ----------------------------------------------------------------------------


def grow(factor: int, tag: str) -> None:
    """About `factor` × 10 more partner places, each a partner of a partnership, a participant
    of a project and the partner of a story of Växjö, all published."""
    vaxjo = Municipality.objects.get(slug="vaxjo")
    countries = list(Country.objects.filter(code__in=["DK", "KE", "VN", "XK", "US"]))
    for i in range(factor * 10):
        place = Organisation.objects.create(
            name=f"Kartort {tag}{i}",
            slug=f"kartort-{tag}{i}",
            kind="kommun",
            country=countries[i % len(countries)],
            latitude=Decimal(i % 60),
            longitude=Decimal(i % 90),
        )
        partnership = Partnership.objects.create(
            name=f"Kartort {tag}{i}",
            slug=f"vaxjo-kartort-{tag}{i}",
            municipality=vaxjo,
            kind=["vanort", "kommunalt_partnerskap", "annat_samarbete"][i % 3],
            start_date=datetime.date(2000 + i % 20, 1, 1),
            start_precision="year",
            is_published=True,
        )
        PartnershipParty.objects.create(partnership=partnership, organisation=place)
        project = Project.objects.create(
            title=f"Kartprojekt {tag}{i}",
            slug=f"kartprojekt-{tag}{i}",
            municipality=vaxjo,
            is_published=True,
        )
        ProjectParticipant.objects.create(project=project, organisation=place)
        Story.objects.create(
            title=f"Kartberättelse {tag}{i}",
            slug=f"kartberattelse-{tag}{i}",
            municipality=vaxjo,
            teaser="Text",
            partner=place,
            is_published=True,
        )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("url", ["/karta/", "/karta/dk/", "/kommuner/vaxjo/"])
def test_map_costs_the_same_queries_with_ten_times_the_places(client, url):
    grow(1, tag="a")
    baseline = count_queries(client, url)
    grow(10, tag="b")
    assert count_queries(client, url) == baseline
    assert len(reached_anchors(client.get("/kommuner/vaxjo/").content.decode())) >= 110
    assert len(crawl(client)) >= 110 + len(SEED_PLACES)


@pytest.mark.parametrize("added_places", [0, 10 * len(SEED_PLACES)])
@pytest.mark.parametrize(("url", "budget"), [("/karta/", 1), ("/karta/dk/", 4)])
def test_map_pages_query_budget(client, django_assert_max_num_queries, url, budget, added_places):
    spread(added_places, "DK", tag="q", step=0.3, at=(55, 9))
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


# --- Many places: the national map's list is by country, each country's page is paged ------


def spread(count: int, code: str = "DE", *, tag: str = "s", step: float = 0.0, at=(50, 10)) -> None:
    """So many published partner places in one country, each the partner of a project of
    Växjö, from `at` (latitude, longitude) `step` degrees apart on a grid (0: one spot).
    Written in bulk: only the rows matter here."""
    vaxjo = Municipality.objects.get(slug="vaxjo")
    country = Country.objects.get(code=code)
    places = Organisation.objects.bulk_create(
        Organisation(
            name=f"Ort {tag}{i:04}",
            slug=f"ort-{tag}{i}",
            kind="kommun",
            country=country,
            latitude=Decimal(at[0]) + Decimal(str(step)) * (i // 20),
            longitude=Decimal(at[1]) + Decimal(str(step)) * (i % 20),
        )
        for i in range(count)
    )
    projects = Project.objects.bulk_create(
        Project(
            title=f"Projekt {tag}{i}",
            slug=f"projekt-{tag}{i}",
            municipality=vaxjo,
            is_published=True,
        )
        for i in range(count)
    )
    ProjectParticipant.objects.bulk_create(
        ProjectParticipant(project=project, organisation=place)
        for project, place in zip(projects, places, strict=True)
    )


def test_the_national_list_is_one_row_a_country_however_many_places(client):
    spread(20, tag="a")
    html_20 = client.get("/karta/").content.decode()
    spread(180, tag="b")  # on the same spot: one marker
    html_200 = client.get("/karta/").content.decode()
    assert len(country_rows(html_200)) == len(country_rows(html_20))
    assert ("de", "/karta/de/", "Tyskland", "201") in country_rows(html_200)  # and Greifswald
    assert not list_anchors(html_200)
    # The group's entry names a few of its places and counts the rest.
    assert "och 196 till" in html_200
    # Only the counts differ.
    assert re.sub(r"\d+", "N", html_200) == re.sub(r"\d+", "N", html_20)
    assert len(html_200) - len(html_20) < 100


def test_countries_are_listed_in_swedish_order(client):
    spread(1, "MZ", tag="m", at=(-25.9, 32.6))
    spread(1, "AX", tag="a", at=(60.1, 19.9))
    names = [name for _, _, name, _ in country_rows(client.get("/karta/").content.decode())]
    assert names.index("Moçambique") == names.index("Moldavien") - 1
    assert names[-1] == "Åland"


def test_spread_places_cost_a_marker_each_at_most_and_the_page_stays_small(client):
    spread(400, tag="g", step=0.4)
    html = client.get("/karta/").content.decode()
    assert len(svg_hrefs(html)) < 400 + len(SEED_PLACES)
    assert not list_anchors(html)
    assert len(html.encode()) < 300_000


def test_a_country_page_lists_its_places_a_page_at_a_time_and_every_one_is_reached(client):
    spread(120, tag="p")
    first = client.get("/karta/de/").content.decode()
    assert len(list_anchors(first)) == maps.PLACES_PER_PAGE == 50
    assert '<nav class="pagination" aria-label="Sidor">' in first
    assert "121 orter i Tyskland" in first and "Sidan visar orterna 1–50, och kartan" in first
    last = client.get("/karta/de/?page=3").content.decode()
    assert len(list_anchors(last)) == 21
    assert "Sidan visar orterna 101–121" in last
    # Past the end is the last page; text or zero the first.
    assert list_anchors(client.get("/karta/de/?page=99").content.decode()) == list_anchors(last)
    for page in ("0", "-1", "x"):
        response = client.get(f"/karta/de/?page={page}")
        assert list_anchors(response.content.decode()) == list_anchors(first)
    # Every place is reached without JavaScript, from the national map's list and its points.
    listed = crawl(client)
    assert {f"plats-ort-p{i}" for i in range(120)} <= set(listed)
    assert set(national_reach(client, client.get("/karta/").content.decode())) <= set(listed)


def test_a_point_on_the_national_map_leads_to_the_page_its_place_is_on(client):
    spread(120, "US", tag="u", at=(45, -75))  # "Ort u0000" … before Tempe, far away
    html = client.get("/karta/").content.decode()
    assert "/karta/us/?page=3#plats-tempe" in svg_hrefs(html)
    assert 'id="plats-tempe"' in client.get("/karta/us/?page=3").content.decode()
    assert set(national_reach(client, html)) <= set(crawl(client))


# --- Many links under one place: named up to a cap, the rest counted ------------------------


def crowd(*, partnerships: int, projects: int, stories: int, name: str = "Kartstadt") -> None:
    """One place abroad with so many published partnerships, projects and stories of Växjö."""
    vaxjo = Municipality.objects.get(slug="vaxjo")
    place, _ = Organisation.objects.get_or_create(
        slug=slugify(name),
        defaults={
            "name": name,
            "kind": "kommun",
            "country": Country.objects.get(code="DK"),
            "latitude": Decimal("50.1"),
            "longitude": Decimal("-30.2"),  # alone in the Atlantic: never in a group
        },
    )
    start = Partnership.objects.filter(parties__organisation=place).count()
    for i in range(start, partnerships):
        partnership = Partnership.objects.create(
            name=f"Kartsamarbete {i:03}",
            slug=f"kartsamarbete-{i}",
            municipality=vaxjo,
            kind="vanort",
            is_published=True,
        )
        PartnershipParty.objects.create(partnership=partnership, organisation=place)
    start = ProjectParticipant.objects.filter(organisation=place).count()
    for i in range(start, projects):
        project = Project.objects.create(
            title=f"Kartprojekt {i:03}",
            slug=f"kartprojekt-{i}",
            municipality=vaxjo,
            is_published=True,
        )
        ProjectParticipant.objects.create(project=project, organisation=place)
    start = Story.objects.filter(partner=place).count()
    for i in range(start, stories):
        Story.objects.create(
            title=f"Kartberättelse {i:03}",
            slug=f"kartberattelse-{i}",
            municipality=vaxjo,
            teaser="Text",
            partner=place,
            is_published=True,
        )


def map_part(html: str) -> str:
    """The map and its list: the part of a municipality's or a country's page that is this
    feature's."""
    return re.search(r'<div class="partner-map.*?</ul>\s*</div>', html, re.S).group(0)


def more_links(entry: str) -> dict[str, str]:
    """ "och 35 projekt till" -> its address, from a place's entry in the list."""
    return {
        text: unescape(href)
        for href, text in re.findall(r'<li class="map-more"><a href="([^"]+)">([^<]+)</a>', entry)
    }


def test_a_place_names_at_most_five_of_each_kind_and_links_the_rest(client):
    crowd(partnerships=12, projects=40, stories=8)
    html = client.get("/karta/dk/").content.decode()
    entry = place_entry(html, "plats-kartstadt")
    assert len(re.findall(r"<li>Vänort: ", entry)) == maps.LINKS_PER_KIND == 5
    assert len(re.findall(r"<li>Projekt: ", entry)) == 5
    assert len(re.findall(r"<li>Berättelse: ", entry)) == 5
    assert "Kartprojekt 004" in entry and "Kartprojekt 005" not in entry
    assert more_links(entry) == {
        "och 7 samarbeten till": "/samarbeten/?q=Kartstadt&country=DK",
        "och 35 projekt till": "/projekt/?q=Kartstadt&country=DK",
        "och 3 berättelser till": "/berattelser/?q=Kartstadt&country=DK",
    }
    # The filtered lists hold them all.
    for url, count in zip(more_links(entry).values(), (12, 40, 8), strict=True):
        listed = client.get(url).content.decode()
        assert re.search(rf'<p class="result-count" role="status">{count} ', listed), url


def test_one_more_is_worded_in_the_singular(client):
    crowd(partnerships=6, projects=6, stories=6)
    entry = place_entry(client.get("/karta/dk/").content.decode(), "plats-kartstadt")
    assert list(more_links(entry)) == [
        "och 1 samarbete till",
        "och 1 projekt till",
        "och 1 berättelse till",
    ]


def test_the_small_map_caps_the_same_way_and_keeps_to_its_municipality(client):
    crowd(partnerships=7, projects=9, stories=5)
    entry = place_entry(client.get("/kommuner/vaxjo/").content.decode(), "plats-kartstadt")
    assert len(re.findall(r"<li>Projekt: ", entry)) == 5
    assert more_links(entry) == {
        "och 2 samarbeten till": "/samarbeten/?q=Kartstadt&country=DK&municipality=vaxjo",
        "och 4 projekt till": "/projekt/?q=Kartstadt&country=DK&municipality=vaxjo",
    }


@pytest.mark.parametrize("url", ["/karta/dk/", "/kommuner/vaxjo/"])
def test_a_place_with_ten_times_the_links_costs_no_more_page_or_queries(client, url):
    crowd(partnerships=10, projects=10, stories=10)
    small_map = map_part(client.get(url).content.decode())
    small_queries = count_queries(client, url)
    crowd(partnerships=100, projects=100, stories=100)
    large_map = map_part(client.get(url).content.decode())
    assert "och 95 projekt till" in large_map and "och 5 projekt till" in small_map
    # Only the counts differ.
    assert re.sub(r"\d+", "N", large_map) == re.sub(r"\d+", "N", small_map)
    assert len(large_map) - len(small_map) <= 3
    assert count_queries(client, url) == small_queries


# --- A project's status, derived from its period ---------------------------------------------


def test_projects_on_the_map_show_their_status_and_live_ones_come_first(client):
    crowd(partnerships=0, projects=0, stories=0)
    place = Organisation.objects.get(slug="kartstadt")
    vaxjo = Municipality.objects.get(slug="vaxjo")
    this_year = datetime.date.today().year
    periods = {
        "Avslutat A": (2010, 2012),
        "Avslutat B": (2010, 2012),
        "Avslutat C": (2010, 2012),
        "Avslutat D": (2010, 2012),
        "Avslutat E": (2010, 2012),
        "Pågår": (this_year - 1, this_year + 1),
        "Planeras": (this_year + 2, this_year + 3),
        "Okänd tid": (None, None),
    }
    for title, (start, end) in periods.items():
        project = Project.objects.create(
            title=title,
            slug=slugify(title),
            municipality=vaxjo,
            is_published=True,
            start_date=datetime.date(start, 1, 1) if start else None,
            end_date=datetime.date(end, 12, 31) if end else None,
        )
        ProjectParticipant.objects.create(project=project, organisation=place)
    entry = place_entry(client.get("/karta/dk/").content.decode(), "plats-kartstadt")
    shown = re.findall(r"<li>Projekt: <a [^>]+>([^<]+)</a> \([^)]+\)([^<]*)</li>", entry)
    assert shown == [
        ("Okänd tid", ""),
        ("Planeras", ", planerat"),
        ("Pågår", ", pågående"),
        ("Avslutat A", ", avslutat"),
        ("Avslutat B", ", avslutat"),
    ]
    assert "och 3 projekt till" in entry


# --- Points that would overlap ---------------------------------------------------------------


def circles(html: str) -> list[tuple[int, int, int]]:
    return [
        tuple(map(int, found))
        for found in re.findall(
            r'<circle cx="(-?\d+)" cy="(-?\d+)" r="(\d+)"/>', svg_of(html).split("map-places")[1]
        )
    ]


def assert_no_markers_overlap(html: str) -> None:
    points = circles(html)
    for i, (x1, y1, r1) in enumerate(points):
        for x2, y2, r2 in points[i + 1 :]:
            assert math.hypot(x1 - x2, y1 - y2) >= r1 + r2, ((x1, y1), (x2, y2))


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("/karta/", '<a href="/karta/pl/">Polen</a> (<a href="/karta/pl/#plats-gdynia">Gdynia</a>'),
        ("/kommuner/vaxjo/", '<a href="#plats-gdynia">Gdynia</a>'),
    ],
)
def test_places_that_would_overlap_share_one_marker_that_leads_to_each_of_them(client, url, link):
    html = client.get(url).content.decode()
    groups = group_entries(html)
    gdynia = next(anchor for anchor, places in groups.items() if "plats-gdynia" in places)
    assert "plats-slupsk" in groups[gdynia]  # 5 pixels apart on both maps
    marker = re.search(
        rf'<a class="map-place map-group" href="#{gdynia}"><title>(\d+) orter: ([^<]+)</title>'
        rf"<circle [^>]+/><text [^>]+>(\d+)</text></a>",
        svg_of(html),
    )
    assert marker, "no group marker for Gdynia and Słupsk"
    count = len(groups[gdynia])
    assert int(marker.group(1)) == int(marker.group(3)) == count
    assert "Gdynia" in marker.group(2) and "Słupsk" in marker.group(2)
    # The group's entry names its places, each a link to the place in the list beside the
    # map, or (on the national map) to its country's page and the place there.
    entry = re.search(rf'<li id="{gdynia}" tabindex="-1">(.*?)</li>', html).group(1)
    assert entry.startswith(f"{count} orter nära varandra: ")
    assert link in entry
    assert_no_markers_overlap(html)


def test_many_crowded_places_still_never_overlap_and_all_stay_reachable(client):
    grow(3, tag="c")  # thirty places on a coarse grid, many within a few pixels
    html = client.get("/karta/").content.decode()
    assert_no_markers_overlap(html)
    listed = crawl(client)
    assert sorted(national_reach(client, html)) == sorted(listed)
    assert len(svg_hrefs(html)) < len(listed)
