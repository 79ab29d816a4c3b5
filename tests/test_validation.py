"""Every integrity rule holds in validation (with a clear Swedish message) and in the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from contacts.models import Person
from networks.models import MembershipRole
from partnerships.models import PartnershipParty
from portal.models import Photo
from projects.models import ProjectParticipant
from tests.factories import make_membership, make_organisation, make_partnership, make_project

d = datetime.date
pytestmark = pytest.mark.django_db


def messages(instance) -> list[str]:
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.messages


def test_end_before_start_is_refused():
    project = make_project(start_date=d(2019, 1, 1), end_date=d(2018, 12, 31), end_precision="day")
    assert "Slutet kan inte ligga före starten." in messages(project)


def test_end_in_the_same_year_as_a_year_precise_start_is_accepted():
    project = make_project(
        start_date=d(2018, 6, 1),
        start_precision="year",
        end_date=d(2018, 3, 1),
        end_precision="year",
    )
    project.full_clean()


def test_end_before_start_is_refused_by_the_database_too():
    project = make_project(start_date=d(2019, 1, 1), end_date=d(2018, 12, 31), end_precision="day")
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"total_budget": Decimal("-1"), "budget_currency": "EUR"},
            "Budgeten kan inte vara negativ.",
        ),
        (
            {"grant_amount": Decimal("-5"), "grant_currency": "EUR"},
            "Bidraget kan inte vara negativt.",
        ),
        ({"total_budget": Decimal("100")}, "Ange valuta för budgeten."),
        ({"grant_amount": Decimal("100")}, "Ange valuta för bidraget."),
        (
            {
                "total_budget": Decimal("75000"),
                "budget_currency": "EUR",
                "grant_amount": Decimal("75001"),
                "grant_currency": "EUR",
            },
            "Bidraget kan inte vara större än hela budgeten.",
        ),
    ],
)
def test_money_rules(fields, message):
    assert message in messages(make_project(**fields))


def test_a_grant_in_another_currency_than_the_budget_is_not_compared():
    project = make_project(
        total_budget=Decimal("75000"),
        budget_currency="EUR",
        grant_amount=Decimal("3000000"),
        grant_currency="SEK",
    )
    project.full_clean()


def test_a_grant_above_the_budget_is_refused_by_the_database_too():
    project = make_project(
        total_budget=Decimal("10"),
        budget_currency="EUR",
        grant_amount=Decimal("11"),
        grant_currency="EUR",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()


def test_slugs_are_unique():
    assert "Projekt med detta Adressnamn finns redan." in messages(make_project(slug="sumba"))


def test_one_membership_per_municipality_and_network():
    membership = make_membership()
    membership.save()
    duplicate = make_membership(network=membership.network)
    assert "Kommunen är redan medlem i det nätverket." in messages(duplicate)


def test_membership_and_role_years_in_order():
    membership = make_membership(since_year=2010, until_year=2005)
    assert "Slutåret kan inte ligga före startåret." in messages(membership)
    membership = make_membership()
    membership.save()
    role = MembershipRole(membership=membership, title="Ordförande", start_year=2023, end_year=2021)
    assert "Slutåret kan inte ligga före startåret." in messages(role)


def test_an_ended_partnership_has_no_activity_level():
    partnership = make_partnership(
        end_date=d(2017, 12, 31), end_precision="year", activity_level="aktiv"
    )
    errors = messages(partnership)
    assert any("Ett avslutat samarbete har ingen aktivitetsgrad" in message for message in errors)


def test_a_live_partnership_may_have_an_activity_level():
    make_partnership(start_date=d(2015, 1, 1), activity_level="sporadisk").full_clean()


def test_a_partnership_is_not_replaced_by_itself():
    partnership = make_partnership()
    partnership.save()
    partnership.replaced_by = partnership
    assert "Ett samarbete kan inte ersättas av sig självt." in messages(partnership)


def test_one_party_record_per_organisation_in_a_partnership():
    partnership = make_partnership()
    partnership.save()
    organisation = make_organisation()
    PartnershipParty.objects.create(partnership=partnership, organisation=organisation)
    duplicate = PartnershipParty(partnership=partnership, organisation=organisation)
    assert "Organisationen är redan part i samarbetet." in messages(duplicate)


def test_a_project_has_one_lead_partner():
    project = make_project()
    project.save()
    ProjectParticipant.objects.create(
        project=project, organisation=make_organisation(), role="lead_partner"
    )
    second = ProjectParticipant(
        project=project, organisation=make_organisation(), role="lead_partner"
    )
    assert "Ett projekt har bara en huvudpartner." in messages(second)


def test_a_bad_phone_number_is_an_error_on_the_phone_field():
    person = Person(name="Test Person", slug="test-person", phone="12")
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "phone" in error.value.message_dict
    assert "telefonnummer" in error.value.message_dict["phone"][0]


def test_a_photo_needs_alt_text():
    photo = Photo(slug="utan-alt", alt_text="")
    assert "alt_text" in messages_dict(photo)


def messages_dict(instance) -> dict:
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


def test_negative_duration_is_refused():
    assert "Längden måste vara minst en månad." in messages(make_project(duration_months=0))
