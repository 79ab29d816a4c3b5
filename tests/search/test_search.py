"""Site search (/sok/): Swedish full-text search on PostgreSQL, substrings on SQLite."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.test.utils import CaptureQueriesContext

from networks.models import Network
from partnerships.models import Partnership
from portal.models import Municipality
from projects.models import Project
from public.search import search_kind
from search import index, text
from search.models import Kind, SearchDocument
from tests.factories import make_network, make_partnership, make_project

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL"
)


def hits(client, query: str, key: str) -> list:
    response = client.get("/sok/", {"q": query})
    assert response.status_code == 200
    groups = {group_key: items for _label, group_key, items in response.context["groups"]}
    return groups.get(key, [])


def matches(kind: str, pk: int, word: str) -> bool:
    """Whether the record's search document holds the word (Swedish stemming)."""
    return SearchDocument.objects.filter(
        kind=kind, object_id=pk, vector=SearchQuery(word, config="swedish")
    ).exists()


def published_project(**fields) -> Project:
    fields.setdefault("is_published", True)
    project = make_project(**fields)
    project.full_clean()
    project.save()
    return project


@pytest.mark.parametrize(
    ("query", "slug", "name"),
    [
        ("Vaxjo", "vaxjo", "Växjö"),
        ("vaxjo", "vaxjo", "Växjö"),
        ("Trollhatan", "trollhattan", "Trollhättans Stad"),
    ],
)
def test_names_are_found_without_diacritics_and_misspelt(client, query, slug, name):
    found = hits(client, query, "municipalities")
    assert slug in [municipality.slug for municipality in found]
    assert name in client.get("/sok/", {"q": query}).content.decode()


def test_the_right_municipality_comes_first(client):
    assert hits(client, "Vaxjo", "municipalities")[0].slug == "vaxjo"
    assert hits(client, "Trollhatan", "municipalities")[0].slug == "trollhattan"


def test_short_queries_are_not_fuzzy(client):
    """A misspelling needs a few letters: "Ale" is not a hit for "Alx"."""
    assert "ale" not in [m.slug for m in hits(client, "Alx", "municipalities")]


@postgresql_only
def test_swedish_words_are_stemmed(client):
    project = published_project(
        title="Solceller i Kisumu", summary="Ett kommunalt partnerskap om förnybar energi."
    )
    found = search_kind(Kind.PROJECT, "partnerskapen", limit=1000)
    assert project in found
    partnership = make_partnership(
        name="Testort", background="Vänorterna samarbetar om skolor.", is_published=True
    )
    partnership.save()
    assert partnership in search_kind(Kind.PARTNERSHIP, "vänorten skola", limit=1000)


def test_a_saved_title_is_found_at_once(client):
    project = Project.objects.get(acronym="SUMBA")
    project.title = "Kvantdatorer för kommunerna"
    project.save()
    assert project.pk in [hit.pk for hit in hits(client, "Kvantdatorer", "projects")]
    if connection.vendor == "postgresql":
        assert matches(Kind.PROJECT, project.pk, "kvantdatorerna")


@postgresql_only
def test_every_searchable_type_keeps_its_vector_on_save():
    network = make_network(name="Nätverket för kallskänkor", is_published=True)
    network.save()
    assert matches(Kind.NETWORK, network.pk, "kallskänka")
    vaxjo = Municipality.objects.get(slug="vaxjo")
    vaxjo.intro = "Växjö har en lång tradition av fjällräddning."
    vaxjo.save()
    assert matches(Kind.MUNICIPALITY, vaxjo.pk, "fjällräddningen")


@postgresql_only
def test_a_renamed_municipality_updates_its_projects_and_partnerships():
    vaxjo = Municipality.objects.get(slug="vaxjo")
    vaxjo.name = "Smålandsstadens kommun"
    vaxjo.save()
    for kind, model in ((Kind.PROJECT, Project), (Kind.PARTNERSHIP, Partnership)):
        record = model.objects.filter(municipality=vaxjo).first()
        assert matches(kind, record.pk, "smålandsstaden")


def test_every_record_of_the_seed_has_a_document(client):
    """Rows saved before this test (the seeds), drafts too, each have one document."""
    for kind, model in (
        (Kind.MUNICIPALITY, Municipality),
        (Kind.PARTNERSHIP, Partnership),
        (Kind.PROJECT, Project),
        (Kind.NETWORK, Network),
    ):
        documents = SearchDocument.objects.filter(kind=kind)
        assert set(documents.values_list("object_id", flat=True)) == set(
            model._base_manager.values_list("pk", flat=True)
        ), kind
        if connection.vendor == "postgresql":
            assert not documents.filter(vector__isnull=True).exists()


