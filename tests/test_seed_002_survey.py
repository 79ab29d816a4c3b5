"""SKL's 2018 survey (seed 002): reference data, definitions and the national figures."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest

from networks.models import Network
from portal.models import Concept, Country, FundingSource, Survey, SurveyFigure, Theme

pytestmark = pytest.mark.django_db

ICLD_COUNTRIES = {
    "BA", "GE", "XK", "MK", "MD", "RS", "TR", "UA", "BY", "IN", "ID", "CN", "VN", "BW", "KE",
    "MZ", "NA", "ZA", "TZ", "UG", "ZM",
}  # fmt: skip


@pytest.fixture
def survey():
    return Survey.objects.get(slug="skl-internationella-samarbeten-2018")


def figure(survey, **filters) -> Decimal:
    return SurveyFigure.objects.get(survey=survey, **filters).value


def test_the_survey(survey):
    assert survey.year == 2018
    assert survey.published_on == datetime.date(2019, 1, 31)
    assert survey.publisher.short_name == "SKR"
    assert "Sveriges Kommuner och Landsting (SKL)" in survey.publisher.other_names.values_list(
        "name", flat=True
    )
    assert survey.contact.email == "annika.lindberg@skl.se"
    assert "Sami Khalifeh" in survey.authors
    assert "Jerker Stattin" in survey.foreword_by
    assert "213" in survey.method


def test_icld_countries():
    assert set(Country.objects.filter(icld_eligible=True).values_list("code", flat=True)) == (
        ICLD_COUNTRIES
    )


def test_definitions(survey):
    concepts = {concept.slug: concept for concept in Concept.objects.filter(source=survey)}
    kinds = {c.cooperation_kind for c in concepts.values() if c.category == "samarbetsform"}
    assert kinds == {"vanort", "kommunalt_partnerskap", "annat_samarbete"}
    levels = {c.activity_level: c.definition for c in concepts.values() if c.activity_level}
    assert "regelbundna kontakter" in levels["aktiv"]
    assert "oregelbundna kontakter" in levels["sporadisk"]
    assert "ingen aktivitet" in levels["vilande"]


def test_themes_and_funding_sources():
    assert Theme.objects.filter(in_survey=True).count() == 8
    assert {"Egna medel", "EU-medel", "Sida/ICLD"} <= set(
        FundingSource.objects.values_list("name", flat=True)
    )


def test_national_figures(survey):
    values = set(SurveyFigure.objects.filter(survey=survey).values_list("value", flat=True))
    for number in [146, 173, 40, 527, 867, 1025, 272, 243, 198, 205, 93, 483, 474, 216, 178]:
        assert Decimal(number) in values, number
    twin_towns = {
        f.activity_level: f.value
        for f in SurveyFigure.objects.filter(
            survey=survey, topic="aktivitet", cooperation="vanort", unit="procent"
        ).exclude(activity_level="")
    }
    assert twin_towns == {"aktiv": 36, "sporadisk": 28, "vilande": 32}
    partnerships = {
        f.activity_level: f.value
        for f in SurveyFigure.objects.filter(
            survey=survey, topic="aktivitet", cooperation="kommunalt_partnerskap", unit="procent"
        ).exclude(activity_level="")
    }
    assert partnerships == {"aktiv": 80, "sporadisk": 4, "vilande": 13}
    regions = {
        f.world_region: f.value
        for f in SurveyFigure.objects.filter(survey=survey).exclude(world_region="")
    }
    assert regions == {"norden": 198, "ovriga_europa": 205, "ovriga_varlden": 93}
    culture = SurveyFigure.objects.get(
        survey=survey, theme__slug="kultur", cooperation="vanort_eller_kp"
    )
    assert culture.value == 16


def test_annex_partner_countries(survey):
    municipalities = survey.partner_countries.filter(respondent_group="kommuner")
    assert municipalities.count() == 55
    assert municipalities.get(listed_as="Danmark (inkl. Färöarna)").country.code == "DK"
    assert survey.partner_countries.filter(respondent_group="regioner").count() == 10


def test_annex_networks_and_cooperations(survey):
    listed = Network.objects.filter(listed_in_survey=survey)
    assert Counter(listed.values_list("category", flat=True)) == {
        "natverk": 30,
        "gransoverskridande": 8,
        "esf": 3,
        "nordiska_ministerradet": 2,
        "interreg": 20,
        "ovriga_eu": 11,
        "ovrigt": 6,
    }
    assert listed.get(slug="sern").memberships.filter(municipality__slug="trollhattan").exists()
