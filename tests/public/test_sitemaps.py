"""/sitemap.xml is an index of one sitemap per section (/sitemap-<section>.xml, split into
?p=2, ?p=3, … by Django): each file is valid XML of at most the section's `limit` addresses,
lists only what residents may see, and costs the same few queries however many rows."""

import datetime
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from networks.models import Network
from partnerships.models import Partnership
from portal.models import Municipality
from projects.models import Project
from public.seeking.sitemaps import PartnerRequestSitemap
from public.selectors import public_municipalities
from public.sitemaps import SITEMAPS, ProjectSitemap, RecordSitemap
from seeking.models import PartnerRequest
from tests.factories import hide_municipality, make_network, make_partnership, make_project
from tests.seeking.factories import days_from_today, make_partner_request

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SERVER = "http://testserver"
RECORD_SECTIONS = [
    section
    for section, sitemap in SITEMAPS.items()
    if issubclass(sitemap, RecordSitemap | PartnerRequestSitemap)
]


def parse(client, path: str) -> ElementTree.Element:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "application/xml"
    return ElementTree.fromstring(response.content)


def index_entries(client) -> dict[str, str | None]:
    """The index's files (paths) with their lastmod."""
    return {
        entry.findtext(f"{SITEMAP}loc").removeprefix(SERVER): entry.findtext(f"{SITEMAP}lastmod")
        for entry in parse(client, "/sitemap.xml").iter(f"{SITEMAP}sitemap")
    }


def addresses(client, path: str) -> list[str]:
    """The page paths one sitemap file lists, in order."""
    return [
        url.findtext(f"{SITEMAP}loc").removeprefix(SERVER)
        for url in parse(client, path).iter(f"{SITEMAP}url")
    ]


def every_address(client) -> list[str]:
    return [address for path in index_entries(client) for address in addresses(client, path)]


def visible_records() -> dict:
    """Each record section's records as the models define what residents see, and the name
    of their pages' URL."""
    return {
        "kommuner": (public_municipalities(), "portal:municipality_detail"),
        "samarbeten": (Partnership.objects.published(), "partnerships:detail"),
        "projekt": (Project.objects.published(), "projects:detail"),
        "natverk": (Network.objects.published(), "networks:detail"),
        "soker-partner": (PartnerRequest.objects.public(), "seeking:detail"),
    }


def saved(record):
    record.save()
    return record


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200, path
    return len(queries)


@pytest.fixture
def limit(monkeypatch):
    """Sets every section's addresses per file, so a few rows make several files."""

    def set_limit(value: int) -> None:
        for sitemap in SITEMAPS.values():
            monkeypatch.setattr(sitemap, "limit", value)

    return set_limit


def test_robots_txt_points_at_the_index_and_the_index_lists_each_section(client):
    assert f"Sitemap: {SERVER}/sitemap.xml" in client.get("/robots.txt").content.decode()
    assert list(index_entries(client)) == [f"/sitemap-{section}.xml" for section in SITEMAPS]


def test_the_index_gives_each_record_section_its_latest_change(client):
    make_partner_request()
    entries = index_entries(client)
    assert entries["/sitemap-sidor.xml"] is None
    for section, (records, _url_name) in visible_records().items():
        lastmod = datetime.datetime.fromisoformat(entries[f"/sitemap-{section}.xml"])
        assert lastmod == records.aggregate(latest=Max("updated_at"))["latest"], section


def test_no_file_may_hold_more_than_the_protocols_50_000_addresses():
    assert all(sitemap.limit <= 50_000 for sitemap in SITEMAPS.values())


def test_every_file_is_a_valid_urlset_within_its_limit_whose_pages_answer(client):
    make_partner_request()
    for path in index_entries(client):
        section = path.removeprefix("/sitemap-").removesuffix(".xml")
        root = parse(client, path)
        assert root.tag == f"{SITEMAP}urlset"
        urls = list(root.iter(f"{SITEMAP}url"))
        assert 0 < len(urls) <= SITEMAPS[section].limit, path
        if section in RECORD_SECTIONS:
            assert all(url.findtext(f"{SITEMAP}lastmod") for url in urls), path
        for url in (urls[0], urls[-1]):
            page = url.findtext(f"{SITEMAP}loc").removeprefix(SERVER)
            assert client.get(page).status_code == 200, page


