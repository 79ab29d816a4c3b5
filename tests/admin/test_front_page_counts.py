"""The admin front page's counts ("Att granska", the Datakvalitet box) and Datakvalitet's
overview are kept per content version and scope (quality.counts): a second visit runs no
counting query, a save or a link check counts anew, and each scope keeps its own figures."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from access.roles import NATIONAL_EDITOR
from access.scoping import editable
from partnerships.models import Partnership
from portal.models import Municipality
from portal.review import needs_review_q
from projects.models import Project
from quality import rules
from quality.models import LinkCheck
from tests.factories import make_project, municipality

INDEX = "/admin/"
PAGE = "/admin/datakvalitet/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("redaktor", is_staff=True)
    user.groups.add(Group.objects.get(name=NATIONAL_EDITOR))
    return user


def total_on(page: str) -> str:
    return page.split(f'<a href="{PAGE}">')[1].split("</a>")[0]


@pytest.mark.parametrize("url", [INDEX, PAGE])
def test_a_second_visit_runs_no_counting_query(
    url, make_coordinator, editor, django_assert_max_num_queries
):
    for user in (editor, make_coordinator("trollhattan")):
        client = client_for(user)
        assert client.get(url).status_code == 200
        # The session, the user, the roles and the permissions; nothing counted.
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200


def test_a_save_counts_anew(make_coordinator):
    coordinator = make_coordinator("trollhattan")
    client = client_for(coordinator)
    before = rules.not_reviewed_counts(coordinator).by_model["projects.project"]
    assert f"Projekt: {before}</a>" in client.get(INDEX).content.decode()
    make_project(municipality=municipality("trollhattan"), title="Ogranskat").save()
    page = client.get(INDEX).content.decode()
    assert f"Projekt: {before + 1}</a>" in page
    assert rules.count_not_reviewed(coordinator) == (rules.not_reviewed_counts(coordinator).total)
    overview = client.get(PAGE).content.decode()
    assert f"{rules.count_not_reviewed(coordinator)} poster har inte granskats" in overview


def test_a_link_check_counts_anew(editor):
    project = make_project(title="Med webbplats", website="https://trasig.example/")
    project.save()
    client = client_for(editor)
    assert "webbadress svarar med fel" not in client.get(INDEX).content.decode()
    LinkCheck.objects.create(
        url=project.website, checked_at=timezone.now(), ok=False, error="Svarade 404"
    )
    assert "1 webbadress svarar med fel" in client.get(INDEX).content.decode()
    assert "1 webbadress svarar med fel" in client.get(PAGE).content.decode()
    LinkCheck.objects.all().delete()
    assert "webbadress svarar med fel" not in client.get(INDEX).content.decode()


def test_each_scope_keeps_its_own_counts(make_coordinator, editor):
    """Visited one after the other, at one content version, each sees their own figures."""
    trollhattan, vaxjo = make_coordinator("trollhattan"), make_coordinator("vaxjo")
    for user in (editor, trollhattan, vaxjo, editor):
        page = client_for(user).get(INDEX).content.decode()
        counts = rules.not_reviewed_counts(user)
        assert f"Projekt: {counts.by_model['projects.project']}</a>" in page
        assert f"Samarbeten: {counts.by_model['partnerships.partnership']}</a>" in page
        total = sum(result.count for result in rules.quality_report(user, counts_only=True))
        assert total_on(page) == f"{total} fynd att åtgärda"
    assert rules.not_reviewed_counts(trollhattan) != rules.not_reviewed_counts(vaxjo)


def test_att_granska_and_the_rule_count_alike(make_coordinator, editor):
    """The rule counts the published municipality pages; "Att granska" every page."""
    Municipality.objects.filter(slug="trollhattan").update(is_published=False, reviewed_on=None)
    for user in (editor, make_coordinator("trollhattan")):
        counts = rules.not_reviewed_counts(user)
        pages = editable(Municipality.objects.filter(needs_review_q()), user)
        assert counts.municipality_pages == pages.count()
        assert counts.by_model["portal.municipality"] == pages.filter(is_published=True).count()
        assert counts.municipality_pages > counts.by_model["portal.municipality"]
        for model in (Partnership, Project):
            expected = editable(model.objects.filter(needs_review_q()), user).count()
            assert counts.by_model[model._meta.label_lower] == expected
        assert counts.total == rules.count_not_reviewed(user) == len(rules.not_reviewed(user))
        page = client_for(user).get(INDEX).content.decode()
        assert f"Kommuner och regioner: {counts.municipality_pages}</a>" in page
