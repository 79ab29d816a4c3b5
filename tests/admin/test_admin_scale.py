"""The admin at scale (issue 17): the index, Datakvalitet, the big change lists with a
search and the project change form cost the same number of queries with many more rows;
the change lists' search finds what Django's own search finds, and a page lists the rows
Django's own paging lists, in the same order."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Organisation, OrganisationName, Person
from partnerships.models import Partnership, PartnershipParty
from portal.models import Country
from projects.models import Project, ProjectParticipant
from tests.factories import admin_url, make_partnership, make_project, municipality, unique

pytestmark = pytest.mark.django_db


def add_rows(count: int) -> None:
    """count more organisations, projects, partnerships, participants, parties and people,
    shared between Växjö and Trollhättan."""
    denmark = Country.objects.get(code="DK")
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Klimatkommun {index}",
            slug=unique("klimatkommun"),
            kind="kommun",
            country=denmark,
        )
        for index in range(count)
    )
    # A probable duplicate and a pair with the same distinctive words: each rule has
    # findings at every size.
    Organisation.objects.bulk_create(
        Organisation(name=name, slug=unique("dubblett"), kind="kommun", country=denmark)
        for name in (
            f"Likaby {count}",
            f"Likaby {count} kommun",
            f"Nyby Östra {count}",
            f"Östra Nyby {count}",
        )
    )
    OrganisationName.objects.bulk_create(
        OrganisationName(organisation=organisation, name=f"Gamla {organisation.name}")
        for organisation in organisations[::2]
    )
    owners = [municipality("vaxjo"), municipality("trollhattan")]
    projects = Project.objects.bulk_create(
        make_project(title=f"Klimat och skola {index}", municipality=owners[index % 2])
        for index in range(count)
    )
    partnerships = Partnership.objects.bulk_create(
        make_partnership(name=f"Klimatort {index}", municipality=owners[index % 2])
        for index in range(count)
    )
    ProjectParticipant.objects.bulk_create(
        ProjectParticipant(project=project, organisation=organisation)
        for project in projects
        for organisation in organisations[:3]
    )
    PartnershipParty.objects.bulk_create(
        PartnershipParty(partnership=partnership, organisation=organisation)
        for partnership, organisation in zip(partnerships, organisations, strict=True)
    )
    Person.objects.bulk_create(
        Person(name=f"Kim Klimat {index}", slug=unique("kim-klimat"), organisation=organisation)
        for index, organisation in enumerate(organisations)
    )


def pages() -> list[str]:
    project = Project.objects.filter(municipality__slug="trollhattan").order_by("pk").first()
    if project is None:
        project = make_project(
            title="Trollhättans projekt", municipality=municipality("trollhattan")
        )
        project.save()
    return [
        reverse("admin:index"),
        reverse("quality:index"),
        admin_url(Project, "changelist") + "?q=klimat",
        admin_url(Project, "changelist") + "?q=klimat+skola",
        admin_url(ProjectParticipant, "changelist") + "?q=klimat",
        admin_url(Partnership, "changelist") + "?q=klimat",
        admin_url(Person, "changelist"),
        admin_url(Project, "change", project.pk),
    ]


def query_counts(client, urls) -> list[int]:
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts.append(len(queries))
    return counts


@pytest.fixture
def coordinator_client(client, make_coordinator):
    user = make_coordinator("trollhattan")
    client.force_login(user)
    client.user = user
    return client


@pytest.mark.parametrize("account", ["national_editor_client", "coordinator_client"])
def test_the_admin_pages_cost_the_same_queries_with_many_more_rows(
    account, request, django_assert_max_num_queries
):
    client = request.getfixturevalue(account)
    urls = pages()
    add_rows(220)  # more than one page of each list, as at scale (the page's ids first)
    before = query_counts(client, urls)
    add_rows(600)
    for url, most in zip(urls, before, strict=True):
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("account", ["national_editor_client", "coordinator_client"])
def test_the_big_pages_keep_within_a_fixed_number_of_queries(
    account, request, django_assert_max_num_queries
):
    client = request.getfixturevalue(account)
    add_rows(150)
    index, quality, *lists, form = pages()
    with django_assert_max_num_queries(40):
        assert client.get(index).status_code == 200
    with django_assert_max_num_queries(40):
        assert client.get(quality).status_code == 200
    for url in lists:
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200, url
    with django_assert_max_num_queries(40):
        assert client.get(form).status_code == 200


def django_search(model, queryset, term) -> set[int]:
    """What Django's own ModelAdmin.get_search_results finds with the same search_fields."""
    plain = ModelAdmin(model, admin.site)
    plain.search_fields = admin.site._registry[model].search_fields
    found, _duplicates = plain.get_search_results(None, queryset, term)
    return set(found.values_list("pk", flat=True))


@pytest.mark.parametrize("model", [Project, ProjectParticipant, Partnership, Organisation, Person])
@pytest.mark.parametrize("term", ["klimat", "klimat 7", '"Gamla Klimat"', "växjö", "zzz"])
def test_the_search_finds_what_djangos_search_finds(model, term):
    add_rows(20)
    model_admin = admin.site._registry[model]
    queryset = model._default_manager.all()
    request = RequestFactory().get("/")
    found, may_have_duplicates = model_admin.get_search_results(request, queryset, term)
    assert not may_have_duplicates
    pks = list(found.values_list("pk", flat=True))
    assert len(pks) == len(set(pks))
    assert set(pks) == django_search(model, queryset, term)


@pytest.mark.parametrize("model", [Project, ProjectParticipant])
def test_a_page_lists_the_rows_of_djangos_paging_in_its_order(model, national_editor_client):
    add_rows(120)
    response = national_editor_client.get(admin_url(model, "changelist") + "?p=2")
    changelist = response.context["cl"]
    shown = [row.pk for row in changelist.result_list]
    start = changelist.list_per_page
    expected = list(changelist.queryset.values_list("pk", flat=True)[start : start + 100])
    assert shown == expected
    assert len(shown) > 0
