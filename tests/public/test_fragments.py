"""Fragments of public pages (public/fragments.py): a municipality's page and each row of the
project and partnership lists are kept under their records' versions. A repeat request costs
no query; after an edit the next request shows it, and only what shows the edited record is
rendered again."""

import datetime
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import public.listing
from networks.models import Membership, Network
from operations import page_cache
from partnerships.models import Partnership
from portal.models import Country, Municipality
from projects.models import Project, ProjectParticipant
from public import fragments
from tests.public.test_shared_records import own_organisation

pytestmark = pytest.mark.django_db

LIST = "/projekt/?municipality=vaxjo"


@pytest.fixture(autouse=True)
def fragments_on(settings):
    settings.PUBLIC_FRAGMENT_CACHE_SECONDS = 3600


def queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


def rename(project: Project, title: str) -> None:
    project.title = title
    project.save()


def test_a_repeat_request_reads_the_cache_only_and_gives_the_same_bytes(client, settings):
    for url in ("/kommuner/vaxjo/", LIST, "/samarbeten/?municipality=vaxjo"):
        cold_queries, cold = queries(client, url)
        warm_queries, warm = queries(client, url)
        assert cold_queries > 0
        assert warm_queries == 0, url
        assert warm == cold
        settings.PUBLIC_FRAGMENT_CACHE_SECONDS = 0
        assert queries(client, url) == (cold_queries, cold)  # without fragments: the same
        settings.PUBLIC_FRAGMENT_CACHE_SECONDS = 3600


def test_an_edited_project_shows_at_once_on_its_municipality_page_and_in_the_list(client):
    project = Project.objects.published().filter(municipality__slug="vaxjo").first()
    client.get("/kommuner/vaxjo/")
    client.get(f"{LIST}&q={project.slug[:3]}")
    client.get(LIST)
    project.acronym = ""
    rename(project, "Ett helt nytt namn <på> projektet")
    assert (
        "Ett helt nytt namn &lt;på&gt; projektet" in client.get("/kommuner/vaxjo/").content.decode()
    )
    assert "Ett helt nytt namn &lt;på&gt; projektet" in client.get(LIST).content.decode()


def test_a_project_made_a_draft_leaves_the_page_and_the_list_at_once(client):
    project = Project.objects.published().filter(municipality__slug="vaxjo").first()
    rename(project, "Snart ett utkast")
    assert "Snart ett utkast" in client.get("/kommuner/vaxjo/").content.decode()
    assert "Snart ett utkast" in client.get(LIST).content.decode()
    project.is_published = False
    project.save()
    assert "Snart ett utkast" not in client.get("/kommuner/vaxjo/").content.decode()
    assert "Snart ett utkast" not in client.get(LIST).content.decode()


def test_an_edit_renders_only_the_edited_row_again(client, monkeypatch):
    project_a, project_b = client.get(LIST).context["object_list"][:2]
    version_b = fragments.versions_of([fragments.version_key("project", project_b.pk)])
    rename(project_a, "Bara den här raden är ny")

    rendered = []
    get_template = public.listing.get_template

    def counting(name):
        template = get_template(name)

        class Counting:
            def render(self, context):
                rendered.append(context["project"].pk)
                return template.render(context)

        return Counting()

    monkeypatch.setattr(public.listing, "get_template", counting)
    html = client.get(LIST).content.decode()
    assert "Bara den här raden är ny" in html
    assert rendered == [project_a.pk]  # B's row came from the cache, under its old version
    assert fragments.versions_of([fragments.version_key("project", project_b.pk)]) == version_b


def test_an_edit_in_one_municipality_leaves_the_others_pages_in_the_cache(client):
    client.get("/kommuner/trollhattan/")
    client.get("/kommuner/vaxjo/")
    project = Project.objects.published().filter(municipality__slug="vaxjo").first()
    rename(project, "Bara Växjö ändras")
    assert queries(client, "/kommuner/trollhattan/")[0] == 0
    count, html = queries(client, "/kommuner/vaxjo/")
    assert count > 0
    assert "Bara Växjö ändras" in html


def test_a_shared_project_changes_on_each_partys_page(client):
    project = Project.objects.published().filter(municipality__slug="vaxjo").first()
    ProjectParticipant.objects.create(
        project=project, organisation=own_organisation("ljungby"), role="partner"
    )
    assert project.title in client.get("/kommuner/ljungby/").content.decode()
    rename(project, "Växjö och Ljungby tillsammans")
    assert "Växjö och Ljungby tillsammans" in client.get("/kommuner/ljungby/").content.decode()
    ljungby = Municipality.objects.get(slug="ljungby")
    ProjectParticipant.objects.filter(project=project, party_municipality=ljungby).delete()
    assert "Växjö och Ljungby tillsammans" not in client.get("/kommuner/ljungby/").content.decode()


