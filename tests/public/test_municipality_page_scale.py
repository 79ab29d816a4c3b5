"""A municipality with many projects of its own: its page lists a bounded number of them,
says how many there are and links to the rest, and costs the same queries as with a few."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from portal.models import Municipality
from public.selectors import PROJECTS_SHOWN
from tests.factories import make_project

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
#: One period of each status group, as (start, end).
PERIODS = {
    "ongoing": (datetime.date(TODAY.year - 1, 1, 1), datetime.date(TODAY.year + 1, 12, 31)),
    "planned": (datetime.date(TODAY.year + 2, 1, 1), datetime.date(TODAY.year + 3, 12, 31)),
    "finished": (datetime.date(2001, 1, 1), datetime.date(2002, 12, 31)),
    "unknown": (None, None),
}


def add_projects(municipality, count: int, first: int = 0) -> None:
    """`count` published projects of the municipality's own, spread over the status groups."""
    groups = list(PERIODS)
    for number in range(first, first + count):
        start, end = PERIODS[groups[number % len(groups)]]
        make_project(
            title=f"Mängdprojekt {number:03d}",
            slug=f"mangdprojekt-{municipality.slug}-{number}",
            municipality=municipality,
            start_date=start,
            end_date=end,
            is_published=True,
        ).save()


def get_page(client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_municipality_with_many_projects_lists_a_bounded_number_and_links_to_the_rest(client):
    ale = Municipality.objects.get(slug="ale")
    assert not ale.projects.exists()
    add_projects(ale, 8)
    html, few_queries = get_page(client, "/kommuner/ale/")
    assert strip_tags(html).count("Mängdprojekt") == 8
    assert "Här visas" not in html

    add_projects(ale, 52, first=8)
    html, many_queries = get_page(client, "/kommuner/ale/")
    assert many_queries == few_queries
    text = strip_tags(html)
    assert "60 projekt" in text  # the summary line counts them all
    assert html.count('<li class="card">') == 4 * PROJECTS_SHOWN
    assert text.count("Mängdprojekt") == 4 * PROJECTS_SHOWN
    for heading, status in [
        ("pågående projekt", "pagaende"),
        ("planerade projekt", "planerat"),
        ("avslutade projekt", "avslutat"),
    ]:
        assert f"Här visas {PROJECTS_SHOWN} av 15. Se alla {heading} i Ale" in text
        assert f'href="/projekt/?municipality=ale&amp;status={status}"' in html
    assert "Se alla projekt i Ale i projektlistan" in text
    assert 'href="/projekt/?municipality=ale"' in html
    # The newest of each group come first: the last made, by title, are not shown.
    assert "Mängdprojekt 000" in text
    assert "Mängdprojekt 056" not in text

    listed = client.get("/projekt/", {"municipality": "ale"})
    assert listed.context["paginator"].count == 60
