"""The seed fixtures place every partner town abroad on the map, inside its own country."""

import pytest

from contacts.models import Organisation, OrganisationKind
from maps import partner_map as maps

pytestmark = pytest.mark.django_db

#: Degrees a town may lie outside its country's outline box: the 1:110m outlines are coarse
#: and cut small peninsulas and islands.
TOLERANCE = 1.0
PLACE_KINDS = [OrganisationKind.MUNICIPALITY, OrganisationKind.REGION]


def test_every_partner_town_or_province_abroad_has_coordinates():
    places = Organisation.objects.exclude(country="SE").filter(kind__in=PLACE_KINDS)
    assert places.count() >= 20
    missing = [place.slug for place in places if place.latitude is None]
    assert missing == []


def test_the_towns_named_in_the_seeds_are_placed():
    placed = set(Organisation.objects.filter(latitude__isnull=False).values_list("slug", flat=True))
    for slug in [
        "jb-marks",
        "an-giang",
        "vushtrri",
        "tempe",
        "koge-kommune",
        "gaziantep",
        "kisumu",
        "stefan-voda",
        "voi",
        "kampala",
        "poti",
        "omaruru",
        "kimilili",
    ]:
        assert slug in placed, slug


def test_every_coordinate_lies_inside_its_countrys_bounding_box():
    placed = Organisation.objects.filter(latitude__isnull=False).select_related("country")
    outside = []
    for organisation in placed:
        west, south, east, north = maps.country_bounds(organisation.country_id)
        lat, lon = float(organisation.latitude), float(organisation.longitude)
        if not (
            south - TOLERANCE <= lat <= north + TOLERANCE
            and west - TOLERANCE <= lon <= east + TOLERANCE
        ):
            outside.append((organisation.slug, organisation.country_id, lat, lon))
    assert outside == []


def test_a_place_in_the_wrong_country_would_be_caught():
    """The check above can fail: Tempe's coordinates are nowhere near Kenya."""
    west, south, east, north = maps.country_bounds("KE")
    assert not (south <= 33.425 <= north and west <= -111.94 <= east)
