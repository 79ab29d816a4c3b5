"""Every public page costs a fixed number of SQL queries, with the seeds and with ten times
more rows (built here): nothing is fetched per partnership, project, member or story."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Organisation, Person
from networks.models import Membership, MembershipRole, Network
from partnerships.models import Partnership, PartnershipParty
from portal.models import Country, Municipality, Theme
from projects.models import Project, ProjectParticipant, Story

pytestmark = pytest.mark.django_db

PAGES = {
    "start": "/",
    "kommuner": "/kommuner/",
    "kommun": "/kommuner/vaxjo/",
    "samarbeten": "/samarbeten/",
    "samarbeten filtrerade": "/samarbeten/?kind=kommunalt_partnerskap&status=pagaende",
    "samarbete": "/samarbeten/vaxjo-jb-marks/",
    "projekt": "/projekt/",
    "projekt filtrerade": "/projekt/?status=avslutat&year_from=2010&year_to=2020&q=projekt",
    "projekt sida 2": "/projekt/?page=2",
    "ett projekt": "/projekt/an-giang-avfallsplanering-och-avfallskommunikation/",
    "nätverk": "/natverk/",
    "ett nätverk": "/natverk/sern/",
    "berättelser": "/berattelser/",
    "begrepp": "/om/begrepp/",
    "tillgänglighet": "/om/tillganglighet/",
    "sök": "/sok/?q=a",
    "sitemap": "/sitemap.xml",
    "sitemap sidor": "/sitemap-sidor.xml",
    "sitemap kommuner": "/sitemap-kommuner.xml",
    "sitemap samarbeten": "/sitemap-samarbeten.xml",
    "sitemap projekt": "/sitemap-projekt.xml",
    "sitemap nätverk": "/sitemap-natverk.xml",
}
MAX_QUERIES = 25


def grow(factor: int, tag: str) -> None:
    """Add about `factor` times the seed's rows, all published so the pages list them:
    partnerships, projects, stories, members."""
    vaxjo = Municipality.objects.get(slug="vaxjo")
    sern = Network.objects.get(slug="sern")
    countries = list(Country.objects.filter(code__in=["DK", "KE", "VN", "XK", "US"]))
    themes = list(Theme.objects.all()[:3])
    person = Person.objects.create(
        name="Extra Person", slug=f"extra-person-{tag}", email="x@example.se"
    )
    vaxjo.contacts.add(person)
    for i in range(factor * 10):
        partner = Organisation.objects.create(
            name=f"Partnerstad {tag}{i}",
            slug=f"partnerstad-{tag}{i}",
            kind="kommun",
            country=countries[i % len(countries)],
        )
        partnership = Partnership.objects.create(
            name=f"Partnerstad {tag}{i}",
            slug=f"vaxjo-partnerstad-{tag}{i}",
            municipality=vaxjo,
            kind=["vanort", "kommunalt_partnerskap", "annat_samarbete"][i % 3],
            start_date=datetime.date(2000 + i % 20, 1, 1),
            start_precision="year",
            is_published=True,
        )
        PartnershipParty.objects.create(partnership=partnership, organisation=partner)
        partnership.themes.set(themes)
        partnership.contacts.add(person)
        for j in range(2):
            project = Project.objects.create(
                title=f"Projekt {tag}{i}-{j}",
                slug=f"projekt-{tag}{i}-{j}",
                municipality=vaxjo,
                partnership=partnership if j else None,
                start_date=datetime.date(2010 + j, 1, 1),
                start_precision="year",
                end_date=datetime.date(2012 + j * 20, 12, 31),
                end_precision="year",
                is_published=True,
            )
            ProjectParticipant.objects.create(project=project, organisation=partner)
            project.partner_countries.set(countries[:2])
            project.themes.set(themes)
            project.contacts.add(person)
        Story.objects.create(
            title=f"Berättelse {tag}{i}",
            slug=f"berattelse-{tag}{i}",
            municipality=vaxjo,
            teaser="Text",
            partner=partner,
            is_published=True,
        )
    members = Municipality.objects.exclude(slug="vaxjo").exclude(memberships__network=sern)
    for i, municipality in enumerate(members.order_by("scb_code")[: factor * 5]):
        municipality.is_published = True
        municipality.save(update_fields=["is_published"])
        membership = Membership.objects.create(
            municipality=municipality, network=sern, since_year=2010
        )
        MembershipRole.objects.create(membership=membership, title=f"Roll {tag}{i}")
        network = Network.objects.create(
            name=f"Nätverk {tag}{i}", slug=f"natverk-{tag}{i}", is_published=True
        )
        Membership.objects.create(municipality=vaxjo, network=network, since_year=2000 + i % 20)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_page_query_budget(client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES, info=url):
        client.get(url)


def test_each_page_costs_the_same_with_ten_times_the_rows(client):
    """A page whose lists are empty skips their prefetches, so the baseline is the seeds plus
    one extra row of every kind; ten times more rows must then cost nothing more."""
    grow(1, tag="a")
    baseline = {name: count_queries(client, url) for name, url in PAGES.items()}
    grow(10, tag="b")
    assert Project.objects.filter(municipality__slug="vaxjo").count() >= 10 * 20
    grown = {name: count_queries(client, url) for name, url in PAGES.items()}
    assert grown == baseline
    assert max(grown.values()) <= MAX_QUERIES
