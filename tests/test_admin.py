"""The editors' admin: every model is there, in Swedish, and bad input changes nothing."""

import pytest
from django.contrib import admin
from django.urls import reverse

from projects.models import Project
from tests.factories import admin_url

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def test_every_model_of_the_portal_is_registered():
    from django.apps import apps

    ours = {"portal", "contacts", "partnerships", "projects", "networks"}
    missing = [
        model._meta.label
        for app in ours
        for model in apps.get_app_config(app).get_models()
        if model not in admin.site._registry
        # History rows are shown on each record's history page; coordinators are
        # assigned on the user's page; a project's filter values are derived from its
        # relations (projects.facets), never edited.
        and not hasattr(model, "instance_type")
        and model._meta.label not in {"portal.CoordinatorAssignment", "projects.ProjectFacet"}
    ]
    assert missing == []


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_change_list_add_form_and_change_form_open(admin_client, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    if model._meta.app_label != "axes":  # login attempts are a read-only log
        assert admin_client.get(admin_url(model, "add")).status_code == 200
    instance = model._default_manager.first()
    if instance is not None:
        assert admin_client.get(admin_url(model, "change", instance.pk)).status_code == 200


def test_admin_speaks_swedish(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert "Projekt och berättelser" in response.content.decode()
    assert "Logga ut" in response.content.decode()


def test_project_list_shows_derived_status_and_period(admin_client):
    response = admin_client.get(admin_url(Project, "changelist") + "?q=SUMBA")
    content = response.content.decode()
    assert "oktober 2017 – september 2020" in content
    assert "Avslutat" in content


def test_project_status_filter(admin_client):
    response = admin_client.get(admin_url(Project, "changelist") + "?status=okand")
    shown = list(response.context["cl"].result_list)
    assert [project.slug for project in shown] == ["cobium"]


def test_search_finds_an_organisation_by_its_former_name(admin_client):
    from contacts.models import Organisation

    response = admin_client.get(admin_url(Organisation, "changelist") + "?q=Tlokwe")
    assert [org.slug for org in response.context["cl"].result_list] == ["jb-marks"]


def test_autocomplete_for_municipalities(admin_client):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "projects",
            "model_name": "project",
            "field_name": "municipality",
            "term": "Växj",
        },
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["Växjö kommun"]


def project_form_data(**overrides):
    data = {
        "title": "Nytt projekt",
        "slug": "nytt-projekt",
        "kind": "projekt",
        "municipality": Project.objects.get(slug="sumba").municipality_id,
        "is_published": "on",
        "start_date": "2020-01-01",
        "start_precision": "year",
        "end_date": "2021-12-31",
        "end_precision": "year",
        "project_participants-TOTAL_FORMS": "0",
        "project_participants-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_admin_adds_a_valid_project(admin_client):
    response = admin_client.post(admin_url(Project, "add"), project_form_data())
    assert response.status_code == 302
    assert Project.objects.get(slug="nytt-projekt").period_display == "2020–2021"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start_date": "2022-01-01"}, "Slutet kan inte ligga före starten."),
        ({"total_budget": "-100", "budget_currency": "EUR"}, "Budgeten kan inte vara negativ."),
        (
            {
                "total_budget": "100",
                "budget_currency": "EUR",
                "grant_amount": "200",
                "grant_currency": "EUR",
            },
            "Bidraget kan inte vara större än hela budgeten.",
        ),
        ({"slug": "sumba"}, "Projekt med detta Adressnamn finns redan."),
        ({"start_date": "31/12/2020"}, "Fyll i ett giltigt datum."),
    ],
)
def test_admin_refuses_a_bad_project_with_a_swedish_message_and_saves_nothing(
    admin_client, overrides, message
):
    before = Project.objects.count()
    response = admin_client.post(admin_url(Project, "add"), project_form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Project.objects.count() == before


def test_a_forged_post_cannot_move_a_project_to_an_unknown_municipality(admin_client):
    project = Project.objects.get(slug="sumba")
    data = project_form_data(slug="sumba", title=project.title, municipality="999999")
    response = admin_client.post(admin_url(Project, "change", project.pk), data)
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.municipality.slug == "vaxjo"


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_change_lists_use_a_fixed_number_of_queries(
    admin_client, model, django_assert_max_num_queries
):
    """No query per row: a full page of 100 rows costs what a page of one does."""
    admin_client.get(admin_url(model, "changelist"))  # warm caches (content types, sessions)
    with django_assert_max_num_queries(8):
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200


def test_autocomplete_uses_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = admin_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "projects", "model_name": "project", "field_name": "partnership"},
        )
    assert len(response.json()["results"]) >= 9
