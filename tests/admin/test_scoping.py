"""A municipality coordinator reaches only their municipalities' records, by every path.

Trollhättan's coordinator tries to open, change, delete, autocomplete, act on and read the
history of Växjö's records, and to move a project to Växjö with a forged POST.
"""

import pytest
from django.test import Client
from django.urls import reverse

from contacts.models import ContactCentre, Organisation, Person
from networks.models import Membership, Network
from partnerships.models import Partnership
from portal.models import Country, Municipality, Photo, Theme
from projects.models import Project, Story
from tests.admin.formdata import change_form_data
from tests.factories import admin_url, make_membership, make_project, municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def vaxjo_records():
    """One of Växjö's records of every scoped kind."""
    membership = make_membership(
        municipality=municipality("vaxjo"), network=Network.objects.get(slug="eurotowns")
    )
    membership.save()
    return {
        "municipality": municipality("vaxjo"),
        "project": Project.objects.get(slug="sumba"),
        "partnership": Partnership.objects.get(slug="vaxjo-jb-marks"),
        "membership": membership,
        "person": Person.objects.get(slug="daniel-folkesson"),
        "story": Story.objects.filter(municipality__slug="almhult").first(),
        "photo": Photo.objects.filter(municipality__slug="gavle").first(),
    }


SCOPED_KINDS = ["municipality", "project", "partnership", "membership", "person", "story", "photo"]


def test_change_lists_show_only_trollhattan(trollhattan_client, vaxjo_records):
    partnerships = trollhattan_client.get(admin_url(Partnership, "changelist"))
    listed = {p.municipality.slug for p in partnerships.context["cl"].result_list}
    assert listed == {"trollhattan"}
    assert "JB Marks" not in partnerships.content.decode()

    municipalities = trollhattan_client.get(admin_url(Municipality, "changelist"))
    assert [m.slug for m in municipalities.context["cl"].result_list] == ["trollhattan"]

    memberships = trollhattan_client.get(admin_url(Membership, "changelist"))
    assert {m.municipality.slug for m in memberships.context["cl"].result_list} == {"trollhattan"}
    assert memberships.context["cl"].result_count == 5

    people = trollhattan_client.get(admin_url(Person, "changelist"))
    slugs = {person.slug for person in people.context["cl"].result_list}
    assert "isak-johansson" in slugs
    assert "daniel-folkesson" not in slugs


def test_projects_change_list_hides_vaxjo(trollhattan_client):
    make_project(municipality=municipality("trollhattan"), title="Trollhättans eget").save()
    response = trollhattan_client.get(admin_url(Project, "changelist"))
    titles = [project.title for project in response.context["cl"].result_list]
    assert titles == ["Trollhättans eget"]
    assert "SUMBA" not in response.content.decode()


@pytest.mark.parametrize("kind", SCOPED_KINDS)
@pytest.mark.parametrize("view", ["change", "delete"])
def test_opening_vaxjos_record_by_url_gives_404(trollhattan_client, vaxjo_records, kind, view):
    record = vaxjo_records[kind]
    response = trollhattan_client.get(admin_url(type(record), view, record.pk))
    assert response.status_code == 404
    assert str(record) not in response.content.decode()


@pytest.mark.parametrize("kind", SCOPED_KINDS)
def test_reading_the_history_of_vaxjos_record_is_forbidden(trollhattan_client, vaxjo_records, kind):
    record = vaxjo_records[kind]
    response = trollhattan_client.get(admin_url(type(record), "history", record.pk))
    assert response.status_code == 403
    assert str(record) not in response.content.decode()


@pytest.mark.parametrize("kind", ["project", "partnership", "municipality"])
def test_a_historical_version_of_vaxjos_record_cannot_be_opened_or_reverted(
    trollhattan_client, vaxjo_records, kind
):
    record = vaxjo_records[kind]
    version = record.history.latest()
    versions = record.history.count()
    url = reverse(
        f"admin:{record._meta.app_label}_{record._meta.model_name}_simple_history",
        args=[record.pk, version.history_id],
    )
    # 404, as the record's change page: the record as it is now is outside the scope.
    assert trollhattan_client.get(url).status_code == 404
    assert trollhattan_client.post(url, {}).status_code == 404
    assert record.history.count() == versions


