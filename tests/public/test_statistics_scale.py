"""/statistik/ at scale: a fixed number of queries however many records and shared parties
there are, and the figures still those of the one "involving" rule (portal.parties) that the
page now tests record by record instead of listing every record of every municipality."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import Organisation
from partnerships.models import Partnership, PartnershipParty
from portal.models import Country, County, Municipality
from projects.models import Project, ProjectParticipant
from public.selectors import public_municipalities
from stats.statistics import IsOneOf, compute_statistics, current_memberships, other_projects
from tests.public.test_statistics import grow

pytestmark = pytest.mark.django_db

URL = "/statistik/"
MAX_QUERIES = 14


def own_organisation(municipality: Municipality) -> Organisation:
    """The Swedish municipality or region itself as an organisation: a Swedish party."""
    return Organisation.objects.create(
        name=f"{municipality.name} (part)",
        slug=f"part-{municipality.slug}",
        kind="region" if municipality.kind == "region" else "kommun",
        country=Country.objects.get(code="SE"),
        municipality=municipality,
    )


def share_records(county: County, elsewhere: County, tag: str) -> None:
    """Records owned outside `county` with its municipalities as Swedish parties: confirmed,
    awaiting confirmation, and (partnerships) ended, so each half of the rule is exercised."""
    inside = list(Municipality.objects.filter(county=county).order_by("pk")[:3])
    owners = list(Municipality.objects.filter(county=elsewhere).order_by("pk")[:3])
    this_year = timezone.localdate().year
    for i, (party, owner) in enumerate(zip(inside, owners, strict=True)):
        organisation = Organisation.objects.filter(
            municipality=party, country="SE", kind__in=["kommun", "region"]
        ).first() or own_organisation(party)
        for j, (awaiting, until_year) in enumerate(
            [(False, None), (True, None), (False, this_year - 1)]
        ):
            shared = Partnership.objects.create(
                name=f"Delad {tag}{i}{j}",
                slug=f"delad-{tag}-{i}-{j}",
                kind=["vanort", "kommunalt_partnerskap", "annat_samarbete"][(i + j) % 3],
                municipality=owner,
                start_date=datetime.date(2000 + i, 1, 1),
                is_published=True,
            )
            PartnershipParty.objects.create(
                partnership=shared,
                organisation=organisation,
                awaiting_confirmation=awaiting,
                until_year=until_year,
            )
            project = Project.objects.create(
                title=f"Delat projekt {tag}{i}{j}",
                slug=f"delat-projekt-{tag}-{i}-{j}",
                municipality=owner,
                start_date=datetime.date(this_year - 1, 1, 1),
                end_date=datetime.date(this_year + 1, 12, 31),
                is_published=True,
            )
            ProjectParticipant.objects.create(
                project=project, organisation=organisation, awaiting_confirmation=awaiting
            )


@pytest.fixture
def counties():
    """Two counties with published municipalities and records shared between them."""
    county, elsewhere = County.objects.order_by("code")[:2]
    Municipality.objects.filter(county__in=[county, elsewhere]).update(is_published=True)
    share_records(county, elsewhere, "a")
    return county, elsewhere


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_the_page_costs_the_same_few_queries_with_many_more_records(
    client, counties, django_assert_max_num_queries
):
    county, elsewhere = counties
    urls = [
        URL,
        f"{URL}?county={county.code}",
        f"{URL}?kind=kommun",
        f"{URL}?kind=region",
        f"{URL}?group=C8",
        f"{URL}?county={county.code}&kind=kommun&group=C8",
    ]
    for url in urls:
        with django_assert_max_num_queries(MAX_QUERIES, info=url):
            client.get(url)
    baseline = [count_queries(client, url) for url in urls]
    grow(county, 20, "b")
    grow(elsewhere, 20, "c")
    share_records(elsewhere, county, "d")
    assert Partnership.objects.count() >= 400
    assert [count_queries(client, url) for url in urls] == baseline


def test_the_figures_count_what_the_involving_rule_finds(counties):
    """Every record owned by the selected municipalities or with one of them as a confirmed
    party that has not ended, once: what `involving()` (portal.parties) finds."""
    county, elsewhere = counties
    grow(county, 2, "e")
    on = timezone.localdate()
    for municipalities in (
        public_municipalities(),
        public_municipalities().filter(county=county),
        public_municipalities().filter(county=elsewhere, kind="kommun"),
        Municipality.objects.none(),
    ):
        stats = compute_statistics(municipalities, on=on)
        live = Partnership.objects.published().live(on).involving(municipalities)
        projects = other_projects(on).involving(municipalities).count()
        memberships = current_memberships(on).filter(municipality__in=municipalities).count()
        figures = {row["label"]: row["live"] for row in stats.key_figures}
        assert figures["Aktuella vänorter"] == str(live.filter(kind="vanort").count())
        assert figures["Aktuella kommunala partnerskap"] == str(
            live.filter(kind="kommunalt_partnerskap").count()
        )
        assert figures["varav andra samarbetsavtal"] == str(
            live.filter(kind="annat_samarbete").count()
        )
        assert figures["varav projekt utanför vänorter och partnerskap"] == str(projects)
        assert figures["varav medlemskap i nätverk"] == str(memberships)
        decades = sum(int(note) for row in stats.decades.rows for _, note in row.notes)
        assert decades == Partnership.objects.published().involving(municipalities).count()


def test_a_party_counts_for_its_county_once_confirmed_and_while_it_takes_part(counties):
    county, _ = counties
    municipalities = public_municipalities().filter(county=county)

    def shared_figures():
        figures = {
            row["label"]: int(row["live"])
            for row in compute_statistics(municipalities).key_figures
            if row["label"] != "Länder med vänorter eller kommunala partnerskap"
        }
        return figures["varav andra samarbetsavtal"] + figures["Aktuella vänorter"] + figures[
            "Aktuella kommunala partnerskap"
        ], figures["varav projekt utanför vänorter och partnerskap"]

    partnerships, projects = shared_figures()
    shared_parties = PartnershipParty.objects.filter(partnership__slug__startswith="delad-a-")
    shared_participants = ProjectParticipant.objects.filter(project__slug__startswith="delat-")
    assert shared_parties.filter(awaiting_confirmation=True).update(awaiting_confirmation=False)
    assert shared_participants.update(awaiting_confirmation=False)
    assert shared_figures() == (partnerships + 3, projects + 3)
    assert shared_parties.exclude(until_year=None).update(until_year=None) == 3
    assert shared_figures() == (partnerships + 6, projects + 3)


@pytest.mark.parametrize("ids", [[], [1], [1, 2, 3]])
def test_is_one_of_matches_like_in(ids):
    chosen = Municipality.objects.filter(IsOneOf(F("pk"), ids))
    assert set(chosen) == set(Municipality.objects.filter(pk__in=ids))
