"""The Danish Interreg project page (seed 003) is Kristianstad's project, in Swedish."""

import pytest

from projects.models import Project

pytestmark = pytest.mark.django_db


def test_koge_kristianstad_project():
    project = Project.objects.get(municipality__slug="kristianstad")
    assert project.original_title == "Kommunal bæredygtig vækst i fremtidens Øresundsregion"
    assert project.original_language == "da"
    assert project.title == "Kommunal hållbar tillväxt i framtidens Öresundsregion"
    assert project.period_display == "1 januari – 31 december 2014"
    assert project.budget_display == "75\u00a0000 EUR"
    assert project.grant_display == "37\u00a0500 EUR"
    assert project.programme.name == "Interreg Öresund"
    assert project.programme.parent.parent.short_name == "ERUF"
    assert project.lead_partner.name == "Køge Kommune"
    assert project.lead_partner.country.name == "Danmark"
    assert set(project.participants.values_list("name", flat=True)) == {
        "Køge Kommune",
        "Kristianstads kommun",
    }
    assert project.status_display == "Avslutat"
    assert project.municipality.is_published