def test_what_the_page_shows_besides_projects_moves_its_version(client):
    vaxjo = Municipality.objects.get(slug="vaxjo")
    client.get("/kommuner/vaxjo/")
    vaxjo.intro = "En ny inledning om Växjös arbete."
    vaxjo.save()
    assert "En ny inledning om Växjös arbete." in client.get("/kommuner/vaxjo/").content.decode()

    partnership = Partnership.objects.published().filter(municipality=vaxjo).first()
    partnership.background = "En ny bakgrund till partnerskapet."
    partnership.save()
    assert "En ny bakgrund till partnerskapet." in client.get("/kommuner/vaxjo/").content.decode()

    network = Network.objects.create(name="Ett nytt nätverk", slug="ett-nytt", is_published=True)
    Membership.objects.create(network=network, municipality=vaxjo)
    assert "Ett nytt nätverk" in client.get("/kommuner/vaxjo/").content.decode()
    network.name = "Ett omdöpt nätverk"
    network.save()
    assert "Ett omdöpt nätverk" in client.get("/kommuner/vaxjo/").content.decode()

    trollhattan = Municipality.objects.get(slug="trollhattan")
    person = trollhattan.contacts.get(name="Isak Johansson")
    client.get("/kommuner/trollhattan/")
    person.name = "Ett nytt kontaktnamn"
    person.save()
    assert "Ett nytt kontaktnamn" in client.get("/kommuner/trollhattan/").content.decode()
    trollhattan.contacts.remove(person)
    assert "Ett nytt kontaktnamn" not in client.get("/kommuner/trollhattan/").content.decode()


def test_a_reference_name_renews_every_fragment(client):
    partnership = Partnership.objects.published().filter(municipality__slug="vaxjo").first()
    country = partnership.parties.exclude(organisation__country=None).first().organisation.country
    client.get("/kommuner/vaxjo/")
    client.get("/samarbeten/?municipality=vaxjo")
    Country.objects.filter(pk=country.pk).update(name="Ett nytt landsnamn")
    country.refresh_from_db()
    country.save()
    assert "Ett nytt landsnamn" in client.get("/samarbeten/?municipality=vaxjo").content.decode()


def test_a_bulk_change_without_signals_renews_every_fragment(client):
    from operations.page_cache import content_changed

    project = Project.objects.published().filter(municipality__slug="vaxjo").first()
    client.get("/kommuner/vaxjo/")
    client.get(LIST)
    Project.objects.filter(pk=project.pk).update(title="Ändrad i bulk")
    content_changed()  # as the imports do after writing
    assert "Ändrad i bulk" in client.get("/kommuner/vaxjo/").content.decode()
    assert "Ändrad i bulk" in client.get(LIST).content.decode()


def test_fragments_are_kept_for_the_day_they_were_made(client, monkeypatch):
    client.get("/kommuner/vaxjo/")
    assert queries(client, "/kommuner/vaxjo/")[0] == 0
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(fragments.timezone, "localdate", lambda: tomorrow)
    assert queries(client, "/kommuner/vaxjo/")[0] > 0  # a status may change at midnight


def test_an_unknown_municipality_is_still_not_found(client):
    assert client.get("/kommuner/finns-inte/").status_code == 404
    assert client.get("/kommuner/finns-inte/").status_code == 404


class Broken:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Redis does not answer")

        return fail


def test_pages_come_from_the_database_when_the_cache_does_not_answer(client, monkeypatch, caplog):
    expected = {url: client.get(url).content for url in ("/kommuner/vaxjo/", LIST)}
    monkeypatch.setattr(fragments, "fragment_cache", lambda: Broken())
    monkeypatch.setattr(fragments, "caches", {"versions": Broken()})
    with caplog.at_level(logging.ERROR, logger="portal"):
        for url, content in expected.items():
            response = client.get(url)
            assert response.status_code == 200
            assert response.content == content
        project = Project.objects.published().filter(municipality__slug="vaxjo").first()
        rename(project, "Sparad utan cache")  # an edit is saved all the same
    assert "does not answer" in caplog.text


def test_an_import_looks_up_no_pages_and_renews_every_fragment_once_at_its_end(
    client, django_capture_on_commit_callbacks
):
    """Inside page_cache.bulk() (the spreadsheet import, the fixture loader) a save costs no
    queries to find the pages it shows on; when the block's transaction commits every page
    is made anew."""
    project = Project.objects.published().filter(municipality__slug="vaxjo").first()

    def queries_of_rename(title: str) -> int:
        executed = []
        with connection.execute_wrapper(
            lambda execute, *args: executed.append(1) or execute(*args)
        ):
            rename(project, title)
        return len(executed)

    alone = queries_of_rename("Ett nytt namn")
    assert "Ett nytt namn" in client.get("/kommuner/vaxjo/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        with page_cache.bulk():
            assert queries_of_rename("Importerat nytt namn") < alone  # no look-up of pages
            assert "Importerat nytt namn" not in client.get("/kommuner/vaxjo/").content.decode()
        # Not before the commit: a request meanwhile would keep the old page as new.
        assert "Importerat nytt namn" not in client.get("/kommuner/vaxjo/").content.decode()

    assert "Importerat nytt namn" in client.get("/kommuner/vaxjo/").content.decode()
