"""Trollhättans Stad's page "Vänorter och Nätverk" (seed 001) is complete in the database."""

import datetime

import pytest

from networks.models import Membership
from partnerships.models import Partnership
from portal.models import Municipality

pytestmark = pytest.mark.django_db


def test_trollhattan_page_facts():
    trollhattan = Municipality.objects.get(slug="trollhattan")
    assert trollhattan.public_name == "Trollhättans Stad"
    assert trollhattan.name == "Trollhättans kommun"
    assert (trollhattan.reviewed_on, trollhattan.reviewed_by) == (
        datetime.date(2024, 5, 15),
        "KLALIW",
    )
    assert "formaliserad vänskap" in trollhattan.twin_towns_intro
    isak = trollhattan.contacts.get()
    assert (isak.name, isak.title, isak.email, isak.phone_display) == (
        "Isak Johansson",
        "Internationell samordnare",
        "isak.johansson@trollhattan.se",
        "0520-49 60 94",
    )
    centre = trollhattan.contact_centre
    assert centre.opening_hours == "Måndag–fredag: 8:00–16:30"
    assert (centre.street_address, centre.postal_address) == (
        "Gärdhemsvägen 9",
        "461 83 Trollhättan",
    )


def test_tempe_twin_town():
    tempe = Partnership.objects.get(slug="trollhattan-tempe")
    assert (tempe.kind, tempe.period_display, tempe.activity_level) == (
        "vanort",
        "sedan 2015",
        "aktiv",
    )
    assert tempe.partners.get().country.name == "USA"
    assert [p.name for p in tempe.exchange_programmes.all()] == [
        "Studentutbytesprogrammet",
        "Professionella utbytesprogrammet",
        "Lärarutbytesprogrammet",
    ]
    assert {p.organiser.name for p in tempe.exchange_programmes.all()} == {"Tempe Sister Cities"}
    assert tempe.photo.credit_display == "Foto: Andrew Ruiz, Unsplash"
    assert "180 000 invånare" in tempe.background


def test_nordic_twin_towns_ended_in_2017_and_were_replaced():
    agreement = Partnership.objects.get(slug="trollhattan-nordiskt-samarbetsavtal")
    former = Partnership.objects.filter(municipality__slug="trollhattan", kind="vanort").finished()
    assert {p.name: p.period_display for p in former} == {
        "Reykjanesbær": "till och med 2017",
        "Hjørring": "till och med 2017",
        "Kristiansand": "till och med 2017",
        "Kerava": "till och med 2017",
    }
    assert {p.name for p in agreement.replaces.all()} == {"Reykjanesbær", "Kristiansand", "Kerava"}
    hjorring = former.get(name="Hjørring")
    assert hjorring.replaced_by is None
    assert "stå utanför" in hjorring.end_reason
    assert set(agreement.partners.values_list("name", flat=True)) == {
        "Reykjanesbær",
        "Kristiansand",
        "Kerava",
    }
    assert "Skolprocesser – förebyggande av skolavhopp" in agreement.background
    assert agreement.activity_level == "sporadisk"


def test_spelling_on_the_page_finds_the_place():
    from contacts.models import Organisation

    assert Organisation.objects.get(other_names__name="Hjörring").name == "Hjørring"
    assert Organisation.objects.get(other_names__name="Reykjanesbaer").country.code == "IS"


def test_five_networks_with_years_and_roles():
    memberships = {
        m.network.slug: m
        for m in Membership.objects.filter(municipality__slug="trollhattan").select_related(
            "network"
        )
    }
    assert set(memberships) == {
        "sern",
        "eurotowns",
        "svinesundskommitten",
        "healthy-cities",
        "viable-cities",
    }
    assert memberships["sern"].period_display == "sedan 2005"
    assert [str(r) for r in memberships["sern"].roles.all()] == ["Ordförande 2021–2023"]
    assert memberships["healthy-cities"].since_year == 2004
    assert [str(r) for r in memberships["healthy-cities"].roles.all()] == [
        "Värdkommun för det svenska Healthy Cities-nätverket 2024"
    ]
    assert "innovation" in memberships["eurotowns"].roles.get().title
    sern = memberships["sern"].network
    assert (sern.founded_year, sern.seat, sern.size, sern.website) == (
        2005,
        "Parma",
        60,
        "https://www.sern.eu/",
    )
    assert memberships["svinesundskommitten"].network.seat == "Strömstad"
    assert memberships["eurotowns"].network.size == 20
