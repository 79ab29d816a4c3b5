"""The issue's "done": a coordinator account for Trollhättan, made in the admin, keeps
Trollhättan's page up to date end to end and cannot touch Växjö."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from access.roles import COORDINATOR
from partnerships.models import Partnership
from portal.models import Municipality
from projects.models import Project
from tests.admin.formdata import change_form_data

pytestmark = pytest.mark.django_db

PASSWORD = "Tempe-och-Trollhattan-2026"


def create_coordinator_in_the_admin(editor: Client) -> None:
    response = editor.post(
        reverse("admin:auth_user_add"),
        {
            "username": "anna.trollhattan",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "coordinator_assignments-TOTAL_FORMS": "0",
            "coordinator_assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = get_user_model().objects.get(username="anna.trollhattan")
    url = reverse("admin:auth_user_change", args=[user.pk])
    data = change_form_data(
        editor.get(url),
        first_name="Anna",
        last_name="Andersson",
        is_staff="on",
        groups=[str(Group.objects.get(name=COORDINATOR).pk)],
    )
    data.pop("password", None)
    data.update(
        {
            "coordinator_assignments-TOTAL_FORMS": "1",
            "coordinator_assignments-0-municipality": str(
                Municipality.objects.get(slug="trollhattan").pk
            ),
        }
    )
    response = editor.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_a_coordinator_made_in_the_admin_keeps_trollhattans_page(admin_client):
    create_coordinator_in_the_admin(admin_client)

    anna = Client()
    response = anna.post(
        reverse("admin:login"),
        {"username": "anna.trollhattan", "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302

    # The municipality's own texts.
    trollhattan = Municipality.objects.get(slug="trollhattan")
    url = reverse("admin:portal_municipality_change", args=[trollhattan.pk])
    response = anna.post(
        url,
        change_form_data(anna.get(url), intro="Trollhättan samarbetar med världen."),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    # A twin town's activity, then reviewed.
    tempe = Partnership.objects.get(slug="trollhattan-tempe")
    url = reverse("admin:partnerships_partnership_change", args=[tempe.pk])
    response = anna.post(url, change_form_data(anna.get(url), activity_level="sporadisk"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    anna.post(
        reverse("admin:partnerships_partnership_changelist"),
        {"action": "mark_reviewed", "_selected_action": [tempe.pk]},
    )

    # A new project, published deliberately.
    response = anna.post(
        reverse("admin:projects_project_add"),
        {
            "title": "Hållbara städer Trollhättan–Tempe",
            "slug": "hallbara-stader-trollhattan-tempe",
            "kind": "projekt",
            "municipality": trollhattan.pk,
            "partnership": tempe.pk,
            "start_date": "2026-01-01",
            "start_precision": "month",
            "end_date": "2027-06-01",
            "end_precision": "month",
            "total_budget": "37500",
            "budget_currency": "EUR",
            "project_participants-TOTAL_FORMS": "0",
            "project_participants-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    project = Project.objects.get(slug="hallbara-stader-trollhattan-tempe")
    anna.post(
        reverse("admin:projects_project_changelist"),
        {"action": "publish", "_selected_action": [project.pk]},
    )

    page = Client().get(reverse("portal:municipality_detail", args=["trollhattan"]))
    text = page.content.decode()
    assert "Trollhättan samarbetar med världen." in text
    assert "Hållbara städer Trollhättan–Tempe" in text
    project_page = Client().get(reverse("projects:detail", args=[project.slug])).content.decode()
    assert "37\u00a0500 EUR" in project_page
    assert "januari 2026 – juni 2027" in project_page
    assert (
        "Anna Andersson"
        in Client().get(reverse("partnerships:detail", args=[tempe.slug])).content.decode()
    )

    # And Växjö stays out of reach.
    sumba = Project.objects.get(slug="sumba")
    assert anna.get(reverse("admin:projects_project_change", args=[sumba.pk])).status_code == 404
    vaxjo = Municipality.objects.get(slug="vaxjo")
    assert anna.get(reverse("admin:portal_municipality_change", args=[vaxjo.pk])).status_code == 404
