"""A project's countries are the same on its page, in the download and in the API, and they
are what the list's country filter finds: its participants' countries abroad, the countries
named on it, and its partnership's partners' (Växjö's An Giang projects are in Vietnam)."""

import json

import pytest

from partnerships.models import Partnership
from projects.models import Project

pytestmark = pytest.mark.django_db

SLUG = "an-giang-forstudie-avfall"


def test_the_project_page_names_its_partnerships_country(client):
    page = client.get(f"/projekt/{SLUG}/").content.decode()

    assert "<dt>Länder</dt><dd>Vietnam</dd>" in page


def test_the_download_and_the_api_name_the_countries_the_filter_found(client):
    rows = json.loads(
        b"".join(client.get("/projekt/ladda-ner.json", {"country": "VN"}).streaming_content)
    )
    api = client.get("/api/v1/projects/", {"country": "VN", "page_size": 100}).json()

    assert rows and {row["partner_countries"] for row in rows} == {"Vietnam"}
    assert api["results"] and all(
        [country["code"] for country in project["countries"]] == ["VN"]
        for project in api["results"]
    )
    assert {row["title"] for row in rows} == {project["title"] for project in api["results"]}


def test_an_unpublished_partnerships_country_is_not_shown(client):
    Partnership.objects.filter(slug="vaxjo-an-giang").update(is_published=False)

    page = client.get(f"/projekt/{SLUG}/").content.decode()

    assert "Vietnam" not in page
    assert Project.objects.get(slug=SLUG).partner_countries.count() == 0


def test_the_filters_never_find_a_project_through_an_unpublished_partnership(client):
    before = client.get("/projekt/", {"country": "VN"}).context["page_obj"].paginator.count
    partnership = Partnership.objects.get(slug="vaxjo-an-giang")
    partnership.is_published = False
    partnership.save()  # as the admin does: the filter values follow (projects.facets)

    listed = client.get("/projekt/", {"country": "VN"}).context["page_obj"].paginator.count
    api = client.get("/api/v1/projects/", {"country": "VN"}).json()

    assert before >= 5 and listed == before - 5
    assert all(project["slug"] != SLUG for project in api["results"])


@pytest.mark.parametrize(("name", "value"), [("country", "VN"), ("region", "ovriga_varlden")])
def test_every_project_the_filter_finds_names_a_matching_country(client, name, value):
    from portal.models import Country

    response = client.get("/api/v1/projects/", {name: value, "page_size": 100}).json()
    wanted = (
        {value}
        if name == "country"
        else set(Country.objects.filter(world_region=value).values_list("code", flat=True))
    )

    assert response["results"]
    for project in response["results"]:
        assert {country["code"] for country in project["countries"]} & wanted, project["slug"]
