"""Search and free text that stay fast with many rows: an organisation or a person hit names
a bounded number of what it takes part in, a word in nearly every row ranks only a bounded
set of rows (title matches among them), the lists' free text finds partners through the
projects' search vectors, which follow the participants."""

import pytest
from django.db import connection

from contacts.models import Organisation
from portal.models import Country
from projects.models import Project, ProjectParticipant
from public.search import INVOLVEMENT_LIMIT, search_kind
from search import query as search_query
from search.models import Kind
from tests.factories import make_organisation, make_project

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL"
)


def published_projects(count: int, **fields) -> list[Project]:
    projects = []
    title = fields.pop("title", "Projekt")
    for number in range(count):
        project = make_project(title=f"{title} {number}", **fields)
        project.is_published = True
        project.save()
        projects.append(project)
    return projects


def organisation_hit(client, name: str):
    response = client.get("/sok/", {"q": name})
    groups = {key: items for _label, key, items in response.context["groups"]}
    [hit] = [item for item in groups["organisations"] if item.name == name]
    return hit, response.content.decode()


def test_an_organisation_in_many_projects_names_the_first_ten_and_says_there_are_more(client):
    partner = make_organisation(name="Sprudelwerke Gmbh", country=Country.objects.get(code="DE"))
    for project in published_projects(INVOLVEMENT_LIMIT + 5):
        ProjectParticipant.objects.create(project=project, organisation=partner)

    hit, page = organisation_hit(client, "Sprudelwerke Gmbh")

    assert hit.involvement_html.count('href="/projekt/') == INVOLVEMENT_LIMIT
    assert hit.has_more
    assert "med flera" in page.split("<li>Sprudelwerke Gmbh", 1)[1].split("</li>", 1)[0]


def test_an_organisation_in_few_projects_names_them_all(client):
    partner = make_organisation(name="Kleinwerke Gmbh", country=Country.objects.get(code="DE"))
    for project in published_projects(3):
        ProjectParticipant.objects.create(project=project, organisation=partner)

    hit, page = organisation_hit(client, "Kleinwerke Gmbh")

    assert hit.involvement_html.count('href="/projekt/') == 3
    assert not hit.has_more
    assert "med flera" not in page.split("<li>Kleinwerke Gmbh", 1)[1].split("</li>", 1)[0]


@postgresql_only
def test_a_common_word_ranks_a_bounded_set_with_the_title_matches(client, monkeypatch):
    monkeypatch.setattr(search_query, "RANKED", 5)
    monkeypatch.setattr(search_query, "RANKED_TITLES", 3)
    published_projects(12, summary="Ett samarbete om vatten.")
    titled = published_projects(2, title="Samarbete i titeln")

    found = search_kind(Kind.PROJECT, "samarbete", 25)

    assert len(found) <= 5 + 3
    assert {project.pk for project in titled} <= {project.pk for project in found}
    assert found[0].pk in {project.pk for project in titled}


@postgresql_only
def test_the_project_list_finds_a_partner_by_name_and_follows_renames(client):
    [project] = published_projects(1)
    partner = make_organisation(name="Fjordkommune Nord", country=Country.objects.get(code="NO"))
    ProjectParticipant.objects.create(project=project, organisation=partner)

    def found(query):
        response = client.get("/projekt/", {"q": query})
        return {item.slug for item in response.context["page_obj"].object_list}

    assert project.slug in found("Fjordkommune")
    partner.name = "Havkommune Sør"
    partner.save()
    assert project.slug in found("Havkommune")
    assert project.slug not in found("Fjordkommune")
    ProjectParticipant.objects.filter(project=project).delete()
    assert project.slug not in found("Havkommune")


def test_the_list_finds_words_in_titles_summaries_and_the_owner_without_duplicates(client):
    projects = published_projects(3, summary="Om solenergi i skolan.")
    ProjectParticipant.objects.create(
        project=projects[0], organisation=Organisation.objects.filter(country="DE").first()
    )
    ProjectParticipant.objects.create(
        project=projects[0], organisation=Organisation.objects.filter(country="DK").first()
    )

    response = client.get("/projekt/", {"q": "solenergi"})
    slugs = [item.slug for item in response.context["page_obj"].object_list]

    assert sorted(slugs) == sorted(project.slug for project in projects)
    assert response.context["page_obj"].paginator.count == 3


