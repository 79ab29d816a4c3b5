"""Shared records in the admin: a coordinator whose municipality only takes part in another
municipality's record reads it but writes nothing into it, by any form; and every path that
writes party rows for a user makes a municipality named by someone else wait for its word."""

import pytest

from contacts.models import Organisation
from partnerships.models import Partnership, PartnershipParty
from portal.models import Country, Municipality
from projects.models import Project, ProjectParticipant
from tests.admin.test_spreadsheets_import import HEADERS, preview_of, project_row
from tests.factories import admin_url, make_organisation

pytestmark = pytest.mark.django_db


def own_organisation(slug: str) -> Organisation:
    municipality = Municipality.objects.get(slug=slug)
    return Organisation.objects.filter(
        municipality=municipality, kind__in=["kommun", "region"], country="SE"
    ).first() or make_organisation(
        name=municipality.name,
        kind="region" if municipality.kind == "region" else "kommun",
        country=Country.objects.get(code="SE"),
        municipality=municipality,
    )


@pytest.fixture
def almhult_client(client, make_coordinator):
    """Älmhult takes part in Växjö's JB Marks partnership (seed), and owns nothing of it."""
    client.force_login(make_coordinator("almhult"))
    return client


def test_a_taking_part_coordinator_cannot_hang_a_row_on_the_shared_partnership(almhult_client):
    jb_marks = Partnership.objects.get(slug="vaxjo-jb-marks")
    before = PartnershipParty.objects.filter(partnership=jb_marks).count()
    response = almhult_client.post(
        admin_url(PartnershipParty, "add"),
        {
            "partnership": jb_marks.pk,
            "organisation": Organisation.objects.get(slug="koge-kommune").pk,
            "role": "partner",
        },
    )
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert PartnershipParty.objects.filter(partnership=jb_marks).count() == before


def test_a_shared_partnership_is_no_choice_for_a_project_or_in_the_autocomplete(almhult_client):
    jb_marks = Partnership.objects.get(slug="vaxjo-jb-marks")
    form = almhult_client.get(admin_url(Project, "add")).context["adminform"].form
    assert jb_marks not in form.fields["partnership"].queryset
    assert (
        jb_marks
        in almhult_client.get(admin_url(Partnership, "changelist")).context["cl"].result_list
    )  # readable all the same
    found = almhult_client.get(
        "/admin/autocomplete/",
        {
            "term": "JB",
            "app_label": "projects",
            "model_name": "project",
            "field_name": "partnership",
        },
    ).json()
    assert str(jb_marks.pk) not in {result["id"] for result in found["results"]}


def test_the_party_rows_own_admin_makes_another_municipality_wait(client, make_coordinator):
    client.force_login(make_coordinator("vaxjo"))
    partnership = Partnership.objects.get(slug="vaxjo-an-giang")
    response = client.post(
        admin_url(PartnershipParty, "add"),
        {
            "partnership": partnership.pk,
            "organisation": own_organisation("almhult").pk,
            "role": "svensk_part",
            "awaiting_confirmation": "",  # a forged "no need": never read
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = PartnershipParty.objects.get(
        partnership=partnership, organisation__municipality__slug="almhult"
    )
    assert row.awaiting_confirmation
    assert partnership not in Partnership.objects.involving(
        Municipality.objects.get(slug="almhult")
    )

    project = Project.objects.get(slug="sumba")
    response = client.post(
        admin_url(ProjectParticipant, "add"),
        {"project": project.pk, "organisation": own_organisation("ljungby").pk, "role": "partner"},
    )
    assert response.status_code == 302
    assert ProjectParticipant.objects.get(
        project=project, organisation__municipality__slug="ljungby"
    ).awaiting_confirmation


def test_the_spreadsheet_import_makes_another_municipality_wait(client, make_coordinator):
    coordinator = make_coordinator("vaxjo")
    client.force_login(coordinator)
    own_organisation("region-skane")
    headers = [*HEADERS, "Deltagare"]
    row = [*project_row(ID=None), "Region Skåne (Partner)"]
    preview = preview_of(client, row, headers=headers)
    confirm = preview.context["confirm_form"].initial
    response = client.post(
        admin_url(Project, "process_import"),
        {**confirm, "format": confirm["format"], "resource": confirm.get("resource", "")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    participant = ProjectParticipant.objects.get(
        project__slug="nytt-projekt", organisation__municipality__slug="region-skane"
    )
    assert participant.awaiting_confirmation
    # Whom the row shares the project with, as its save() would set it (written in bulk).
    assert participant.party_municipality.slug == "region-skane"
