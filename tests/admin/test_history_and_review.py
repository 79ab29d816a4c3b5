"""Every change is kept with who, when and what, and can be reverted; records are reviewed
("Senast granskad") and published deliberately."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Organisation, Person
from networks.models import Membership, Network
from partnerships.models import Partnership
from portal.models import Municipality, Theme
from projects.models import Project
from tests.admin.formdata import change_form_data
from tests.factories import admin_url, make_project, municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def tempe(trollhattan_client):
    return Partnership.objects.get(slug="trollhattan-tempe")


def edit_in_admin(client, obj, **changes):
    url = admin_url(type(obj), "change", obj.pk)
    response = client.post(url, change_form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    obj.refresh_from_db()
    return obj


def test_a_change_in_the_admin_is_kept_with_who_when_and_what(trollhattan_client, tempe):
    before = tempe.history.count()
    edit_in_admin(trollhattan_client, tempe, steering_group="Kommunstyrelsen")
    assert tempe.history.count() == before + 1
    latest = tempe.history.latest()
    assert latest.history_user == trollhattan_client.user
    assert latest.history_type == "~"
    assert (timezone.now() - latest.history_date) < datetime.timedelta(minutes=1)
    assert latest.diff_against(latest.prev_record).changed_fields == ["steering_group"]

    page = trollhattan_client.get(admin_url(Partnership, "history", tempe.pk)).content.decode()
    assert "Styrgrupp:" in page  # the changed field, by its Swedish name, old → new
    assert "Kommunstyrelsen" in page
    assert "Kim Samordnare" in page or trollhattan_client.user.username in page


def test_a_change_of_themes_is_kept_too(trollhattan_client, tempe):
    theme = Theme.objects.exclude(pk__in=tempe.themes.all()).first()
    edit_in_admin(
        trollhattan_client,
        tempe,
        themes=[str(pk) for pk in tempe.themes.values_list("pk", flat=True)] + [str(theme.pk)],
    )
    latest = tempe.history.latest()
    assert theme.pk in {row.theme_id for row in latest.themes.all()}

    page = trollhattan_client.get(admin_url(Partnership, "history", tempe.pk)).content.decode()
    changes = page.split("Samarbetsområden:</strong>", 1)[1].split("</li>", 1)[0]
    assert theme.name in changes
    assert "[" not in changes and "None" not in changes


def test_an_empty_value_in_the_history_is_a_dash_not_brackets_or_none(trollhattan_client, tempe):
    edit_in_admin(trollhattan_client, tempe, steering_group="Kommunstyrelsen", themes=[])

    page = trollhattan_client.get(admin_url(Partnership, "history", tempe.pk)).content.decode()
    changes = page.split('id="change-history"', 1)[1]

    assert "[]" not in changes and ">None<" not in changes
    assert "&rarr;&nbsp;&nbsp;–" in changes  # the themes, now none


def test_a_change_can_be_reverted_from_the_history(trollhattan_client, tempe):
    original = tempe.steering_group
    edit_in_admin(trollhattan_client, tempe, steering_group="Fel text")
    version = tempe.history.filter(steering_group=original).latest()
    url = reverse("admin:partnerships_partnership_simple_history", args=[tempe.pk, version.pk])
    form = trollhattan_client.get(url)
    assert form.status_code == 200
    response = trollhattan_client.post(url, change_form_data(form))
    assert response.status_code == 302
    tempe.refresh_from_db()
    assert tempe.steering_group == original
    assert tempe.history.latest().history_user == trollhattan_client.user


@pytest.mark.parametrize(
    "model", [Municipality, Partnership, Project, Network, Membership, Organisation, Person]
)
def test_every_kind_of_record_keeps_its_history(model):
    obj = model._default_manager.first()
    before = obj.history.count()
    obj.save()
    assert obj.history.count() == before + 1


def test_mark_as_reviewed_sets_today_and_the_reviewer(trollhattan_client, tempe):
    trollhattan_client.post(
        admin_url(Partnership, "changelist"),
        {"action": "mark_reviewed", "_selected_action": [tempe.pk]},
    )
    tempe.refresh_from_db()
    assert tempe.reviewed_on == timezone.localdate()
    assert tempe.reviewed_by == "Kim Samordnare"
    page = trollhattan_client.get(
        reverse("partnerships:detail", args=[tempe.slug])
    ).content.decode()
    assert "Senast granskad" in page and "av Kim Samordnare" in page


def test_needs_review_lists_what_was_not_reviewed_for_a_year(trollhattan_client):
    today = timezone.localdate()
    old, fresh, never = (
        make_project(municipality=municipality("trollhattan"), title=title, reviewed_on=when)
        for title, when in [
            ("Gammalt", today - datetime.timedelta(days=400)),
            ("Färskt", today - datetime.timedelta(days=30)),
            ("Aldrig", None),
        ]
    )
    for project in (old, fresh, never):
        project.save()
    response = trollhattan_client.get(admin_url(Project, "changelist") + "?granskning=behovs")
    titles = {project.title for project in response.context["cl"].result_list}
    assert titles == {"Gammalt", "Aldrig"}
    assert "Behöver granskas" in response.content.decode()


def test_a_new_project_is_a_draft_until_it_is_published(trollhattan_client, client):
    project = make_project(municipality=municipality("trollhattan"), title="Utkastet")
    project.save()
    assert not project.is_published
    public_url = reverse("projects:detail", args=[project.slug])
    assert trollhattan_client.get(public_url).status_code == 404

    trollhattan_client.post(
        admin_url(Project, "changelist"),
        {"action": "publish", "_selected_action": [project.pk]},
    )
    project.refresh_from_db()
    assert project.is_published
    assert project.history.latest().history_change_reason == "Publicerad"
    assert trollhattan_client.get(public_url).status_code == 200

    trollhattan_client.post(
        admin_url(Project, "changelist"),
        {"action": "unpublish", "_selected_action": [project.pk]},
    )
    assert trollhattan_client.get(public_url).status_code == 404


def test_the_municipality_page_shows_when_it_was_reviewed(client):
    page = client.get(reverse("portal:municipality_detail", args=["trollhattan"])).content.decode()
    assert "Senast granskad 15 maj 2024 av KLALIW" in page


def test_the_admin_front_page_counts_what_needs_review_in_scope(trollhattan_client):
    make_project(municipality=municipality("trollhattan"), title="Ogranskat").save()
    page = trollhattan_client.get(reverse("admin:index")).content.decode()
    assert "Att granska" in page
    # Trollhättan itself was reviewed in May 2024, Tempe and the others never: all in scope.
    expected = Partnership.objects.filter(municipality__slug="trollhattan").count()
    assert f"Samarbeten: {expected}</a>" in page
    assert "Projekt: 1</a>" in page
    assert "Kommuner och regioner: 1</a>" in page


def test_the_revert_page_names_the_app_and_record_in_swedish(trollhattan_client, tempe):
    version = tempe.history.latest()
    url = reverse("admin:partnerships_partnership_simple_history", args=[tempe.pk, version.pk])
    page = trollhattan_client.get(url).content.decode()
    assert "Vänorter och partnerskap</a>" in page
    assert "Återställ samarbete" in page
    assert "Historical" not in page
    history = trollhattan_client.get(admin_url(Partnership, "history", tempe.pk))
    assert "None" not in history.content.decode()


def test_a_record_never_reviewed_shows_no_load_date_until_a_person_edits_it(
    trollhattan_client, client, tempe
):
    """The fixture loader's date says nothing about the facts: a record no one has reviewed
    or edited shows no date; once a coordinator edits it, the day of that edit."""
    tempe.reviewed_on = None
    tempe.save()
    page = client.get(f"/samarbeten/{tempe.slug}/").content.decode()
    assert "Senast ändrad" not in page and "Senast granskad" not in page

    edit_in_admin(trollhattan_client, tempe, steering_group="Kommunstyrelsen")

    page = client.get(f"/samarbeten/{tempe.slug}/").content.decode()
    today = timezone.localdate()
    assert "Senast ändrad" in page
    assert f"{today.day} " in page.split("Senast ändrad", 1)[1][:40]