def test_the_involvement_is_read_a_few_rows_an_organisation_newest_first(client):
    """A few of an organisation's most recently added participations are read, not all of
    them; the hit shows them newest first, and drafts are neither read nor shown."""
    from public.search_involvement import first_rows

    partner = make_organisation(name="Vielwerke Gmbh", country=Country.objects.get(code="DE"))
    other = make_organisation(name="Wenigwerke Gmbh", country=Country.objects.get(code="DE"))
    projects = published_projects(15)
    for day, project in enumerate(projects, start=1):
        Project.objects.filter(pk=project.pk).update(start_date=f"2020-01-{day:02}")
        ProjectParticipant.objects.create(project=project, organisation=partner)
    Project.objects.filter(pk=projects[-1].pk).update(is_published=False)
    ProjectParticipant.objects.create(project=projects[0], organisation=other)

    read = first_rows("participations", [partner.pk, other.pk], 3, connection.alias)

    assert [row["slug"] for row in read[partner.pk]] == [p.slug for p in projects[-2:-5:-1]]
    assert [row["slug"] for row in read[other.pk]] == [projects[0].slug]
    hit, _page = organisation_hit(client, "Vielwerke Gmbh")
    shown = [p.slug for p in projects[-2 : -2 - INVOLVEMENT_LIMIT : -1]]
    assert hit.involvement_html.count('href="/projekt/') == INVOLVEMENT_LIMIT
    positions = [hit.involvement_html.index(f'/projekt/{slug}/"') for slug in shown]
    assert positions == sorted(positions)
    assert f"/projekt/{projects[-1].slug}/" not in hit.involvement_html


def test_a_full_group_links_to_its_list_with_the_same_words(client, monkeypatch):
    import public.search

    monkeypatch.setattr(public.search, "SEARCH_LIMIT", 2)
    published_projects(3, title="Zebrafinkprojekt")

    page = client.get("/sok/", {"q": "Zebrafinkprojekt"}).content.decode()

    assert 'href="/projekt/?q=Zebrafinkprojekt"' in page
    assert "Visa alla projekt som matchar ”Zebrafinkprojekt”" in page
    listed = client.get("/projekt/", {"q": "Zebrafinkprojekt"})
    assert listed.context["page_obj"].paginator.count == 3
    assert "Visa alla samarbeten" not in page  # no partnership matches


@postgresql_only
def test_each_kinds_candidates_are_planned_from_the_words_statistics():
    """A word in nearly every document of a kind is read from the table's first rows, not
    through the full-text index's bitmap of every match; a rare word and a title that
    matches nothing go through their indexes (never the whole table)."""
    from search.models import SearchDocument

    table = SearchDocument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (kind, object_id, is_public, title, names, body, folded_title,
                                 folded_names, vector)
            SELECT 'project', 1000000 + n, true, 'Projekt ' || n, 'Växjö kommun', repeat(md5(n::text) || ' ', 25),
                   'projekt ' || n, 'vaxjo kommun',
                   to_tsvector('swedish', 'Projekt ' || n || ' Växjö kommun ' || md5(n::text))
            FROM generate_series(1, 20000) AS n
            """
        )
        cursor.execute(f"ANALYZE {table}")

    def candidate_plans(word: str) -> str:
        sql = search_query._ranked_sql([Kind.PROJECT], misspelt=False)
        folded = search_query.fold(word)
        params = {
            "query": word,
            "folded": folded,
            "like": f"%{folded}%",
            "headline": "",
            "title_headline": "",
            "wanted": 10,
            "seen": [],
            "kind0": Kind.PROJECT,
        }
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        # The two candidate CTEs (c0 full text, c1 titles) come first in the plan.
        words, titles = plan.split("CTE c1")
        return words.split("CTE c0")[1], titles.split("->  Result")[0]

    words, titles = candidate_plans("kommun")
    assert f"Seq Scan on {table}" in words, words
    words, titles = candidate_plans("zebrafink")
    assert "Bitmap Index Scan on search_document_vector" in words, words
    assert f"Seq Scan on {table}" not in titles, titles
