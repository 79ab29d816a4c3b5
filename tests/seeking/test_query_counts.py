"""The partner-request pages cost a fixed number of SQL queries: ten times more requests
(with themes, countries, regions and contacts) and more cooperation to suggest cost nothing more."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Person
from portal.models import Municipality
from seeking.models import SoughtKind
from tests.seeking.factories import cooperation, foreign_organisation, make_partner_request, project

pytestmark = pytest.mark.django_db

MAX_QUERIES = 25


def grow(factor: int, tag: str) -> None:
    vaxjo = Municipality.objects.get(slug="vaxjo")
    for i in range(factor * 5):
        person = Person.objects.create(name=f"Kontakt {tag}{i}", slug=f"kontakt-{tag}{i}")
        make_partner_request(
            title=f"Sökning {tag}{i}",
            slug=f"sokning-{tag}{i}",
            municipality=vaxjo,
            countries=["KE", "TZ"],
            regions=["norden", "ovriga_europa"],
            themes=["kultur", "energi"],
            contact=person,
        )
        make_partner_request(
            title=f"Från utlandet {tag}{i}",
            slug=f"utlandet-{tag}{i}",
            kind=SoughtKind.PROJECT_PARTNER,
            organisation=foreign_organisation("KE", f"Kisumu {tag}{i}"),
            themes=["kultur"],
        )
        cooperation("kristianstad", country="KE", themes=["kultur"])
        project("nacka", participant_country="TZ", themes=["energi"])


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_each_page_costs_the_same_with_ten_times_the_requests(client):
    grow(1, "a")
    pages = {
        "list": "/soker-partner/",
        "filtered": "/soker-partner/?kind=vanort&country=KE&region=ovriga_varlden&theme=kultur&q=s",
        "detail": "/soker-partner/sokning-a0/",
        "from abroad": "/soker-partner/utlandet-a0/",
        "municipality": "/kommuner/vaxjo/",
        "search": "/sok/?q=s%C3%B6kning",
        "feed": "/flode/soker-partner/",
        "sitemap": "/sitemap.xml",
        "sitemap file": "/sitemap-soker-partner.xml",
    }
    baseline = {name: count_queries(client, url) for name, url in pages.items()}
    grow(10, "b")
    grown = {name: count_queries(client, url) for name, url in pages.items()}
    assert grown == baseline
    assert max(grown.values()) <= MAX_QUERIES, grown
    print(grown)
