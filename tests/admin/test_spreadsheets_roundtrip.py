"""Export a change list, import the same file: nothing changes, no history is written.

Runs for the four resources in all three formats, over the seed data plus one project
made to be awkward (formula-like text, apostrophes, line breaks, a lead partner, money
with öre, a period in months and days).
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry

from contacts.models import Organisation, Person
from networks.models import Membership
from partnerships.models import Partnership
from portal.models import Country, FundingSource, Theme
from projects.models import ParticipantRole, Programme, Project, ProjectParticipant
from tests.admin.test_spreadsheets_support import confirm, export, snapshot, upload
from tests.factories import make_project, municipality

pytestmark = pytest.mark.django_db

FORMATS = ["xlsx", "csv", "ods"]


@pytest.fixture
def awkward_project():
    project = make_project(
        title='=HYPERLINK("http://example.com";"klicka")',
        acronym="-minus",
        slug="besvarligt-projekt",
        original_title="'s-Hertogenbosch och ''=dubbla",
        original_language="@nl",
        summary="\tInleds med tabb",
        description="Rad ett\r\nRad två  med  dubbla mellanslag \nsista rad ",
        money_note="+46 470 410 00",
        start_date=datetime.date(2017, 1, 1),
        start_precision="month",
        end_date=datetime.date(2019, 12, 11),
        end_precision="day",
        duration_months=35,
        total_budget=Decimal("1234567.50"),
        budget_currency="EUR",
        grant_amount=Decimal("37500"),
        grant_currency="EUR",
        programme=Programme.objects.get(name="Interreg Öresund"),
        kind="forstudie",
        is_published=True,
    )
    project.save()
    project.themes.set(Theme.objects.all()[:2])
    project.funding_sources.set(FundingSource.objects.all()[:2])
    project.partner_countries.set(Country.objects.filter(code__in=["DK", "NO"]))
    organisations = list(Organisation.objects.order_by("slug")[:3])
    roles = [ParticipantRole.LEAD_PARTNER, ParticipantRole.STAKEHOLDER, ParticipantRole.PARTNER]
    for organisation, role in zip(organisations, roles, strict=True):
        ProjectParticipant.objects.create(
            project=project, organisation=organisation, role=role, note="Syns inte i filen."
        )
    return project


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("model", [Project, Partnership, Membership, Person])
def test_importing_an_export_changes_nothing(
    national_editor_client, awkward_project, model, file_format
):
    before = snapshot()
    log_entries = LogEntry.objects.count()
    data = export(national_editor_client, model, file_format)

    preview = upload(national_editor_client, model, data, f"export.{file_format}")

    assert preview.status_code == 200
    assert "form" in preview.context and not preview.context["form"].errors
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == model.objects.count() > 0
    assert result.totals["new"] == result.totals["update"] == 0

    confirmed = confirm(national_editor_client, model, preview)

    assert confirmed.status_code == 302
    assert snapshot() == before
    assert LogEntry.objects.count() == log_entries


@pytest.mark.parametrize("file_format", FORMATS)
def test_awkward_text_survives_the_round_trip(national_editor_client, awkward_project, file_format):
    data = export(national_editor_client, Project, file_format)
    Project.objects.filter(pk=awkward_project.pk).update(title="Ändrad", description="")

    preview = upload(national_editor_client, Project, data, f"export.{file_format}")
    confirm(national_editor_client, Project, preview)

    awkward_project.refresh_from_db()
    assert awkward_project.title == '=HYPERLINK("http://example.com";"klicka")'
    assert awkward_project.description == "Rad ett\r\nRad två  med  dubbla mellanslag \nsista rad "
    assert awkward_project.original_title == "'s-Hertogenbosch och ''=dubbla"
    participants = awkward_project.project_participants.all()
    assert {participant.note for participant in participants} == {"Syns inte i filen."}


def test_coordinator_round_trip_of_their_own_municipality(trollhattan_client):
    make_project(municipality=municipality("trollhattan"), title="Trollhättans eget").save()
    before = snapshot()

    data = export(trollhattan_client, Project, "xlsx")
    preview = upload(trollhattan_client, Project, data, "projekt.xlsx")

    assert preview.context["result"].totals["skip"] == 1
    confirm(trollhattan_client, Project, preview)
    assert snapshot() == before
