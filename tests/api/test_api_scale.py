"""The API at scale: a page costs the same SQL queries whatever the number of rows, deep
pages hold exactly the rows of the list's order (ties included), and the organisations list
keeps the selectors' rule while asking it row by row."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.queries import public_organisations
from contacts.models import Organisation
from projects.models import Project
from public import selectors
from tests.api.test_api_queries import grow_published
from tests.factories import make_project, municipality

pytestmark = pytest.mark.django_db

API = "/api/v1"


def first_slug(client, path: str) -> str:
    return client.get(f"{API}/{path}/", {"page_size": 1}).json()["results"][0]["slug"]


def urls(client) -> dict[str, str]:
    """Every list, filtered and deep, and one record of each kind."""
    return {
        "kommuner": f"{API}/municipalities/",
        "kommuner, sida 3": f"{API}/municipalities/?page_size=2&page=3",
        "en kommun": f"{API}/municipalities/vaxjo/",
        "samarbeten": f"{API}/partnerships/",
        "samarbeten, sida 4": f"{API}/partnerships/?page_size=2&page=4",
        "samarbeten filtrerade": f"{API}/partnerships/?municipality=vaxjo&country=DK",
        "ett samarbete": f"{API}/partnerships/{first_slug(client, 'partnerships')}/",
        "projekt": f"{API}/projects/",
        "projekt, sida 6": f"{API}/projects/?page_size=2&page=6",
        "projekt filtrerade": f"{API}/projects/?municipality=vaxjo&country=DK&status=avslutat",
        "ett projekt": f"{API}/projects/{first_slug(client, 'projects')}/",
        "nätverk": f"{API}/networks/",
        "nätverk, sida 2": f"{API}/networks/?page_size=2&page=2",
        "ett nätverk": f"{API}/networks/sern/",
        "organisationer": f"{API}/organisations/",
        "organisationer, sida 3": f"{API}/organisations/?page_size=5&page=3",
        "organisationer filtrerade": f"{API}/organisations/?country=DK",
        "en organisation": f"{API}/organisations/{first_slug(client, 'organisations')}/",
    }


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(queries)


def test_every_list_page_and_record_costs_the_same_with_many_more_rows(
    client, django_assert_max_num_queries
):
    grow_published(1, tag="a")
    addresses = urls(client)
    baseline = {name: count_queries(client, url) for name, url in addresses.items()}
    grow_published(10, tag="b")
    for name, url in addresses.items():
        with django_assert_max_num_queries(baseline[name], info=name):
            assert client.get(url).status_code == 200
    assert client.get(f"{API}/projects/").json()["count"] > 200


def all_pages(client, path: str, page_size: int) -> list[str]:
    slugs, page = [], 1
    while True:
        separator = "&" if "?" in path else "?"
        data = client.get(f"{API}/{path}{separator}page_size={page_size}&page={page}").json()
        slugs += [item["slug"] for item in data["results"]]
        if data["next"] is None:
            return slugs
        page += 1


def test_deep_pages_follow_the_list_order_where_many_projects_share_a_date_and_title(client):
    """The project list reads a page's keys along its index (date, title, id) and orders
    rows of the same date and title by slug, as the list does: groups of ties that span the
    pages' edges, a group longer than a page and projects without a date."""
    spring = datetime.date(2019, 3, 1)
    batch = []
    for number, slug in enumerate(["zeta", "alfa", "mu", "beta", "omega", "kappa", "delta"]):
        batch.append(make_project(title="Samma titel", slug=f"samma-{slug}", start_date=spring))
        batch.append(make_project(title="Lång rad", slug=f"rad-{number:02}-{slug}"))
    for number in range(25):
        batch.append(make_project(title="Utan datum", slug=f"utan-datum-{(number * 7) % 25:02}"))
    for project in batch:
        project.is_published = True
        project.save()
    expected = list(
        Project.objects.published()
        .order_by("-start_date", "title", "slug")
        .values_list("slug", flat=True)
    )
    for page_size in (1, 3, 20):
        assert all_pages(client, "projects/", page_size) == expected, page_size
    in_vaxjo = list(
        Project.objects.published()
        .involving(municipality("vaxjo"))
        .order_by("-start_date", "title", "slug")
        .values_list("slug", flat=True)
    )
    assert all_pages(client, "projects/?municipality=vaxjo", 3) == in_vaxjo


def test_a_page_past_the_end_still_says_how_many_there_are(client):
    count = Project.objects.published().count()
    pages = (count + 9) // 10
    last = client.get(f"{API}/projects/", {"page_size": 10, "page": pages}).json()
    assert len(last["results"]) == count - (pages - 1) * 10
    assert last["next"] is None
    response = client.get(f"{API}/projects/", {"page_size": 10, "page": pages + 1})
    assert response.status_code == 404
    assert response.json() == {"detail": f"Sidan {pages + 1} finns inte; det finns {pages} sidor."}


def test_the_organisations_list_keeps_the_rule_of_the_selectors(client):
    grow_published(1, tag="a")
    Organisation.objects.create(
        name="Ingenstans", slug="ingenstans", kind="kommun", country_id="DK"
    )
    assert set(public_organisations()) == set(selectors.public_organisations())
    assert "ingenstans" not in set(all_pages(client, "organisations/", page_size=100))
