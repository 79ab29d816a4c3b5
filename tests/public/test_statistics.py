"""/statistik/: live figures counted from published content, beside SKL's 2018 survey, with
the numbers of every chart in a table, a county, kind and municipality group filter, and a
fixed query count."""

import datetime
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Organisation
from networks.models import Membership, Network
from partnerships.models import Partnership, PartnershipParty
from portal.models import Country, County, FundingSource, Municipality, SurveyFigure, Theme
from projects.models import Programme, Project
from tests.factories import (
    admin_url,
    make_membership,
    make_network,
    make_organisation,
    make_partnership,
    make_project,
)

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
URL = "/statistik/"


def pct(number) -> str:
    return f"{number}{NBSP}%"


class Tables(HTMLParser):
    """Every <table> of a page by its caption, as rows of cell texts."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.caption = None
        self.rows: list[list[str]] | None = None
        self.cell: list[str] | None = None
        self.in_caption = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.rows, self.caption = [], ""
        elif tag == "caption":
            self.in_caption = True
        elif tag == "tr" and self.rows is not None:
            self.rows.append([])
        elif tag in ("th", "td") and self.rows is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self.in_caption = False
        elif tag in ("th", "td") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.tables[self.caption.strip()] = self.rows
            self.rows = None

    def handle_data(self, data):
        if self.in_caption:
            self.caption += data
        elif self.cell is not None:
            self.cell.append(data)


def table(response, caption: str) -> dict[str, list[str]]:
    """A table's body rows by their first cell; the header row is left out."""
    tables = Tables(response.content.decode()).tables
    assert caption in tables, f"no table {caption!r}; there are {sorted(tables)}"
    rows = tables[caption]
    return {row[0]: row[1:] for row in rows[1:]}


def empty_county() -> County:
    """A county where no municipality is published in the seeds, so the test owns it."""
    county = County.objects.exclude(municipality__is_published=True).order_by("code").first()
    assert county is not None
    return county


def partnership(municipality, country, *, start, kind="vanort", end=None, **fields):
    created = make_partnership(
        municipality=municipality,
        kind=kind,
        start_date=datetime.date(start, 1, 1),
        end_date=datetime.date(end, 12, 31) if end else None,
        is_published=fields.pop("is_published", True),
        **fields,
    )
    created.save()
    PartnershipParty.objects.create(
        partnership=created,
        organisation=make_organisation(country=Country.objects.get(code=country)),
    )
    return created


@pytest.fixture
def county():
    """Four published kommuner and the region in one county, with partnerships of every kind,
    an ended one, a draft, and a kommun with nothing published (no page), whose draft must
    not count."""
    county = empty_county()
    kommuner = list(Municipality.objects.filter(county=county, kind="kommun").order_by("scb_code"))
    a, b, c, d, without_page = kommuner[:5]
    region, _ = Municipality.objects.get_or_create(
        county=county,
        kind="region",
        defaults={"name": "Region Test", "short_name": "Test", "slug": "region-test"},
        scb_code=county.code,
    )
    for municipality in (a, b, c, d, region):
        municipality.is_published = True
        municipality.save(update_fields=["is_published"])
    theme = {slug: Theme.objects.get(slug=slug) for slug in ("kultur", "avfall", "turism")}
    funding = {fs.slug: fs for fs in FundingSource.objects.all()}

    partnership(a, "DK", start=1995, activity_level="aktiv").themes.add(theme["kultur"])
    kp = partnership(a, "KE", start=2012, kind="kommunalt_partnerskap", activity_level="aktiv")
    kp.funding_sources.add(funding["sida-icld"], funding["egna-medel"])
    partnership(b, "NO", start=1972, activity_level="vilande").themes.add(theme["avfall"])
    partnership(b, "FI", start=1980, end=2000)  # ended
    other = partnership(c, "DE", start=2015, kind="annat_samarbete", activity_level="sporadisk")
    other.funding_sources.add(funding["eu-medel"])
    partnership(region, "CN", start=2019)
    draft = partnership(a, "US", start=2001, activity_level="vilande", is_published=False)
    draft.themes.add(theme["turism"])
    partnership(
        without_page, "US", start=2001, activity_level="aktiv", is_published=False
    ).themes.add(theme["turism"])
    return county


