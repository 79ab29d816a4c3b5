"""Atom feeds of new and changed projects (for all of Sweden and for each municipality) and
partnerships."""

import datetime
from xml.etree import ElementTree

import pytest

from projects.models import Project
from public.feeds import FEED_SIZE
from tests.factories import hide_municipality, make_project

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, path: str) -> ElementTree.Element:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "sv"
    return root


def entries(root) -> list[dict]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "updated": entry.findtext(f"{ATOM}updated"),
            "summary": entry.findtext(f"{ATOM}summary"),
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


def test_the_national_feed_lists_published_projects_last_changed_first(client):
    root = feed(client, "/flode/projekt/")
    assert root.findtext(f"{ATOM}title").startswith("Nya och ändrade projekt")
    items = entries(root)
    published = Project.objects.published().count()
    assert len(items) == min(published, FEED_SIZE)
    assert items == sorted(items, key=lambda item: item["updated"], reverse=True)
    sumba = Project.objects.get(acronym="SUMBA")
    assert any(
        item["link"] == f"http://testserver/projekt/{sumba.slug}/"
        and item["id"] == f"urn:internationella-samarbeten:projekt:{sumba.pk}"
        and "Växjö" in item["title"]
        for item in items
    )


def test_an_edited_project_comes_first_and_drafts_never_appear(client):
    project = Project.objects.get(acronym="SUMBA")
    project.summary = "Ny sammanfattning <script>alert(1)</script> & mer."
    project.save()
    draft = make_project(title="Hemligt utkast", is_published=False)
    draft.save()
    first = entries(feed(client, "/flode/projekt/"))[0]
    assert first["title"].startswith("SUMBA")
    # Plain text in the feed: the markup arrives as text, escaped by the XML writer.
    assert first["summary"] == "Ny sammanfattning <script>alert(1)</script> & mer."
    raw = client.get("/flode/projekt/").content.decode()
    assert "<script>" not in raw and "Hemligt utkast" not in raw


def test_a_municipality_feed_has_only_its_projects(client):
    items = entries(feed(client, "/flode/kommuner/trollhattan/projekt/"))
    trollhattan = Project.objects.published().filter(municipality__slug="trollhattan")
    assert {item["link"].rsplit("/", 2)[-2] for item in items} == set(
        trollhattan.values_list("slug", flat=True)
    )


def test_unknown_or_unpublished_municipalities_have_no_feed(client):
    assert client.get("/flode/kommuner/finns-inte/projekt/").status_code == 404
    hide_municipality("kalix")
    assert client.get("/flode/kommuner/kalix/projekt/").status_code == 404


def test_pages_point_to_the_feeds(client):
    html = client.get("/kommuner/vaxjo/").content.decode()
    assert 'type="application/atom+xml"' in html
    assert 'href="/flode/kommuner/vaxjo/projekt/"' in html
    assert 'href="/flode/projekt/"' in client.get("/").content.decode()


def test_the_feed_costs_the_same_queries_however_many_projects(
    client, django_assert_max_num_queries
):
    for number in range(FEED_SIZE + 10):
        make_project(
            title=f"Flödesprojekt {number}",
            is_published=True,
            start_date=datetime.date(2020, 1, 1),
            start_precision="year",
        ).save()
    with django_assert_max_num_queries(3):
        root = feed(client, "/flode/projekt/")
    assert len(entries(root)) == FEED_SIZE


def test_the_partnership_feed_lists_published_partnerships_last_changed_first(
    client, django_assert_max_num_queries
):
    from partnerships.models import Partnership

    tempe = Partnership.objects.get(slug="trollhattan-tempe")
    tempe.steering_group = "Kommunstyrelsen <b>& co</b>"
    tempe.save()
    draft = Partnership.objects.published().exclude(pk=tempe.pk).first()
    Partnership.objects.filter(pk=draft.pk).update(is_published=False)

    with django_assert_max_num_queries(6):
        root = feed(client, "/flode/samarbeten/")

    assert root.findtext(f"{ATOM}title").startswith("Nya och ändrade samarbeten")
    items = entries(root)
    assert len(items) == min(Partnership.objects.published().count(), FEED_SIZE)
    assert items == sorted(items, key=lambda item: item["updated"], reverse=True)
    first = items[0]
    assert first["link"] == "http://testserver/samarbeten/trollhattan-tempe/"
    assert first["id"] == f"urn:internationella-samarbeten:samarbete:{tempe.pk}"
    assert "Tempe" in first["summary"] and "vänort" in first["title"]
    assert f"/samarbeten/{draft.slug}/" not in client.get("/flode/samarbeten/").content.decode()


def test_the_partnership_list_offers_its_feed(client):
    html = client.get("/samarbeten/").content.decode()

    assert 'type="application/atom+xml"' in html and 'href="/flode/samarbeten/"' in html
