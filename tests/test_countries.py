"""Countries: all of ISO 3166-1 plus Kosovo, Swedish names from CLDR, the survey's regions."""

import pytest

from portal.models import Country

pytestmark = pytest.mark.django_db


def test_all_iso_countries_and_kosovo():
    assert Country.objects.count() == 250
    assert Country.objects.get(code="XK").name == "Kosovo"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("US", "USA"),
        ("GB", "Storbritannien"),
        ("KR", "Sydkorea"),
        ("CZ", "Tjeckien"),
        ("BA", "Bosnien och Hercegovina"),
        ("ZA", "Sydafrika"),
        ("MZ", "Moçambique"),
        ("SE", "Sverige"),
    ],
)
def test_swedish_names(code, name):
    assert Country.objects.get(code=code).name == name


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("DK", "norden"),
        ("AX", "norden"),
        ("FO", "norden"),
        ("IS", "norden"),
        ("DE", "ovriga_europa"),
        ("XK", "ovriga_europa"),
        ("TR", "ovriga_europa"),
        ("US", "ovriga_varlden"),
        ("VN", "ovriga_varlden"),
    ],
)
def test_world_regions_as_the_survey_groups_them(code, region):
    assert Country.objects.get(code=code).world_region == region