def test_the_page_is_in_the_menu_and_the_sitemap(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/statistik/" aria-current="page">Statistik</a>' in html
    assert "<h1>Statistik</h1>" in html
    assert "/statistik/" in client.get("/sitemap-sidor.xml").content.decode()


def test_key_figures_count_only_published_live_partnerships(client, county):
    response = client.get(URL, {"county": county.code})
    rows = table(
        response, "Aktuella samarbeten och länder i portalen och i SKL:s enkät 2018 (hela riket)"
    )
    assert rows["Aktuella vänorter"] == ["3", "483"]  # not the ended one, the draft, E's
    assert rows["Aktuella kommunala partnerskap"] == ["1", "55"]
    assert rows["Aktuella andra samarbeten"] == ["1", "216"]
    assert rows["varav andra samarbetsavtal"] == ["1", "–"]
    assert rows["varav projekt utanför vänorter och partnerskap"] == ["0", "–"]
    assert rows["varav medlemskap i nätverk"] == ["0", "–"]
    assert rows["Länder med vänorter eller kommunala partnerskap"] == ["4", "55"]
    assert "Urval: Publicerade kommuner och regioner i " + county.name + ", 5 kommuner" in (
        " ".join(response.content.decode().replace("<strong>", "").replace("</strong>", "").split())
    )


def test_municipalities_with_each_kind_beside_the_survey(client, county):
    response = client.get(URL, {"county": county.code})
    rows = table(response, "Tabell: Andel kommuner och regioner med varje samarbetsform")
    assert rows["Vänort"] == [pct(60), "–", "3 av 5", "–"]
    assert rows["Kommunalt partnerskap"] == [pct(20), "–", "1 av 5", "–"]
    assert rows["Vänort eller kommunalt partnerskap"] == [pct(60), pct(69), "3 av 5", "146 av 213"]
    assert rows["Annat samarbete"] == [pct(20), pct(38), "1 av 5", "80 av 213"]
    assert rows["Någon av formerna"] == [pct(80), pct(81), "4 av 5", "173 av 213"]


def test_the_kind_filter_picks_the_survey_figures_of_the_same_respondents(client, county):
    kommuner = client.get(URL, {"county": county.code, "kind": "kommun"})
    rows = table(kommuner, "Tabell: Andel kommuner och regioner med varje samarbetsform")
    assert rows["Vänort"] == [pct(50), "–", "2 av 4", "–"]
    key = table(
        kommuner, "Aktuella samarbeten och länder i portalen och i SKL:s enkät 2018 (kommuner)"
    )
    assert key["Aktuella vänorter"] == ["2", "474"]

    regions = client.get(URL, {"county": county.code, "kind": "region"})
    rows = table(regions, "Tabell: Andel kommuner och regioner med varje samarbetsform")
    assert rows["Vänort eller kommunalt partnerskap"] == [pct(100), pct(46), "1 av 1", "6 av 13"]
    assert rows["Någon av formerna"] == [pct(100), pct(85), "1 av 1", "11 av 13"]


def test_activity_levels_are_shares_of_live_partnerships(client, county):
    response = client.get(URL, {"county": county.code})
    twin_towns = table(response, "Tabell: Aktivitetsgrad, vänorter")
    assert twin_towns == {
        "Aktiv": [pct(33), pct(36), "1"],
        "Sporadisk": [pct(0), pct(28), "0"],
        "Vilande": [pct(33), pct(32), "1"],
        "Ingen uppgift": [pct(33), "–", "1"],
    }
    partnerships = table(response, "Tabell: Aktivitetsgrad, kommunala partnerskap")
    assert partnerships["Aktiv"] == [pct(100), pct(80), "1"]
    other = table(response, "Tabell: Aktivitetsgrad, andra samarbeten")
    assert other["Sporadisk"] == [pct(100), pct(13), "1"]


def test_partner_countries_by_world_region(client, county):
    response = client.get(URL, {"county": county.code})
    regions = table(response, "Tabell: Vänorter och kommunala partnerskap per världsdel")
    assert regions == {
        "Norden": [pct(50), pct(40), "2", "198"],
        "Övriga Europa": [pct(0), pct(41), "0", "205"],
        "Övriga världen": [pct(50), pct(19), "2", "93"],
    }
    countries = table(
        response, "Länder med pågående vänorter eller kommunala partnerskap i portalen"
    )
    assert list(countries) == ["Danmark", "Norge", "Kenya", "Kina"]
    assert countries["Kenya"] == ["Övriga världen", "1"]


def test_cooperation_areas_are_shares_of_all_area_mentions(client, county):
    """The survey's area figures are shares of all answers (the most common is 16 %), so the
    live ones are too: each area's mentions over all mentions, summing to 100 %."""
    a = Partnership.objects.get(municipality__county=county, start_date__year=1995)
    a.themes.add(Theme.objects.get(slug="turism"), Theme.objects.get(slug="kommunal-teknik"))
    response = client.get(URL, {"county": county.code})
    areas = table(response, "Tabell: Samarbetsområden, vänorter och kommunala partnerskap")
    # Mentions: A's twin town kultur, turism, kommunal teknik; B's avfall (kommunal teknik).
    assert areas["Kultur"] == [pct(25), pct(16), "1"]
    assert areas["Turism"] == [pct(25), pct(8), "1"]  # the draft's and E's do not count
    assert areas["Kommunal teknik"] == [pct(50), "–", "2"]  # avfall belongs to it
    assert "Avfall" not in areas
    other = table(response, "Tabell: Samarbetsområden, andra samarbeten")
    assert other["Skola och utbildning"] == ["–", pct(12), "0"]  # no mentions at all
    html = " ".join(response.content.decode().split())
    assert "Varje områdes andel av alla 4 angivna samarbetsområden för pågående vänorter" in html


def test_a_cooperation_mentions_an_area_once_however_many_of_its_themes_fall_under_it(
    client, county
):
    b = Partnership.objects.get(municipality__county=county, start_date__year=1972)
    b.themes.add(Theme.objects.get(slug="kommunal-teknik"))  # beside avfall, below it
    areas = table(
        client.get(URL, {"county": county.code}),
        "Tabell: Samarbetsområden, vänorter och kommunala partnerskap",
    )
    assert areas["Kommunal teknik"] == [pct(50), "–", "1"]
    assert areas["Kultur"] == [pct(50), pct(16), "1"]


def test_funding_is_a_share_of_the_municipalities_with_that_kind(client, county):
    response = client.get(URL, {"county": county.code})
    partnerships = table(response, "Tabell: Finansiering, kommunala partnerskap")
    assert partnerships["Sida/ICLD"] == [pct(100), pct(76), "1", "–"]
    assert partnerships["Egna medel"] == [pct(100), pct(31), "1", "–"]
    other = table(response, "Tabell: Finansiering, andra samarbeten")
    assert other["EU-medel"] == [pct(100), pct(73), "1", "–"]
    assert other["Egna medel"] == [pct(0), pct(71), "0", "–"]


def test_funding_beside_the_regions_figures_when_the_filter_is_regions(client, county):
    """The survey gave the regions' funding as counts of the ten that answered."""
    response = client.get(URL, {"county": county.code, "kind": "region"})
    twin_towns = table(response, "Tabell: Finansiering, vänorter")
    assert twin_towns["Egna medel"] == [pct(0), pct(40), "0", "4 av 10"]
    assert "EU-medel" not in twin_towns  # the kommuner's 18 % is not the regions' figure
    other = table(response, "Tabell: Finansiering, andra samarbeten")
    assert other["Egna medel"] == ["–", pct(80), "0", "8 av 10"]
    assert other["EU-medel"] == ["–", pct(60), "0", "6 av 10"]
    html = response.content.decode()
    assert "bredvid andelen i SKL:s enkät 2018 (landsting och regioner)." in html

    kommuner = client.get(URL, {"county": county.code, "kind": "kommun"})
    twin_towns = table(kommuner, "Tabell: Finansiering, vänorter")
    assert twin_towns["Egna medel"] == [pct(0), pct(96), "0", "–"]


def other_cooperation(county):
    """Beside C's other agreement: D has an ongoing project on its own and A a current
    network membership; nothing else below may count as other cooperation."""
    kommuner = Municipality.objects.filter(county=county, kind="kommun", is_published=True)
    a, b, c, d = kommuner.order_by("scb_code")
    today = datetime.date.today()
    eu_programme = Programme.objects.filter(funding_source__slug="eu-medel").first()

    def project(municipality, *, start, end, **fields):
        created = make_project(
            municipality=municipality,
            start_date=datetime.date(start, 1, 1),
            end_date=datetime.date(end, 12, 31),
            is_published=fields.pop("is_published", True),
            **fields,
        )
        created.save()
        return created

    ongoing = project(d, start=today.year - 1, end=today.year + 1, programme=eu_programme)
    ongoing.themes.add(Theme.objects.get(slug="skola-och-utbildning"))
    ongoing.funding_sources.add(FundingSource.objects.get(slug="egna-medel"))
    kp = Partnership.objects.get(municipality=a, kind="kommunalt_partnerskap")
    within = project(b, start=today.year - 1, end=today.year + 1, partnership=kp)
    within.funding_sources.add(FundingSource.objects.get(slug="eu-medel"))
    project(b, start=today.year - 5, end=today.year - 1)  # ended
    project(b, start=today.year + 1, end=today.year + 2)  # planned
    project(b, start=today.year - 1, end=today.year + 1, is_published=False)
    make_membership(municipality=a, network=make_network(is_published=True)).save()
    make_membership(
        municipality=b, network=make_network(is_published=True), until_year=today.year - 1
    ).save()
    make_membership(municipality=b, network=make_network(is_published=False)).save()


def test_other_cooperation_counts_projects_outside_partnerships_and_networks(client, county):
    other_cooperation(county)
    response = client.get(URL, {"county": county.code})
    rows = table(response, "Tabell: Andel kommuner och regioner med varje samarbetsform")
    assert rows["Annat samarbete"] == [pct(60), pct(38), "3 av 5", "80 av 213"]  # A, C, D
    assert rows["Någon av formerna"] == [pct(100), pct(81), "5 av 5", "173 av 213"]
    key = table(
        response, "Aktuella samarbeten och länder i portalen och i SKL:s enkät 2018 (hela riket)"
    )
    assert key["Aktuella andra samarbeten"] == ["3", "216"]
    assert key["varav andra samarbetsavtal"] == ["1", "–"]
    assert key["varav projekt utanför vänorter och partnerskap"] == ["1", "–"]
    assert key["varav medlemskap i nätverk"] == ["1", "–"]
    assert key["Aktuella kommunala partnerskap"] == ["1", "55"]


def test_funding_and_areas_of_other_cooperation_include_projects(client, county):
    other_cooperation(county)
    response = client.get(URL, {"county": county.code})
    funding = table(response, "Tabell: Finansiering, andra samarbeten")
    # C's agreement (EU) and D's project (own money, and EU through its programme); A's
    # membership has no funding and is not in the base; B's project within the KP is the KP's.
    assert funding["EU-medel"] == [pct(100), pct(73), "2", "–"]
    assert funding["Egna medel"] == [pct(50), pct(71), "1", "–"]
    partnerships = table(response, "Tabell: Finansiering, kommunala partnerskap")
    assert "EU-medel" not in partnerships
    html = " ".join(response.content.decode().split())
    assert "Nätverk har ingen finansieringsform i portalen och räknas inte här." in html
    areas = table(response, "Tabell: Samarbetsområden, andra samarbeten")
    assert areas["Skola och utbildning"] == [pct(100), pct(12), "1"]


def test_activity_of_other_cooperation_says_it_counts_agreements_only(client, county):
    other_cooperation(county)
    html = " ".join(client.get(URL, {"county": county.code}).content.decode().split())
    assert (
        "Andel av 1 pågående annat samarbetsavtal i portalen som är aktiva, sporadiska och "
        "vilande, bredvid andelen i SKL:s enkät 2018. Bara samarbetsavtal: projekt och "
        "nätverk har ingen aktivitetsgrad i portalen."
    ) in html


def test_descriptions_count_one_in_the_singular(client, county):
    html = " ".join(client.get(URL, {"county": county.code}).content.decode().split())
    assert "Andel av 1 pågående kommunalt partnerskap i portalen" in html
    assert "Andel av 3 pågående vänorter i portalen" in html
    assert "Andel av 1 kommun eller region med pågående kommunala partnerskap" in html
    assert "1 pågående vänorter" not in html and "1 kommuner" not in html


def test_partnerships_started_per_decade_include_ended_ones(client, county):
    response = client.get(URL, {"county": county.code})
    decades = table(response, "Tabell: Samarbeten som startade per decennium")
    assert decades == {
        "1970-talet": ["1", "1", "0", "0"],
        "1980-talet": ["1", "1", "0", "0"],
        "1990-talet": ["1", "1", "0", "0"],
        "2000-talet": ["0", "0", "0", "0"],
        "2010-talet": ["3", "1", "1", "1"],
    }


def test_charts_are_accessible_svg_with_the_numbers_in_their_description(client, county):
    html = client.get(URL, {"county": county.code}).content.decode()
    charts = html.count('class="chart-svg"')
    assert charts == 1 + 3 + 1 + 2 + 3 + 1
    assert html.count('role="img" aria-labelledby=') == charts
    assert html.count("<title id=") == charts and html.count("<desc id=") == charts
    assert html.count("<caption>Tabell: ") == charts
    assert f"Aktiv – I portalen: 33{NBSP}%; SKL:s enkät 2018: 36{NBSP}%." in html, (
        "the description carries the numbers"
    )
    assert "<script" not in html.split("</head>")[1]  # readable without JavaScript
    assert ' style="' not in html  # the Content-Security-Policy allows no inline styles


def test_the_municipality_group_filter_counts_only_kommuner_with_that_group(client, county):
    kommuner = Municipality.objects.filter(county=county, kind="kommun", is_published=True)
    a, b, c, d = kommuner.order_by("scb_code")
    Municipality.objects.filter(pk__in=[a.pk, c.pk]).update(municipality_group="C8")
    Municipality.objects.filter(pk=b.pk).update(municipality_group="A2")

    response = client.get(URL, {"county": county.code, "group": "C8"})
    html = " ".join(response.content.decode().split())
    rows = table(response, "Tabell: Andel kommuner och regioner med varje samarbetsform")
    assert rows["Vänort"] == [pct(50), "–", "1 av 2", "–"]  # A's, not B's
    assert rows["Annat samarbete"] == [pct(50), pct(38), "1 av 2", "80 av 213"]  # C's
    assert "kommuner i kommungruppen Landsbygdskommun i " + county.name in html
    assert f"Kommungrupp är ifylld för 3 av 4 publicerade kommuner i {county.name}." in html
    assert 'aria-describedby="kommungrupp-ifylld"' in html

    everyone = " ".join(client.get(URL).content.decode().split())
    filled = Municipality.objects.published().filter(kind="kommun").exclude(municipality_group="")
    published = Municipality.objects.published().filter(kind="kommun")
    assert (
        f"Kommungrupp är ifylld för {filled.count()} av {published.count()} publicerade kommuner."
    ) in everyone


def test_no_municipality_has_a_group_until_it_is_loaded_from_skr(client):
    """Groups are not guessed: the seeds fill in none, and the page says so."""
    assert not Municipality.objects.exclude(municipality_group="").exists()
    published = Municipality.objects.published().filter(kind="kommun").count()
    html = " ".join(client.get(URL).content.decode().split())
    assert f"Kommungrupp är ifylld för 0 av {published} publicerade kommuner." in html
    response = client.get(URL, {"group": "A1"})
    assert "Ingen publicerad kommun eller region finns i urvalet." in response.content.decode()


def test_the_municipality_group_is_edited_in_the_admin(admin_client):
    vaxjo = Municipality.objects.get(slug="vaxjo")
    change = admin_client.get(admin_url(Municipality, "change", vaxjo.pk)).content.decode()
    assert 'name="municipality_group"' in change
    assert "Landsbygdskommun med besöksnäring" in change
    listing = admin_client.get(admin_url(Municipality, "changelist")).content.decode()
    assert "municipality_group__exact=B3" in listing


def test_the_scope_is_not_announced_as_a_live_region(client):
    html = client.get(URL).content.decode()
    assert '<p class="scope">' in html
    assert 'role="status"' not in html


def test_a_bad_county_is_reported_in_swedish_and_the_rest_still_applies(client, county):
    response = client.get(URL, {"county": "99", "kind": "kommun"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="field-error" id="id_county-fel">Det länet finns inte.' in html
    assert 'aria-invalid="true" aria-describedby="id_county-fel"' in html
    published_kommuner = Municipality.objects.published().filter(kind="kommun").count()
    assert f"i hela landet, {published_kommuner} kommuner" in " ".join(html.split())


@pytest.mark.parametrize(
    "params",
    [
        {"county": "\x00"},
        {"county": "x" * 5000},
        {"county": ["07", "08"]},
        {"kind": "stad"},
        {"kind": "\x00"},
        {"group": "X9"},
        {"group": ["A1", "B3"]},
        {"county": "07", "okand": "1"},
    ],
)
def test_bad_input_never_fails(client, params):
    response = client.get(URL, params)
    assert response.status_code == 200


def test_an_empty_selection_says_so(client):
    response = client.get(URL, {"county": empty_county().code})
    html = response.content.decode()
    assert "Ingen publicerad kommun eller region finns i urvalet." in html
    assert table(response, "Tabell: Aktivitetsgrad, vänorter")["Aktiv"] == ["–", pct(36), "0"]


def test_without_the_survey_the_live_figures_still_show(client, county):
    SurveyFigure.objects.all().delete()
    response = client.get(URL, {"county": county.code})
    rows = table(response, "Tabell: Aktivitetsgrad, vänorter")
    assert rows["Aktiv"] == [pct(33), "–", "1"]


def test_the_cached_page_follows_new_content(client, county, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 3600
    caption = "Aktuella samarbeten och länder i portalen och i SKL:s enkät 2018 (hela riket)"
    before = table(client.get(URL, {"county": county.code}), caption)
    assert before["Aktuella andra samarbeten"][0] == "1"
    municipality = Municipality.objects.filter(county=county, is_published=True).first()
    partnership(municipality, "EE", start=2020, kind="annat_samarbete")
    after = table(client.get(URL, {"county": county.code}), caption)
    assert after["Aktuella andra samarbeten"][0] == "2"


def grow(county: County, factor: int, tag: str) -> None:
    """About `factor` × 10 more partnerships in the county, each with two partners, themes and
    funding (bulk-created: the page reads rows, it does not care how they came)."""
    municipalities = list(Municipality.objects.filter(county=county, is_published=True))
    themes = list(Theme.objects.all()[:4])
    funding = list(FundingSource.objects.all()[:3])
    countries = list(Country.objects.filter(code__in=["DK", "KE", "VN", "XK", "US", "DE"]))
    kinds = ["vanort", "kommunalt_partnerskap", "annat_samarbete"]
    levels = ["aktiv", "sporadisk", "vilande", ""]
    count = factor * 10
    partnerships = Partnership.objects.bulk_create(
        Partnership(
            name=f"Ort {tag}{i}",
            slug=f"ort-{tag}-{i}",
            kind=kinds[i % 3],
            municipality=municipalities[i % len(municipalities)],
            start_date=datetime.date(1950 + i % 70, 1, 1),
            activity_level=levels[i % 4],
            is_published=True,
        )
        for i in range(count)
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Partner {tag}{i}",
            slug=f"partner-{tag}-{i}",
            kind="kommun",
            country=countries[i % len(countries)],
        )
        for i in range(count + 1)
    )
    PartnershipParty.objects.bulk_create(
        PartnershipParty(partnership=created, organisation=organisations[i + j])
        for i, created in enumerate(partnerships)
        for j in range(2)
    )
    Partnership.themes.through.objects.bulk_create(
        Partnership.themes.through(partnership=created, theme=theme)
        for i, created in enumerate(partnerships)
        for theme in themes[i % 2 :]
    )
    Partnership.funding_sources.through.objects.bulk_create(
        Partnership.funding_sources.through(partnership=created, fundingsource=source)
        for i, created in enumerate(partnerships)
        for source in funding[i % 3 :]
    )
    programmes = list(Programme.objects.all()[:3])
    this_year = datetime.date.today().year
    projects = Project.objects.bulk_create(
        Project(
            title=f"Projekt {tag}{i}",
            slug=f"projekt-{tag}-{i}",
            municipality=municipalities[i % len(municipalities)],
            partnership=partnerships[i] if i % 4 == 0 else None,
            programme=programmes[i % len(programmes)] if i % 2 else None,
            start_date=datetime.date(this_year - 1, 1, 1),
            end_date=datetime.date(this_year + i % 3 - 1, 12, 31),
            is_published=True,
        )
        for i in range(count)
    )
    Project.themes.through.objects.bulk_create(
        Project.themes.through(project=created, theme=theme)
        for i, created in enumerate(projects)
        for theme in themes[i % 3 :]
    )
    Project.funding_sources.through.objects.bulk_create(
        Project.funding_sources.through(project=created, fundingsource=source)
        for i, created in enumerate(projects)
        for source in funding[i % 2 :]
    )
    networks = Network.objects.bulk_create(
        Network(name=f"Nätverk {tag}{i}", slug=f"natverk-{tag}-{i}", is_published=i % 5 != 0)
        for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(
            municipality=municipality,
            network=network,
            until_year=this_year - 1 if i % 3 == 0 else None,
        )
        for i, network in enumerate(networks)
        for municipality in municipalities[: 1 + i % 2]
    )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


MAX_QUERIES = 14


def test_the_page_costs_a_fixed_number_of_queries(client, county, django_assert_max_num_queries):
    urls = [
        URL,
        f"{URL}?county={county.code}",
        f"{URL}?county={county.code}&kind=kommun",
        f"{URL}?county={county.code}&group=C8",
    ]
    for url in urls:
        with django_assert_max_num_queries(MAX_QUERIES, info=url):
            client.get(url)
    grow(county, 1, "a")
    baseline = [count_queries(client, url) for url in urls]
    grow(county, 10, "b")
    assert Partnership.objects.filter(municipality__county=county).count() >= 110
    assert Project.objects.filter(municipality__county=county).count() >= 110
    assert Membership.objects.filter(municipality__county=county).count() >= 110
    assert [count_queries(client, url) for url in urls] == baseline


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "kommun", "county": "07"}, "Publicerade kommuner i Kronobergs län, "),
        ({"kind": "region"}, "Publicerade regioner i hela landet, "),
        ({"group": "A1", "kind": "region"}, "regioner har ingen kommungrupp"),
        ({"group": "A1"}, "Publicerade kommuner i kommungruppen Storstäder i hela landet, "),
    ],
)
def test_the_selection_line_says_what_the_filters_chose(client, params, expected):
    page = " ".join(client.get(URL, params).content.decode().split())
    line = page.split("Urval:</strong> ", 1)[1].split("</p>", 1)[0]

    assert expected in line
    if params.get("kind") == "kommun":
        assert line.endswith(" kommuner.") or line.endswith(" kommun.")
        assert "regioner" not in line
