"""Växjö kommun's page "Internationella projekt" (seed 000) is complete in the database."""

import datetime
from decimal import Decimal

import pytest

from contacts.models import Organisation, Person
from partnerships.models import Partnership
from portal.models import Municipality
from projects.models import Project

pytestmark = pytest.mark.django_db


def test_vaxjo_page_facts():
    vaxjo = Municipality.objects.get(slug="vaxjo")
    assert vaxjo.is_published
    assert vaxjo.reviewed_on == datetime.date(2018, 12, 11)
    assert "positiv inställning till internationellt samarbete" in vaxjo.intro
    assert "960 miljarder euro" in vaxjo.projects_intro
    assert "Sydafrika, en är i Vietnam och en är i Kosovo" in vaxjo.partnerships_intro


def test_three_municipal_partnerships_with_their_projects():
    partnerships = Partnership.objects.filter(municipality__slug="vaxjo")
    assert {p.name: p.kind for p in partnerships} == {
        "JB Marks": "kommunalt_partnerskap",
        "An Giang": "kommunalt_partnerskap",
        "Vushtrri": "kommunalt_partnerskap",
    }
    counts = {p.slug: p.projects.count() for p in partnerships}
    assert counts == {"vaxjo-jb-marks": 1, "vaxjo-an-giang": 5, "vaxjo-vushtrri": 8}
    assert Project.objects.filter(municipality__slug="vaxjo", partnership=None).count() == 6


def test_jb_marks():
    jb_marks = Partnership.objects.get(slug="vaxjo-jb-marks")
    assert jb_marks.period_display == "sedan 2005"
    assert jb_marks.coordinated_by.short_name == "ID"
    assert [person.name for person in jb_marks.contacts.all()] == ["Daniel Folkesson"]
    assert "Tlokwe City Council" in jb_marks.partners.get(slug="jb-marks").other_names.values_list(
        "name", flat=True
    )
    parties = {party.organisation.name: party for party in jb_marks.parties.all()}
    assert parties["Älmhults kommun"].since_year == 2018
    assert parties["Region Kronoberg"].until_year == 2018
    assert "Fler än 35 projekt" in jb_marks.earlier_projects_note
    assert "två gånger årligen" in jb_marks.steering_group
    project = jb_marks.projects.get()
    assert project.period_display == "januari 2017 – december 2019"


def test_an_giang_projects_and_typo():
    titles = set(
        Partnership.objects.get(slug="vaxjo-an-giang").projects.values_list("title", flat=True)
    )
    assert "Avfallsplanering och avfallskommunikation" in titles
    assert "Avfallplanering och avfallskommunikation" not in titles
    pre_studies = Project.objects.filter(partnership__slug="vaxjo-an-giang", kind="forstudie")
    assert sorted(p.period_display for p in pre_studies) == ["2010", "2014", "2018"]


def test_vushtrri_projects_have_their_periods():
    periods = {
        p.acronym or p.title: p.period_display
        for p in Project.objects.filter(partnership__slug="vaxjo-vushtrri")
    }
    assert periods["SEKOS 2"] == "januari 2018 – december 2020"
    assert periods["Kontaktcenter – utveckling av service och tillgänglighet"] == (
        "januari 2017 – december 2018"
    )
    assert periods["DUF"] == "2016–2018"
    assert periods["MIS"] == "2015–2017"
    assert Partnership.objects.get(slug="vaxjo-vushtrri").partners.get().country.name == "Kosovo"


def test_annika_strom_is_one_person():
    people = Person.objects.filter(name="Annika Ström")
    assert people.count() == 1
    annika = people.get()
    assert annika.email == "annika@idvxo.se"
    assert annika.phone == "+46702063826"
    assert annika.phone_display == "070-206 38 26"
    assert set(annika.projects.values_list("acronym", flat=True)) == {"DUF"}
    assert set(annika.partnerships.values_list("slug", flat=True)) == {"vaxjo-vushtrri"}


def test_all_contact_people():
    expected = {
        "Daniel Folkesson": ("daniel@idvxo.se", "073-677 07 09"),
        "Ingrid Palmblad Örlander": ("ingrid.palmbladorlander@vaxjo.se", "0470-410 00"),
        "Annika Ström": ("annika@idvxo.se", "070-206 38 26"),
        "Colin Hale": ("colin.hale@vaxjo.se", "072-161 89 02"),
        "Bo Hjälmefjord": ("bo.hjalmefjord@vaxjo.se", "0470-411 37"),
        "Jan Johansson": ("jan.johansson3@vaxjo.se", "0470-432 76"),
        "Per-Olof Löfberg": ("per-olof.lofberg@vaxjo.se", "0470-415 74"),
    }
    people = Person.objects.filter(name__in=expected)
    assert {p.name: (p.email, p.phone_display) for p in people} == expected


def test_eu_projects():
    sumba = Project.objects.get(acronym="SUMBA")
    assert sumba.period_display == "oktober 2017 – september 2020"
    assert sumba.grant_display == "3\u00a0000\u00a0000 SEK"
    assert "drygt 3 miljoner kronor" in sumba.money_note
    assert sumba.programme.short_name == "ERUF"
    assert set(sumba.partner_countries.values_list("code", flat=True)) == {
        "DE",
        "EE",
        "LV",
        "LT",
        "PL",
    }
    assert sumba.photo.alt_text == "Logotyp för SUMBA med flagga och text."

    cobium = Project.objects.get(slug="cobium")
    assert cobium.lead_partner.name == "Växjö kommun"
    assert cobium.participants.count() == 6
    assert cobium.duration_display == "3 år"

    iuc = Project.objects.get(acronym="IUCBV")
    assert iuc.programme.short_name == "IUC"
    assert iuc.period_display == "från november 2017"
    assert iuc.duration_months == 18
    assert iuc.participants.get(slug="burlington").region == "Ontario"

    nero = Project.objects.get(slug="nero")
    assert nero.participants.get().name == "VKAB"
    assert nero.period_display == "2017–2020"

    ready = Project.objects.get(slug="ready")
    assert set(ready.participants.values_list("name", flat=True)) == {
        "Växjö kommun",
        "Aarhus Kommune",
        "Kaunas",
        "IKEA",
    }
    assert ready.contacts.get().name == "Jan Johansson"

    resolve = Project.objects.get(slug="resolve")
    assert resolve.period_display == "från april 2016"
    roles = dict(resolve.project_participants.values_list("organisation__name", "role"))
    assert roles["Länsstyrelsen i Kronobergs län"] == "samordnare"
    assert roles["Citysamverkan"] == "intressent"
    assert Decimal(0) <= (sumba.grant_amount or 0)


def test_energikontor_sydost_is_one_organisation_with_both_spellings():
    organisation = Organisation.objects.get(other_names__name="Energikontoret Sydost")
    assert organisation.name == "Energikontor Sydost"
    assert set(organisation.projects.values_list("slug", flat=True)) == {"cobium", "resolve"}