def test_html_in_a_title_is_escaped_in_the_snippet(client):
    attack = 'Stadsodling <script>alert("x")</script> & kompost'
    project = published_project(title=attack)
    found = hits(client, "Stadsodling", "projects")
    assert project.pk in [hit.pk for hit in found]
    hit = next(hit for hit in found if hit.pk == project.pk)
    assert "<mark>" in hit.snippet and "Stadsodling</mark>" in hit.snippet
    assert "<script" not in hit.snippet
    assert "&amp;" in hit.snippet
    if connection.vendor != "postgresql":
        # PostgreSQL's parser drops tags from a headline; here they are kept, escaped.
        assert "&lt;script&gt;" in hit.snippet
    html = client.get("/sok/", {"q": "Stadsodling"}).content.decode()
    assert "<script>alert" not in html
    assert '<p class="snippet">' in html


def test_html_in_a_description_is_escaped_in_the_snippet(client):
    published_project(
        title="Ett projekt",
        summary='Om gröngödsling <img src=x onerror="alert(1)"> och "annat" <b>fett</b>',
    )
    html = client.get("/sok/", {"q": "gröngödsling"}).content.decode()
    assert "<img" not in html and "<b>fett" not in html
    assert "<mark>gröngödsling</mark>" in html


@postgresql_only  # without PostgreSQL, descriptions are not searched (substrings are too noisy)
def test_a_title_match_ranks_before_a_description_only_match(client):
    in_description = published_project(
        title="Annat arbete", description="Vi räknar sjöfåglar vid kusten varje vår."
    )
    in_title = published_project(title="Zonen för sjöfåglar")
    found = [hit.pk for hit in hits(client, "sjöfåglar", "projects")]
    assert found.index(in_title.pk) < found.index(in_description.pk)
    ranks = {hit.pk: hit.rank for hit in hits(client, "sjöfåglar", "projects")}
    assert ranks[in_title.pk] > ranks[in_description.pk]


def test_drafts_are_not_found(client):
    published_project(title="Hemligt utkast om bikupor", is_published=False)
    assert hits(client, "bikupor", "projects") == []


def test_partner_names_still_find_partnerships(client):
    found = hits(client, "Tempe", "partnerships")
    assert "trollhattan-tempe" in [partnership.slug for partnership in found]


def test_punctuation_and_operators_are_harmless(client):
    for query in ['"', "-", "a & | ! :*", "'; drop table", "(((", "och"]:
        assert client.get("/sok/", {"q": query}).status_code == 200


def test_snippets_mark_matches_in_python():
    snippet = text.python_snippet("vaxjo", "", "Hej från <Växjö> & co")
    assert snippet == "Hej från &lt;<mark>Växjö</mark>&gt; &amp; co"
    assert text.python_snippet("saknas", "text") == ""


def test_headline_markers_become_marks_and_the_rest_is_escaped():
    raw = f"<i>x</i> {text.START}ord{text.STOP} & **fet**"
    assert text.marked_snippet(raw) == "&lt;i&gt;x&lt;/i&gt; <mark>ord</mark> &amp; fet"


@postgresql_only
@pytest.mark.parametrize(
    ("kind", "query"),
    [
        (Kind.PROJECT, "klimat"),
        (Kind.PROJECT, "Trollhatan"),
        (Kind.PARTNERSHIP, "Kisumu"),
        (Kind.PARTNERSHIP, "Vaxjo"),
        (Kind.MUNICIPALITY, "samarbete"),
    ],
)
def test_the_documents_are_searched_through_their_indexes(kind, query):
    """Every condition of the search can be answered by the documents' two indexes (full
    text, trigram): with sequential and whole-index scans priced out, a condition that could
    not would still force a sequential scan of the table. (The unique key on kind and record,
    which a table this small would be read through instead, is dropped for the look; the
    test's transaction puts it back.)"""
    with CaptureQueriesContext(connection) as captured:
        search_kind(kind, query, limit=10)
    table = SearchDocument._meta.db_table
    # Words and titles first; misspellings (a second query) for the kinds short of hits.
    first, *misspelt = [q["sql"] for q in captured.captured_queries if table in q["sql"]]
    with connection.cursor() as cursor:

        def plan(sql=first) -> str:
            cursor.execute("EXPLAIN " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())

        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT search_document_record")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        with_both = plan()
        # Without the full-text index the title conditions still have theirs.
        cursor.execute("DROP INDEX search_document_vector")
        with_trigrams = plan()
        misspelt_plans = [plan(sql) for sql in misspelt]
    for misspelt_plan in misspelt_plans:
        assert f"Seq Scan on {table}" not in misspelt_plan, misspelt_plan
        assert "Bitmap Index Scan on search_document_title_trgm" in misspelt_plan, misspelt_plan
    assert f"Seq Scan on {table}" not in with_both, with_both
    assert "Bitmap Index Scan on search_document_vector" in with_both, with_both
    assert "Bitmap Index Scan on search_document_title_trgm" in with_trigrams, with_trigrams


