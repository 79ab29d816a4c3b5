"""The search documents (search app): what residents type finds what they mean, every
change to a record or a name it holds moves its document, and the models know nothing of
search."""

import ast
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Organisation
from portal.models import Country, FundingSource
from projects.models import Programme, Project, ProjectParticipant
from public.search import search_kind
from search import index
from search.models import Kind, SearchDocument
from tests.factories import make_organisation, make_partnership, make_project, unique
from tests.seeking.factories import make_partner_request

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL"
)
ROOT = Path(__file__).resolve().parents[2]


def published_project(**fields) -> Project:
    project = make_project(is_published=True, **fields)
    project.save()
    return project


def document(kind: str, pk: int) -> SearchDocument:
    return SearchDocument.objects.get(kind=kind, object_id=pk)


def programme(name: str) -> Programme:
    return Programme.objects.create(
        name=name, slug=unique("program"), funding_source=FundingSource.objects.first()
    )


def test_a_programme_name_finds_its_projects(client):
    project = published_project(
        title="Hamnar i samverkan", programme=programme("Interreg Kattegat")
    )

    assert project in search_kind(Kind.PROJECT, "Interreg", 25)
    assert project in search_kind(Kind.PROJECT, "kattegat", 25)


def test_a_twin_town_is_found_by_its_kind(client):
    partnership = make_partnership(name="Zyxby", kind="vanort", is_published=True)
    partnership.save()

    assert partnership in search_kind(Kind.PARTNERSHIP, "vänort", 1000)
    if connection.vendor == "postgresql":
        assert partnership in search_kind(Kind.PARTNERSHIP, "vänorter", 1000)


def test_a_partner_written_without_its_letters_is_found(client):
    """ "Koge" finds Køge and "Lodz" Łódź: the names are also kept without diacritics."""
    project = published_project(title="Kustskydd")
    for name in ("Køge Kommune", "Miasto Łódź"):
        ProjectParticipant.objects.create(
            project=project, organisation=make_organisation(name=name)
        )

    assert project in search_kind(Kind.PROJECT, "Koge", 25)
    assert project in search_kind(Kind.PROJECT, "lodz", 25)
    page = client.get("/projekt/", {"q": "Koge"}).content.decode()
    assert f"/projekt/{project.slug}/" in page


def test_a_partner_request_is_found_by_its_description(client):
    request = make_partner_request(
        title="Vi söker en vänort", description="Gärna en stad med en stark körtradition."
    )

    assert request in search_kind(Kind.PARTNER_REQUEST, "körtradition", 25)
    page = client.get("/sok/", {"q": "körtradition"}).content.decode()
    assert f"/soker-partner/{request.slug}/" in page


def test_a_renamed_partner_renames_every_document_that_names_it():
    project = published_project(title="Vattenverk")
    partner = make_organisation(name="Gamla Namnet AB")
    ProjectParticipant.objects.create(project=project, organisation=partner)
    partnership = make_partnership(is_published=True)
    partnership.save()
    partnership.parties.create(organisation=partner)
    assert "Gamla Namnet AB" in document(Kind.PROJECT, project.pk).names

    partner.name = "Nya Namnet AB"
    partner.save()

    assert "Nya Namnet AB" in document(Kind.PROJECT, project.pk).names
    assert "Nya Namnet AB" in document(Kind.PARTNERSHIP, partnership.pk).names


def document_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "search_searchdocument" in q["sql"]]


def test_an_unchanged_name_refreshes_nothing():
    partner = Organisation.objects.filter(project_participations__isnull=False).first()
    partner.website = "https://example.org/"
    with CaptureQueriesContext(connection) as captured:
        partner.save()
    assert document_queries(captured) == []