@pytest.mark.parametrize("kind", ["project", "partnership"])
def test_a_version_from_before_a_record_moved_away_cannot_bring_it_back(
    trollhattan_client, vaxjo_records, kind
):
    """A national editor moves a Trollhättan record to Växjö; Trollhättan's coordinator
    opens the version from before the move and tries to revert to it."""
    record = vaxjo_records[kind]
    record.municipality = municipality("trollhattan")
    record.save()
    trollhattan_version = record.history.latest()
    record.municipality = municipality("vaxjo")
    record.description = "Växjös egen text."
    record.save()
    versions = record.history.count()
    url = reverse(
        f"admin:{record._meta.app_label}_{record._meta.model_name}_simple_history",
        args=[record.pk, trollhattan_version.history_id],
    )

    assert trollhattan_client.get(url).status_code == 404
    assert trollhattan_client.post(url, {"_change_history": "1"}).status_code == 404
    record.refresh_from_db()
    assert record.municipality.slug == "vaxjo"
    assert record.description == "Växjös egen text."
    assert record.history.count() == versions


def test_a_forged_post_cannot_change_vaxjos_project(trollhattan_client):
    project = Project.objects.get(slug="sumba")
    response = trollhattan_client.post(
        admin_url(Project, "change", project.pk), {"title": "Kapad", "slug": "sumba"}
    )
    assert response.status_code == 404
    project.refresh_from_db()
    assert project.title != "Kapad"


def test_a_forged_post_cannot_delete_vaxjos_project(trollhattan_client):
    project = Project.objects.get(slug="sumba")
    response = trollhattan_client.post(admin_url(Project, "delete", project.pk), {"post": "yes"})
    assert response.status_code == 404
    assert Project.objects.filter(pk=project.pk).exists()


def test_a_forged_post_cannot_move_trollhattans_project_to_vaxjo(trollhattan_client):
    project = make_project(municipality=municipality("trollhattan"), title="Flyttas inte")
    project.save()
    form = trollhattan_client.get(admin_url(Project, "change", project.pk))
    data = change_form_data(form, municipality=str(municipality("vaxjo").pk))
    response = trollhattan_client.post(admin_url(Project, "change", project.pk), data)
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    project.refresh_from_db()
    assert project.municipality.slug == "trollhattan"


def test_a_coordinator_cannot_add_a_project_for_vaxjo(trollhattan_client):
    before = Project.objects.count()
    response = trollhattan_client.post(
        admin_url(Project, "add"),
        {
            "title": "Smuggelprojekt",
            "slug": "smuggelprojekt",
            "kind": "projekt",
            "municipality": municipality("vaxjo").pk,
            "start_precision": "year",
            "end_precision": "year",
            "project_participants-TOTAL_FORMS": "0",
            "project_participants-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert Project.objects.count() == before


def test_a_coordinator_can_add_and_then_change_a_project_of_their_own(trollhattan_client):
    response = trollhattan_client.post(
        admin_url(Project, "add"),
        {
            "title": "Ungdomsutbyte med Tempe",
            "slug": "ungdomsutbyte-med-tempe",
            "kind": "projekt",
            "municipality": municipality("trollhattan").pk,
            "start_date": "2025-01-01",
            "start_precision": "year",
            "end_precision": "year",
            "project_participants-TOTAL_FORMS": "0",
            "project_participants-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(slug="ungdomsutbyte-med-tempe")
    assert not project.is_published  # a new record is a draft until published
    assert project.history.latest().history_user == trollhattan_client.user
    assert trollhattan_client.get(admin_url(Project, "change", project.pk)).status_code == 200


@pytest.mark.parametrize(
    ("app_label", "model_name", "field_name", "term", "forbidden"),
    [
        ("projects", "project", "municipality", "V", "Växjö kommun"),
        ("projects", "project", "partnership", "", "JB Marks"),
        ("projects", "project", "contacts", "Daniel", "Daniel Folkesson"),
        ("projects", "story", "photo", "", "Bild till berättelsen"),
        ("networks", "membership", "municipality", "", "Växjö"),
    ],
)
def test_autocomplete_offers_only_trollhattans_records(
    trollhattan_client, app_label, model_name, field_name, term, forbidden
):
    response = trollhattan_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": app_label,
            "model_name": model_name,
            "field_name": field_name,
            "term": term,
        },
    )
    assert response.status_code == 200
    texts = [item["text"] for item in response.json()["results"]]
    assert not any(forbidden in text for text in texts), texts


def test_municipality_autocomplete_offers_trollhattan(trollhattan_client):
    response = trollhattan_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "projects", "model_name": "project", "field_name": "municipality"},
    )
    assert [item["text"] for item in response.json()["results"]] == ["Trollhättans Stad"]