def test_refreshing_writes_only_the_documents_that_change():
    """A reload of the seeds must not rewrite every row (dead rows make search slow)."""
    projects = list(Project.objects.values_list("pk", flat=True))
    assert index.refresh(Kind.PROJECT, projects) == 0
    Project.objects.filter(acronym="SUMBA").update(summary="Om kvantdatorer i kommunerna.")
    assert index.refresh(Kind.PROJECT, projects) == 1
    sumba = Project.objects.get(acronym="SUMBA")
    assert "kvantdatorer" in SearchDocument.objects.get(kind=Kind.PROJECT, object_id=sumba.pk).body
    if connection.vendor == "postgresql":
        assert matches(Kind.PROJECT, sumba.pk, "kvantdatorerna")


def test_only_public_people_are_found_among_namesakes(client):
    """Names are matched first, then publication is checked: people on no published page
    are never shown, and the public namesake is."""
    from contacts.models import Person
    from public.search_involvement import public_people

    for number in range(5):
        Person.objects.create(name=f"Zeta Testsson {number}", slug=f"zeta-{number}")
    public = Person.objects.create(name="Zeta Testsson 9", slug="zeta-9")
    Municipality.objects.get(slug="vaxjo").contacts.add(public)

    named = Person.objects.filter(name__icontains="Zeta Testsson")
    assert public_people(named, limit=25, involvement_limit=10) == [public]
    assert [person.pk for person in hits(client, "Zeta Testsson", "people")] == [public.pk]


@pytest.mark.parametrize("query", ["a\x00", "\x00", "Växjö\x00\x1f", "\x07klimat"])
def test_control_characters_in_a_query_are_ignored(client, query):
    response = client.get("/sok/", {"q": query})

    assert response.status_code == 200
    assert "\x00" not in response.content.decode()


def test_an_organisation_hit_links_to_what_it_takes_part_in(client):
    page = client.get("/sok/", {"q": "IKEA"}).content.decode()

    assert "IKEA" in page and "Deltar i" in page
    assert 'href="/projekt/' in page.split("IKEA", 1)[1]


def test_an_organisation_hit_names_no_draft(client):
    """An organisation in two projects, one made a draft: still found, linked only to the
    published one."""
    from django.db.models import Count

    from contacts.models import Organisation
    from projects.models import Project

    organisation = (
        Organisation.objects.annotate(participations=Count("project_participations"))
        .filter(participations__gte=2, partnershipparty__isnull=True)
        .order_by("name")
        .first()
    )
    draft, published = Project.objects.filter(
        project_participants__organisation=organisation
    ).order_by("slug")[:2]
    Project.objects.filter(pk=draft.pk).update(is_published=False)

    page = client.get("/sok/", {"q": organisation.name}).content.decode()

    assert "Deltar i" in page
    assert f'href="/projekt/{published.slug}/"' in page
    assert f"/projekt/{draft.slug}/" not in page


def test_a_total_with_a_full_group_is_a_lower_bound(client, settings, monkeypatch):
    import public.search

    monkeypatch.setattr(public.search, "SEARCH_LIMIT", 2)
    page = client.get("/sok/", {"q": "Växjö"}).content.decode()

    assert "Minst " in page and " träffar för ”Växjö”" in page


def test_a_person_hit_says_what_they_are_the_contact_for(client):
    from contacts.models import Person

    person = Person.objects.filter(projects__is_published=True).order_by("name").first()
    project = person.projects.filter(is_published=True).first()
    page = client.get("/sok/", {"q": person.name}).content.decode()

    assert "Kontaktperson för" in page
    assert f'href="/projekt/{project.slug}/"' in page
