"""The read-only JSON API under /api/v1/, as a client sees it."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from contacts.models import Organisation, Person
from partnerships.models import Partnership
from portal.models import Municipality
from projects.models import Project
from tests.factories import hide_municipality

pytestmark = pytest.mark.django_db

API = "/api/v1"
KRISTIANSTAD_INTERREG = "kommunal-hallbar-tillvaxt-oresundsregionen"


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def all_slugs(client, path: str, params: dict | None = None) -> set[str]:
    """Every slug of a list, page by page."""
    found, url, params = set(), f"{API}{path}", {**(params or {}), "page_size": 100}
    while url:
        data = client.get(url, params).json()
        found |= {item["slug"] for item in data["results"]}
        url, params = data["next"], None
    return found


# Lists, records and identifiers.


def test_the_root_lists_every_endpoint_and_the_schema(client):
    data = client.get(f"{API}/").json()
    assert set(data) == {
        "municipalities",
        "partnerships",
        "projects",
        "networks",
        "organisations",
        "schema",
    }
    assert data["projects"] == "http://testserver/api/v1/projects/"


def test_a_list_page_has_the_count_and_links_to_the_next(client):
    data = client.get(f"{API}/projects/", {"page_size": 5}).json()
    assert data["count"] == Project.objects.published().count()
    assert len(data["results"]) == 5
    assert data["previous"] is None
    assert data["next"] == "http://testserver/api/v1/projects/?page=2&page_size=5"


def test_a_municipality_is_found_by_slug_and_by_scb_code(client):
    by_slug = client.get(f"{API}/municipalities/vaxjo/").json()
    by_code = client.get(f"{API}/municipalities/0780/").json()
    assert by_slug == by_code
    assert by_slug["scb_code"] == "0780"
    assert by_slug["url"] == "http://testserver/api/v1/municipalities/vaxjo/"
    assert by_slug["page_url"] == "http://testserver/kommuner/vaxjo/"
    assert by_slug["projects_url"] == "http://testserver/api/v1/projects/?municipality=vaxjo"
    assert (
        by_slug["project_count"]
        == Project.objects.published().filter(municipality__slug="vaxjo").count()
    )


def test_every_record_links_to_its_api_address_and_its_public_page(client):
    for path in ("municipalities", "partnerships", "projects", "networks"):
        item = client.get(f"{API}/{path}/", {"page_size": 1}).json()["results"][0]
        assert client.get(item["url"]).json()["slug"] == item["slug"]
        assert client.get(item["page_url"]).status_code == 200, item["page_url"]
    organisation = client.get(f"{API}/organisations/", {"page_size": 1}).json()["results"][0]
    assert client.get(organisation["url"]).json()["slug"] == organisation["slug"]


def test_an_unknown_identifier_or_address_is_a_json_404_in_swedish(client):
    for url in (
        f"{API}/projects/finns-inte/",
        f"{API}/municipalities/9999/",
        f"{API}/projects/a%2Fb/",
        f"{API}/projects/x%00y/",
        f"{API}/projects/rad%0Abrytning/",
        f"{API}/projects/%C3%A5%C3%A4%C3%B6/",
        f"{API}/okand/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Hittades inte."}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", [f"{API}/projects/", f"{API}/projects/{KRISTIANSTAD_INTERREG}/"])
def test_the_api_is_read_only(client, method, url):
    response = getattr(client, method)(url, {}, content_type="application/json")
    assert response.status_code == 405
    assert "tillåts inte" in response.json()["detail"]
    assert Project.objects.filter(slug=KRISTIANSTAD_INTERREG).exists()


def test_the_answer_is_json_whatever_the_client_accepts(client):
    response = client.get(f"{API}/networks/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_other_sites_may_read_the_api_from_a_browser(client):
    for url in (f"{API}/", f"{API}/projects/", f"{API}/networks/sern/", f"{API}/schema/"):
        assert client.get(url)["Access-Control-Allow-Origin"] == "*", url
    assert client.get(f"{API}/projects/finns-inte/")["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/projekt/")


# Derived facts, from the models.


def test_a_project_has_its_period_status_and_money_as_on_its_page(client):
    project = client.get(f"{API}/projects/{KRISTIANSTAD_INTERREG}/").json()
    assert project["period"] == {
        "display": "1 januari – 31 december 2014",
        "start": "2014-01-01",
        "start_precision": "day",
        "end": "2014-12-31",
        "end_precision": "day",
        "ends_on": "2014-12-31",
        "duration_months": None,
        "duration_display": None,
    }
    assert (project["status"], project["status_display"]) == ("avslutat", "Avslutat")
    stored = Project.objects.get(slug=KRISTIANSTAD_INTERREG)
    assert project["budget"] == {
        "amount": "75000.00",
        "currency": "EUR",
        "display": stored.budget_display,
    }
    assert project["grant"] == {
        "amount": "37500.00",
        "currency": "EUR",
        "display": stored.grant_display,
    }
    assert project["grant"]["display"].replace("\N{NO-BREAK SPACE}", " ") == "37 500 EUR"
    assert project["lead_partner"]["slug"] == "koge-kommune"
    assert [p["role"] for p in project["participants"]] == ["lead_partner", "partner"]


def test_an_open_period_has_no_end_and_no_end_precision(client):
    partnership = client.get(f"{API}/partnerships/vaxjo-jb-marks/").json()
    assert partnership["period"]["display"] == "sedan 2005"
    assert partnership["period"]["start_precision"] == "year"
    assert partnership["period"]["end"] is None
    assert partnership["period"]["end_precision"] is None
    assert partnership["is_former"] is False


def test_a_project_without_money_has_null_budget(client):
    Project.objects.filter(slug=KRISTIANSTAD_INTERREG).update(total_budget=None, grant_amount=None)
    project = client.get(f"{API}/projects/{KRISTIANSTAD_INTERREG}/").json()
    assert project["budget"] is None
    assert project["grant"] is None


# Only published content.


def test_a_draft_project_answers_404_and_is_listed_nowhere(client):
    project = Project.objects.get(slug="vushtrri-sekos-2")
    project.is_published = False
    project.save()
    assert client.get(f"{API}/projects/vushtrri-sekos-2/").status_code == 404
    assert "vushtrri-sekos-2" not in all_slugs(client, "/projects/")
    partnership = client.get(f"{API}/partnerships/vaxjo-vushtrri/").json()
    assert "vushtrri-sekos-2" not in [p["slug"] for p in partnership["projects"]]


def test_a_municipality_with_nothing_published_and_what_it_owns_are_hidden(client):
    hide_municipality("trollhattan")
    assert client.get(f"{API}/municipalities/trollhattan/").status_code == 404
    assert client.get(f"{API}/municipalities/1488/").status_code == 404
    assert client.get(f"{API}/partnerships/trollhattan-tempe/").status_code == 404
    assert "trollhattan" not in all_slugs(client, "/municipalities/")
    assert not {s for s in all_slugs(client, "/partnerships/") if s.startswith("trollhattan")}
    sern = client.get(f"{API}/networks/sern/").json()
    assert "trollhattan" not in [m["municipality"]["slug"] for m in sern["memberships"]]
    # Tempe takes part in nothing published any more.
    assert client.get(f"{API}/organisations/tempe/").status_code == 404


def test_a_municipality_without_its_own_page_is_there_with_its_published_records(client):
    Municipality.objects.filter(slug="trollhattan").update(is_published=False)
    assert client.get(f"{API}/municipalities/trollhattan/").status_code == 200
    assert client.get(f"{API}/partnerships/trollhattan-tempe/").status_code == 200
    assert "trollhattan" in all_slugs(client, "/municipalities/")
    sern = client.get(f"{API}/networks/sern/").json()
    assert "trollhattan" not in [m["municipality"]["slug"] for m in sern["memberships"]]


def test_a_draft_partnership_is_not_named_by_its_projects(client):
    Partnership.objects.filter(slug="vaxjo-vushtrri").update(is_published=False)
    response = client.get(f"{API}/projects/vushtrri-sekos-2/")
    assert response.json()["partnership"] is None
    assert "vaxjo-vushtrri" not in response.content.decode()


def test_a_replaced_partnership_names_its_successor_only_while_that_is_published(client):
    ended = Partnership.objects.filter(replaced_by__isnull=False, is_published=True).first()
    successor = ended.replaced_by
    data = client.get(f"{API}/partnerships/{ended.slug}/").json()
    assert data["replaced_by"]["slug"] == successor.slug
    Partnership.objects.filter(pk=successor.pk).update(is_published=False)
    assert client.get(f"{API}/partnerships/{ended.slug}/").json()["replaced_by"] is None


def test_organisations_are_those_taking_part_in_something_published(client):
    listed = all_slugs(client, "/organisations/")
    assert {"jb-marks", "koge-kommune"} <= listed
    # Sida funds but takes part in no partnership or project.
    assert "sida" not in listed
    assert client.get(f"{API}/organisations/sida/").status_code == 404
    koge = client.get(f"{API}/organisations/koge-kommune/").json()
    assert [p["project"]["slug"] for p in koge["projects"]] == [KRISTIANSTAD_INTERREG]
    assert koge["projects"][0]["role"] == "lead_partner"


def test_an_organisation_has_its_place_as_numbers_for_maps(client):
    Organisation.objects.filter(slug="jb-marks").update(
        latitude=Decimal("-26.71452"), longitude=Decimal("27.10234")
    )
    Organisation.objects.filter(slug="koge-kommune").update(latitude=None, longitude=None)
    jb_marks = client.get(f"{API}/organisations/jb-marks/").json()
    assert (jb_marks["latitude"], jb_marks["longitude"]) == (-26.71452, 27.10234)
    koge = client.get(f"{API}/organisations/koge-kommune/").json()
    assert (koge["latitude"], koge["longitude"]) == (None, None)


# Personal data.


def test_a_contact_not_marked_public_shows_name_and_title_but_no_email_or_phone(client):
    person = Person.objects.create(
        name="Anna Andersson",
        slug="anna-andersson",
        title="Internationell samordnare",
        email="anna.andersson@example.se",
        phone="0470-410 00",
        contact_details_public=False,
    )
    Project.objects.get(slug=KRISTIANSTAD_INTERREG).contacts.add(person)
    Municipality.objects.get(slug="vaxjo").contacts.add(person)
    urls = [
        f"{API}/projects/{KRISTIANSTAD_INTERREG}/",
        f"{API}/projects/?municipality=kristianstad",
        f"{API}/municipalities/vaxjo/",
        f"{API}/municipalities/",
    ]
    for url in urls:
        response = client.get(url)
        body = response.content.decode()
        assert "Anna Andersson" in body, url
        assert "anna.andersson@example.se" not in body, url
        assert "41000" not in body and "410 00" not in body, url
    contact = client.get(urls[0]).json()["contacts"][0]
    assert contact == {
        "name": "Anna Andersson",
        "title": "Internationell samordnare",
        "organisation": None,
        "email": None,
        "phone": None,
        "phone_display": None,
    }

    person.contact_details_public = True
    person.save()
    contact = client.get(urls[0]).json()["contacts"][0]
    assert contact["email"] == "anna.andersson@example.se"
    assert contact["phone"] == "+4647041000"
    assert contact["phone_display"] == Person.objects.get(pk=person.pk).public_phone_display
    assert contact["phone_display"].replace("\N{NO-BREAK SPACE}", " ") == "0470-410 00"


# Filters: the public pages' own.

SAME_AS_THE_PAGE = [
    ("/projects/", "/projekt/", {"status": "avslutat"}),
    ("/projects/", "/projekt/", {"municipality": "vaxjo", "year_from": "2015", "year_to": "2018"}),
    ("/projects/", "/projekt/", {"programme": "interreg-oresund"}),
    ("/projects/", "/projekt/", {"country": "VN"}),
    ("/projects/", "/projekt/", {"region": "ovriga_varlden", "q": "vatten"}),
    ("/partnerships/", "/samarbeten/", {"kind": "vanort", "status": "avslutat"}),
    ("/partnerships/", "/samarbeten/", {"country": "ZA"}),
    ("/partnerships/", "/samarbeten/", {"kind": "", "status": ""}),
    ("/networks/", "/natverk/", {"municipality": "trollhattan"}),
    ("/networks/", "/natverk/", {"category": "natverk", "q": "europ"}),
]


@pytest.mark.parametrize(("api_path", "page_path", "params"), SAME_AS_THE_PAGE)
def test_a_filter_gives_what_the_page_gives(client, api_path, page_path, params):
    page = client.get(page_path, params)
    expected = {item.slug for item in page.context["filter"].qs}
    assert expected, "choose a filter that finds something"
    assert all_slugs(client, api_path, params) == expected


def test_filters_narrow_the_list(client):
    everything = all_slugs(client, "/projects/")
    finished = all_slugs(client, "/projects/", {"status": "avslutat"})
    vaxjo = all_slugs(client, "/projects/", {"municipality": "vaxjo"})
    assert finished and vaxjo
    assert finished < everything and vaxjo < everything
    assert KRISTIANSTAD_INTERREG in finished and KRISTIANSTAD_INTERREG not in vaxjo


def test_municipalities_and_organisations_filter_too(client):
    assert all_slugs(client, "/municipalities/", {"county": "07"}) >= {"vaxjo"}
    assert "trollhattan" not in all_slugs(client, "/municipalities/", {"county": "07"})
    assert all_slugs(client, "/organisations/", {"country": "DK"}) >= {"koge-kommune"}
    assert "jb-marks" not in all_slugs(client, "/organisations/", {"country": "DK"})


BAD_FILTERS = [
    ("/projects/", {"year_from": "abc"}, "year_from", "Skriv året med fyra siffror"),
    ("/projects/", {"year_from": "1200"}, "year_from", "Året måste vara 1900 eller senare."),
    ("/projects/", {"year_from": "2020", "year_to": "2010"}, "year_to", "Till-året kan inte"),
    ("/projects/", {"status": "kanske"}, "status", "Välj ett giltigt alternativ"),
    ("/projects/", {"municipality": "atlantis"}, "municipality", "Välj ett giltigt alternativ"),
    ("/partnerships/", {"country": "QQ"}, "country", "Välj ett giltigt alternativ"),
    ("/networks/", {"scope": "intergalaktiskt"}, "scope", "Välj ett giltigt alternativ"),
    ("/organisations/", {"kind": "x"}, "kind", "Välj ett giltigt alternativ"),
    ("/municipalities/", {"county": "99"}, "county", "Välj ett giltigt alternativ"),
]


@pytest.mark.parametrize(("path", "params", "field", "message"), BAD_FILTERS)
def test_a_bad_filter_value_is_a_400_with_a_swedish_message(client, path, params, field, message):
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()[field][0].startswith(message)


# Pagination.


def test_a_page_past_the_end_is_a_404_in_swedish(client):
    count = client.get(f"{API}/networks/", {"page_size": 100}).json()["count"]
    last = -(-count // 100)
    assert client.get(f"{API}/networks/", {"page_size": 100, "page": last}).status_code == 200
    response = client.get(f"{API}/networks/", {"page_size": 100, "page": last + 1})
    assert response.status_code == 404
    sidor = "sida" if last == 1 else "sidor"
    assert response.json() == {"detail": f"Sidan {last + 1} finns inte; det finns {last} {sidor}."}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "många"}, "page_size"),
    ],
)
def test_a_bad_page_or_page_size_is_a_400_in_swedish(client, params, field):
    response = client.get(f"{API}/projects/", params)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert "heltal" in response.json()[field][0]


def test_the_page_size_may_go_up_to_100(client):
    data = client.get(f"{API}/networks/", {"page_size": 100}).json()
    assert len(data["results"]) == min(100, data["count"])
    assert len(client.get(f"{API}/networks/").json()["results"]) == min(20, data["count"])


# The OpenAPI description.


def test_the_schema_describes_every_operation(client):
    response = client.get(f"{API}/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        f"{API}/{name}/{suffix}"
        for name in ("municipalities", "partnerships", "projects", "networks", "organisations")
        for suffix in ("", "{slug}/")
    }
    project_filters = {p["name"] for p in schema["paths"][f"{API}/projects/"]["get"]["parameters"]}
    assert project_filters >= {"q", "status", "year_from", "year_to", "municipality", "page"}
    for operations in schema["paths"].values():
        assert set(operations) == {"get"}


def test_drf_spectacular_makes_the_schema_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "api.yaml")
    assert "/api/v1/projects/{slug}/" in (tmp_path / "api.yaml").read_text()


def test_the_openapi_descriptions_are_swedish(client):
    """No developer docstring leaks into the schema as a component's description."""
    import re

    schema = client.get("/api/v1/schema/").json()
    descriptions = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "description" and isinstance(value, str):
                    descriptions.append(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    english = [text for text in descriptions if re.search(r"\b(the|is|are|unless)\b", text)]
    assert descriptions and english == []


def test_options_answers_what_may_be_asked(client):
    response = client.options("/api/v1/projects/")

    assert response.status_code == 204
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.post("/api/v1/projects/", {}).status_code == 405
