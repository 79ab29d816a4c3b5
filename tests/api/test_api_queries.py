"""Every API answer costs a fixed number of SQL queries: a full page of 100 costs the same
with ten times the rows, so nothing is fetched per record."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from networks.models import Network
from partnerships.models import Partnership
from projects.models import Project
from tests.public.test_query_counts import grow

pytestmark = pytest.mark.django_db

API = "/api/v1"
URLS = {
    "kommuner": f"{API}/municipalities/?page_size=100",
    "kommun": f"{API}/municipalities/vaxjo/",
    "samarbeten": f"{API}/partnerships/?page_size=100",
    "samarbeten filtrerade": f"{API}/partnerships/?page_size=100&municipality=vaxjo&status=pagaende",
    "samarbete": f"{API}/partnerships/vaxjo-jb-marks/",
    "projekt": f"{API}/projects/?page_size=100",
    "projekt filtrerade": f"{API}/projects/?page_size=100&year_from=2010&q=projekt&status=avslutat",
    "projekt sida 2": f"{API}/projects/?page_size=20&page=2",
    "ett projekt": f"{API}/projects/an-giang-avfallsplanering-och-avfallskommunikation/",
    "nätverk": f"{API}/networks/?page_size=100",
    "ett nätverk": f"{API}/networks/sern/",
    "organisationer": f"{API}/organisations/?page_size=100",
    "en organisation": f"{API}/organisations/jb-marks/",
}
MAX_QUERIES = 15


def grow_published(factor: int, tag: str) -> None:
    """The public pages' `grow`, with its partnerships, projects and networks published
    (it makes drafts), so that the API lists them."""
    grow(factor, tag)
    for model in (Partnership, Project, Network):
        model.objects.update(is_published=True)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(queries)


@pytest.mark.parametrize("url", URLS.values(), ids=URLS.keys())
def test_api_query_budget(client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES, info=url):
        response = client.get(url)
    assert response.status_code == 200


def test_each_answer_costs_the_same_with_ten_times_the_rows(client):
    grow_published(1, tag="a")
    baseline = {name: count_queries(client, url) for name, url in URLS.items()}
    grow_published(10, tag="b")
    grown = {name: count_queries(client, url) for name, url in URLS.items()}
    assert client.get(URLS["projekt"]).json()["count"] > 200
    assert client.get(URLS["samarbeten"]).json()["count"] > 100
    assert client.get(URLS["organisationer"]).json()["count"] > 100
    assert len(client.get(URLS["ett nätverk"]).json()["memberships"]) > 50
    assert grown == baseline
    print(grown)
