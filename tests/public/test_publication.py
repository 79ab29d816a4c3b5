"""Only published content is public: a draft answers 404 and leaks nowhere."""

import pytest

from networks.models import Network
from partnerships.models import Partnership
from portal.models import Municipality
from projects.models import Project
from tests.factories import hide_municipality

pytestmark = pytest.mark.django_db

PUBLIC_LISTS = [
    "/",
    "/kommuner/",
    "/samarbeten/",
    "/projekt/",
    "/natverk/",
    "/berattelser/",
    "/sitemap.xml",
    "/sitemap-sidor.xml",
    "/sitemap-kommuner.xml",
    "/sitemap-samarbeten.xml",
    "/sitemap-projekt.xml",
    "/sitemap-natverk.xml",
    "/sitemap-soker-partner.xml",
]


def everywhere(client, needle: str, extra: list[str] = ()) -> list[str]:
    """The public pages that show `needle`; the search page counts if it finds anything."""
    found = [url for url in [*PUBLIC_LISTS, *extra] if needle in client.get(url).content.decode()]
    if "Inga träffar" not in client.get("/sok/", {"q": needle}).content.decode():
        found.append("/sok/")
    return found


def test_a_municipality_without_its_own_page_still_shows_its_published_records(client):
    """Unpublished means it has not written its page: its published partnerships and
    projects are public all the same, on a page made from them alone, while what it wrote
    itself (introductions, networks, contacts) stays hidden."""
    Municipality.objects.filter(slug="trollhattan").update(is_published=False)
    response = client.get("/kommuner/trollhattan/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "har inte skrivit någon egen presentation här än" in html
    assert "Tempe" in html
    assert client.get("/samarbeten/trollhattan-tempe/").status_code == 200
    assert "/kommuner/trollhattan/" in client.get("/sitemap-kommuner.xml").content.decode()
    assert "trollhattan" in client.get("/kommuner/").content.decode()
    for written in ("En vänort är en formaliserad vänskap", "ett flertal internationella nätverk"):
        assert written not in html
    assert "Isak Johansson" not in html  # the contact person of its own page
    assert "Kontaktcenter" not in html
    sern = client.get("/natverk/sern/").content.decode()
    assert "Trollhättan" not in sern  # memberships belong to the page it has not written


def test_a_municipality_with_nothing_published_has_no_page(client):
    hide_municipality("trollhattan")
    assert client.get("/kommuner/trollhattan/").status_code == 404
    assert client.get("/samarbeten/trollhattan-tempe/").status_code == 404
    assert everywhere(client, "Tempe") == []
    assert everywhere(client, "trollhattan") == []
    assert "Inga träffar" in client.get("/sok/?q=Isak").content.decode()


def test_a_draft_project_is_hidden(client):
    project = Project.objects.get(acronym="SUMBA")
    project.is_published = False
    project.save()
    assert client.get(f"/projekt/{project.slug}/").status_code == 404
    assert everywhere(client, "SUMBA", ["/kommuner/vaxjo/"]) == []


def test_a_draft_partnership_is_hidden_and_not_counted(client):
    before = (
        client.get("/kommuner/").context["municipalities"].get(slug="trollhattan").partnership_count
    )
    Partnership.objects.filter(slug="trollhattan-tempe").update(is_published=False)
    assert client.get("/samarbeten/trollhattan-tempe/").status_code == 404
    assert everywhere(client, "Tempe", ["/kommuner/trollhattan/"]) == []
    after = (
        client.get("/kommuner/").context["municipalities"].get(slug="trollhattan").partnership_count
    )
    assert after == before - 1


def test_a_draft_network_is_hidden(client):
    Network.objects.filter(slug="sern").update(is_published=False)
    assert client.get("/natverk/sern/").status_code == 404
    assert everywhere(client, "Emilia Romagna", ["/kommuner/trollhattan/"]) == []


def test_municipalities_without_published_content_are_not_listed(client):
    names = {m.slug for m in client.get("/kommuner/").context["municipalities"]}
    assert {"vaxjo", "trollhattan", "kristianstad", "orebro"} <= names
    assert "stockholm" not in names
    assert client.get("/kommuner/stockholm/").status_code == 404


def test_an_unpublished_partnership_is_not_named_from_its_projects_successors_or_stories(client):
    """A draft partnership's name is not shown, linked or downloaded from the records that
    point at it: a project, the partnership it replaced, or a story."""
    Partnership.objects.filter(
        slug__in=["vaxjo-an-giang", "trollhattan-nordiskt-samarbetsavtal", "gnosjo-stefan-voda"]
    ).update(name="HEMLIGT UTKAST", is_published=False)

    pages = [
        "/projekt/an-giang-forstudie-vatten-och-avlopp/",
        "/samarbeten/trollhattan-kerava/",
        "/kommuner/trollhattan/",
        "/kommuner/gnosjo/",
        "/berattelser/",
        "/projekt/ladda-ner.csv?municipality=vaxjo",
        "/samarbeten/ladda-ner.json?municipality=trollhattan",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        content = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert "HEMLIGT UTKAST" not in content, path
        assert "/samarbeten/vaxjo-an-giang/" not in content, path
        assert "/samarbeten/gnosjo-stefan-voda/" not in content, path