@pytest.mark.parametrize("action", ["publish", "unpublish", "mark_reviewed", "delete_selected"])
def test_bulk_actions_never_reach_vaxjo(trollhattan_client, action):
    project = Project.objects.get(slug="sumba")
    before = (project.is_published, project.reviewed_on, project.updated_at)
    trollhattan_client.post(
        admin_url(Project, "changelist"),
        {"action": action, "_selected_action": [project.pk], "post": "yes"},
    )
    project.refresh_from_db()
    assert (project.is_published, project.reviewed_on, project.updated_at) == before


def test_a_shared_network_shows_only_trollhattans_memberships(trollhattan_client, vaxjo_records):
    network = Network.objects.get(slug="eurotowns")
    response = trollhattan_client.get(admin_url(Network, "change", network.pk))
    assert response.status_code == 200
    (inline,) = [
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Membership
    ]
    assert [form.instance.municipality.slug for form in inline.formset.initial_forms] == [
        "trollhattan"
    ]
    # The network belongs to everyone: a coordinator reads it but may not change it.
    assert not response.context["has_change_permission"]
    refused = trollhattan_client.post(admin_url(Network, "change", network.pk), {"name": "X"})
    assert refused.status_code == 403


def test_reference_data_is_readable_but_not_changeable(trollhattan_client):
    theme = Theme.objects.first()
    assert trollhattan_client.get(admin_url(Theme, "changelist")).status_code == 200
    assert trollhattan_client.get(admin_url(Country, "changelist")).status_code == 200
    response = trollhattan_client.post(admin_url(Theme, "change", theme.pk), {"name": "Kapad"})
    assert response.status_code == 403
    theme.refresh_from_db()
    assert theme.name != "Kapad"
    assert trollhattan_client.get(admin_url(Theme, "add")).status_code == 403


def test_an_organisation_is_changeable_only_by_whom_it_belongs_to(trollhattan_client):
    vaxjo_partner = Organisation.objects.get(slug="jb-marks")
    response = trollhattan_client.get(admin_url(Organisation, "change", vaxjo_partner.pk))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]

    own = Organisation.objects.get(slug="trollhattans-stad")
    response = trollhattan_client.get(admin_url(Organisation, "change", own.pk))
    assert response.context["has_change_permission"]


def test_a_coordinator_may_change_an_organisation_they_added(trollhattan_client, make_coordinator):
    response = trollhattan_client.post(
        admin_url(Organisation, "add"),
        {
            "name": "Tempe Union High School District",
            "slug": "tempe-union",
            "kind": "annan",
            "country": "US",
            "other_names-TOTAL_FORMS": "0",
            "other_names-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Organisation.objects.get(slug="tempe-union")
    response = trollhattan_client.get(admin_url(Organisation, "change", added.pk))
    assert response.context["has_change_permission"]

    # Växjö's coordinator may read it but not change it.
    other = Client()
    other.force_login(make_coordinator("vaxjo"))
    response = other.get(admin_url(Organisation, "change", added.pk))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]


def test_a_coordinator_without_municipalities_sees_nothing(client, make_coordinator):
    client.force_login(make_coordinator())
    for model in (Project, Partnership, Membership, Municipality, Story, Photo, ContactCentre):
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0, model


def test_a_coordinator_cannot_manage_accounts(trollhattan_client):
    assert trollhattan_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_a_national_editor_reaches_every_municipality(national_editor_client):
    response = national_editor_client.get(admin_url(Municipality, "changelist"))
    assert response.context["cl"].result_count == Municipality.objects.count()
    project = Project.objects.get(slug="sumba")
    assert national_editor_client.get(admin_url(Project, "change", project.pk)).status_code == 200
    assert national_editor_client.get(admin_url(Project, "history", project.pk)).status_code == 200


def test_a_national_editor_cannot_make_anyone_superuser(national_editor_client, make_coordinator):
    coordinator = make_coordinator("trollhattan")
    response = national_editor_client.get(reverse("admin:auth_user_change", args=[coordinator.pk]))
    assert response.status_code == 200
    assert "is_superuser" not in response.context["adminform"].form.fields
    data = change_form_data(response, is_superuser="on")
    national_editor_client.post(reverse("admin:auth_user_change", args=[coordinator.pk]), data)
    coordinator.refresh_from_db()
    assert not coordinator.is_superuser


@pytest.mark.parametrize(
    "model", [Municipality, Partnership, Project, Membership, Person, Organisation, Story]
)
def test_scoped_change_lists_use_a_fixed_number_of_queries(
    trollhattan_client, model, django_assert_max_num_queries
):
    """Session, user, permissions, role and scope cost 6; the list itself at most 6 more."""
    trollhattan_client.get(admin_url(model, "changelist"))  # warm the session and caches
    with django_assert_max_num_queries(12):
        assert trollhattan_client.get(admin_url(model, "changelist")).status_code == 200
