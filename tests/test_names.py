"""Names as others write them (portal/names.py) and the reference data behind them."""

import pytest

from portal.models import Municipality
from portal.names import SwedishMunicipalities, Via, municipality_key, reference_names
from projects.models import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def municipalities(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return SwedishMunicipalities()


def test_every_name_in_the_reference_file_finds_its_own_municipality(municipalities):
    vias = {"engelskt": Via.ENGLISH, "tidigare": Via.FORMER, "annat": Via.OTHER}
    for code, name, kind in reference_names():
        match = municipalities.find(name)
        assert match.municipality is not None, (name, match.error)
        assert match.municipality.scb_code == code, name
        assert match.via == vias[kind], name


def test_every_municipality_and_region_is_found_by_each_of_its_own_names(municipalities):
    # Habo's names, written without diacritics, are Håbo's too: never a guess (SCB code).
    for municipality in Municipality.objects.exclude(slug="habo"):
        for name in filter(None, (municipality.name, municipality.display_name)):
            match = municipalities.find(name)
            assert match.municipality == municipality, (name, match.error)
            assert match.via == ""


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Växjö kommun", "växjö"),
        ("City of Malmö", "malmö"),
        ("Malmö stad", "malmö"),
        ("Skåne Region", "region skåne"),
        ("Region of Skåne", "region skåne"),
        ("Region Skåne", "region skåne"),
    ],
)
def test_municipality_keys(text, key):
    assert municipality_key(text) == key


def test_a_participant_name_is_recognised_only_when_it_is_the_municipality_itself(
    municipalities,
):
    assert municipalities.recognise("City of Malmö").municipality.slug == "malmo"
    assert municipalities.recognise("Malmö universitet") is None
    assert municipalities.recognise("Skåne") is None  # a province is not Region Skåne
    assert municipalities.recognise("Habo") is None  # Habo or Håbo: never a guess


def test_programmes_have_their_periods_and_predecessors():
    oks = Programme.objects.get(slug="interreg-oks")
    following = Programme.objects.get(slug="interreg-oks-2021-2027")
    assert (oks.start_year, oks.end_year) == (2014, 2020)
    assert following.predecessor == oks
    assert list(oks.successors.all()) == [following]
    assert following.name_with_period == "Interreg Öresund-Kattegatt-Skagerrak 2021–2027"
    assert str(following) == "Interreg Öresund-Kattegatt-Skagerrak 2021–2027 (ÖKS)"