def test_each_record_section_lists_exactly_its_visible_records_at_their_pages(client):
    make_partner_request()
    make_partner_request(valid_until=days_from_today(-1))
    for section, (records, url_name) in visible_records().items():
        slugs = records.order_by("pk").values_list("slug", flat=True)
        expected = [reverse(url_name, args=[slug]) for slug in slugs]
        assert addresses(client, f"/sitemap-{section}.xml") == expected, section


def test_a_record_is_listed_at_its_page_with_the_day_it_last_changed(client):
    project = saved(make_project(is_published=True))
    urls = parse(client, "/sitemap-projekt.xml").iter(f"{SITEMAP}url")
    listed = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in urls}
    assert (
        listed[f"{SERVER}/projekt/{project.slug}/"]
        == timezone.localdate(project.updated_at).isoformat()
    )


def test_only_what_residents_may_see_is_listed(client):
    hide_municipality("trollhattan")
    Municipality.objects.filter(slug="nacka").update(is_published=False)
    nacka = Municipality.objects.get(slug="nacka")
    shown = [
        f"/projekt/{saved(make_project(municipality=nacka, is_published=True)).slug}/",
        "/kommuner/nacka/",  # not published, but with a published project of its own
        f"/samarbeten/{saved(make_partnership(is_published=True)).slug}/",
        f"/natverk/{make_network(is_published=True).slug}/",
        f"/soker-partner/{make_partner_request().slug}/",
    ]
    hidden = [
        f"/projekt/{saved(make_project(is_published=False)).slug}/",
        f"/samarbeten/{saved(make_partnership(is_published=False)).slug}/",
        f"/natverk/{make_network(is_published=False).slug}/",
        "/kommuner/trollhattan/",  # no page of its own and nothing published
        "/samarbeten/trollhattan-tempe/",
        f"/soker-partner/{make_partner_request(valid_until=days_from_today(-1)).slug}/",
        f"/soker-partner/{make_partner_request(is_published=False).slug}/",
    ]
    listed = every_address(client)
    assert [path for path in shown if path not in listed] == []
    assert [path for path in hidden if path in listed] == []
    assert len(listed) == len(set(listed))


def test_a_section_beyond_its_limit_goes_on_over_numbered_files(client, monkeypatch):
    monkeypatch.setattr(ProjectSitemap, "limit", 2)
    published = [
        f"/projekt/{slug}/"
        for slug in Project.objects.published().order_by("pk").values_list("slug", flat=True)
    ]
    files = -(-len(published) // 2)
    assert files >= 2
    pages = ["/sitemap-projekt.xml", *(f"/sitemap-projekt.xml?p={n}" for n in range(2, files + 1))]
    assert [path for path in index_entries(client) if "projekt" in path] == pages
    listed = [addresses(client, page) for page in pages]
    assert all(1 <= len(page) <= 2 for page in listed)
    assert [address for page in listed for address in page] == published
    for beyond in (f"?p={files + 1}", "?p=0", "?p=x"):
        assert client.get(f"/sitemap-projekt.xml{beyond}").status_code == 404, beyond
    assert client.get("/sitemap-finns-inte.xml").status_code == 404


def grow(count: int) -> None:
    """More published records of every listed kind."""
    for _ in range(count):
        saved(make_project(is_published=True))
        saved(make_partnership(is_published=True))
        make_network(is_published=True)
        make_partner_request()


def test_each_file_costs_the_same_few_queries_however_many_rows(
    client, limit, django_assert_max_num_queries
):
    limit(5)
    make_partner_request()

    def costs() -> tuple[dict[str, set[int]], int]:
        """The queries of the index and of each section's files, and how many files."""
        files = list(index_entries(client))
        by_section = {"index": {count_queries(client, "/sitemap.xml")}}
        for path in files:
            by_section.setdefault(path.split("?")[0], set()).add(count_queries(client, path))
        return by_section, len(files)

    baseline, baseline_files = costs()
    grow(12)
    grown, grown_files = costs()
    assert grown_files > baseline_files  # more files, each costing the same:
    assert grown == baseline
    with django_assert_max_num_queries(2 * len(RECORD_SECTIONS)):
        client.get("/sitemap.xml")
    for path in index_entries(client):
        with django_assert_max_num_queries(2, info=path):
            client.get(path)