def test_a_renamed_country_or_programme_moves_the_documents():
    interreg = programme("Interreg Testsundet")
    project = published_project(title="Broar", programme=interreg)
    interreg.name = "Interreg Testsundet-Skagerrak"
    interreg.save()
    assert "Interreg Testsundet-Skagerrak" in document(Kind.PROJECT, project.pk).names

    request = make_partner_request(countries=["TZ"])
    tanzania = Country.objects.get(code="TZ")
    tanzania.name = "Förenade republiken Tanzania"
    tanzania.save()
    assert "Förenade republiken Tanzania" in document(Kind.PARTNER_REQUEST, request.pk).names


def test_drafts_have_documents_that_are_never_found():
    project = make_project(title="Hemliga bikupor", is_published=False)
    project.save()

    assert document(Kind.PROJECT, project.pk).is_public is False
    assert search_kind(Kind.PROJECT, "bikupor", 25) == []


def test_a_deleted_record_takes_its_document_with_it():
    project = published_project(title="Kortlivat")
    ProjectParticipant.objects.filter(project=project).delete()
    pk = project.pk
    project.delete()

    assert not SearchDocument.objects.filter(kind=Kind.PROJECT, object_id=pk).exists()


def test_a_batch_writes_each_document_once_at_its_end():
    project = published_project(title="Många parter")
    partners = [make_organisation(name=f"Part {number}") for number in range(8)]
    with CaptureQueriesContext(connection) as captured, index.batch():
        for partner in partners:
            ProjectParticipant.objects.create(project=project, organisation=partner)
        assert "Part 7" not in document(Kind.PROJECT, project.pk).names
    assert "Part 7" in document(Kind.PROJECT, project.pk).names
    # The look inside, then one read, one write (and the vector on PostgreSQL) at the end.
    assert len(document_queries(captured)) <= 4


def test_rebuilding_restores_lost_and_removes_stray_documents():
    project = Project.objects.first()
    SearchDocument.objects.filter(kind=Kind.PROJECT, object_id=project.pk).delete()
    SearchDocument.objects.create(kind=Kind.PROJECT, object_id=10**9, title="Spöke")

    index.rebuild()

    assert SearchDocument.objects.filter(kind=Kind.PROJECT, object_id=project.pk).exists()
    assert not SearchDocument.objects.filter(object_id=10**9).exists()
    assert index.rebuild() == 0


def test_no_model_imports_search():
    """The models are below search: search reads them, never the other way round."""
    for models_file in ROOT.glob("*/models.py"):
        if models_file.parent.name == "search":
            continue
        tree = ast.parse(models_file.read_text())
        imported = {
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        }
        assert not {name for name in imported if name and name.split(".")[0] == "search"}, (
            models_file
        )
        assert "django.contrib.postgres.search" not in imported, models_file


@postgresql_only
def test_one_query_ranks_every_kind(client, django_assert_max_num_queries):
    """/sok/: the documents in one query, then each kind's hits and the organisations,
    people and stories, whatever the word."""
    for word in ("samarbete", "Vaxjo", "Interreg"):
        with django_assert_max_num_queries(20):
            assert client.get("/sok/", {"q": word}).status_code == 200


@postgresql_only
def test_more_hits_take_no_more_queries(client, monkeypatch):
    """Each hit is read with what the page shows of it (no field read afterwards one by one),
    and what organisations and people take part in is read for all of them at once."""
    import public.search

    def queries(limit: int) -> int:
        monkeypatch.setattr(public.search, "SEARCH_LIMIT", limit)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/sok/", {"q": "kommun"})
        groups = {key: len(items) for _label, key, items in response.context["groups"]}
        return len(captured), groups

    few, few_groups = queries(1)
    many, many_groups = queries(10)

    assert sum(many_groups.values()) > sum(few_groups.values()) + 10, many_groups
    assert many == few


@pytest.mark.parametrize("query", ["-", " – ", "_"])
def test_a_query_of_separators_alone_finds_nothing(client, query):
    """Folded, "-" is empty: it must not match every title as an empty substring would."""
    assert search_kind(Kind.PROJECT, query, 25) == []
    response = client.get("/projekt/", {"q": query})
    assert response.context["page_obj"].paginator.count < Project.objects.published().count()
