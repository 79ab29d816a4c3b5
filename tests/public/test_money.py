"""From partnership to money: a partnership's page adds up its projects' grants by funding
source and currency, and a municipality's page opens with a summary line computed from the
data, never typed."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.models import Partnership
from portal.formatting import format_money_rounded
from portal.models import FundingSource
from projects.models import Programme
from tests.factories import make_project

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def summary_line(client, slug: str) -> str:
    html = client.get(f"/kommuner/{slug}/").content.decode()
    start = html.index('<p class="summary-line">') + len('<p class="summary-line">')
    return html[start : html.index("</p>", start)]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("37500", f"37{NBSP}500 EUR"),
        ("999999", f"999{NBSP}999 EUR"),
        ("1000000", f"1{NBSP}miljon EUR"),
        ("1049999", f"1{NBSP}miljon EUR"),
        ("1200000", f"1,2{NBSP}miljoner EUR"),
        ("1250000", f"1,3{NBSP}miljoner EUR"),
        ("3000000", f"3{NBSP}miljoner EUR"),
        ("2549999999", f"2,5{NBSP}miljarder EUR"),
    ],
)
def test_money_in_a_summary_is_rounded_the_swedish_way(amount, expected):
    assert format_money_rounded(Decimal(amount), "EUR") == expected


def test_the_summary_lines_of_the_seed_municipalities(client):
    assert summary_line(client, "vaxjo") == (
        f"3 kommunala partnerskap, 20 projekt; 3{NBSP}miljoner SEK i beviljade EU-medel."
    )
    assert summary_line(client, "trollhattan") == "1 vänort, 1 annat samarbete, 5 nätverk."
    assert summary_line(client, "kristianstad") == (
        f"1 projekt; 37{NBSP}500 EUR i beviljade EU-medel."
    )


def test_the_summary_follows_the_data(client):
    Partnership.objects.filter(slug="vaxjo-an-giang").update(is_published=False)
    make_project(
        title="Nytt EU-projekt",
        is_published=True,
        programme=Programme.objects.get(slug="interreg-europe"),
        grant_amount=Decimal("1200000"),
        grant_currency="EUR",
    ).save()
    make_project(
        title="Utkast med EU-pengar",
        programme=Programme.objects.get(slug="interreg-europe"),
        grant_amount=Decimal("9000000"),
        grant_currency="EUR",
    ).save()

    line = summary_line(client, "vaxjo")

    assert line.startswith("2 kommunala partnerskap, ")
    assert f"1,2{NBSP}miljoner EUR" in line and f"3{NBSP}miljoner SEK" in line
    assert "9" + NBSP + "miljoner" not in line


def test_a_partnership_adds_up_its_projects_grants_by_source_and_currency(client):
    partnership = Partnership.objects.get(slug="vaxjo-an-giang")
    icld = Programme.objects.get(slug="icld-kommunala-partnerskap")
    sida, eu = (FundingSource.objects.get(slug=slug) for slug in ("sida-icld", "eu-medel"))
    for title, grant, currency, programme, own_sources, published in [
        ("Vatten", "500000", "SEK", icld, [], True),
        ("Avlopp", "250000", "SEK", icld, [], True),
        ("Utan program, en källa", "100000", "EUR", None, [eu], True),
        ("Utan program, två källor", "40000", "EUR", None, [eu, sida], True),
        ("Opublicerat", "999000", "SEK", icld, [], False),
    ]:
        project = make_project(
            title=title,
            partnership=partnership,
            programme=programme,
            grant_amount=Decimal(grant),
            grant_currency=currency,
            is_published=published,
        )
        project.save()
        project.funding_sources.set(own_sources)

    response = client.get(f"/samarbeten/{partnership.slug}/")

    rows = [
        (total.source.name if total.source else None, total.total_display, total.projects)
        for total in response.context["grant_totals"]
    ]
    assert rows == [
        ("Sida/ICLD", f"750{NBSP}000 SEK", 2),
        ("EU-medel", f"100{NBSP}000 EUR", 1),
        (None, f"40{NBSP}000 EUR", 1),
    ]
    html = response.content.decode()
    assert "Pengar till projekten" in html and "Finansiering ej angiven" in html
    assert f'beviljat <span class="nowrap">500{NBSP}000 SEK</span>' in html
    assert "999" + NBSP + "000" not in html


def test_the_money_costs_the_same_queries_with_more_projects(client):
    partnership = Partnership.objects.get(slug="vaxjo-an-giang")
    icld = Programme.objects.get(slug="icld-kommunala-partnerskap")

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    paths = [f"/samarbeten/{partnership.slug}/", "/kommuner/vaxjo/"]
    before = [queries(path) for path in paths]
    for number in range(15):
        make_project(
            title=f"Projekt {number}",
            partnership=partnership,
            programme=icld,
            grant_amount=Decimal(1000 * number),
            grant_currency="SEK" if number % 2 else "EUR",
            is_published=True,
        ).save()
    assert [queries(path) for path in paths] == before
