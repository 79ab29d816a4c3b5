"""/sok/ finds current, published partner requests (the group "Söker partner"): by full text
with Swedish stemming on PostgreSQL, by substring on SQLite; never an expired one or a draft."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection

from public.search import search_kind
from search.models import Kind, SearchDocument
from tests.seeking.factories import days_from_today, foreign_organisation, make_partner_request

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL"
)


def found(query: str) -> list[str]:
    return [hit.slug for hit in search_kind(Kind.PARTNER_REQUEST, query, limit=25)]


def test_title_country_theme_and_seeker_find_a_request():
    partner_request = make_partner_request(
        title="Vänort för lärarutbyte", countries=["TZ"], themes=["kultur"]
    )
    abroad = make_partner_request(
        title="Söker svensk kommun", organisation=foreign_organisation("KE", "Kisumu County")
    )
    assert found("lärarutbyte") == [partner_request.slug]
    assert found("Tanzania") == [partner_request.slug]
    assert found("Kultur") == [partner_request.slug]
    assert found("Växjö") == [partner_request.slug]
    assert found("Kisumu") == [abroad.slug]


def test_expired_requests_and_drafts_are_never_found():
    make_partner_request(title="Utgången vänortssökning", valid_until=days_from_today(-1))
    make_partner_request(title="Utkast till vänortssökning", is_published=False)
    assert found("vänortssökning") == []


def test_hits_carry_a_marked_snippet_and_escape_html(client):
    make_partner_request(title='Skolutbyte <script>alert("x")</script>')
    response = client.get("/sok/", {"q": "Skolutbyte"})
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "<mark>Skolutbyte</mark>" in content


@postgresql_only
def test_swedish_words_in_the_description_are_stemmed():
    partner_request = make_partner_request(
        title="Partnerskap", description="Vi vill utveckla avfallshanteringen tillsammans."
    )
    assert found("avfallshantering") == [partner_request.slug]


@postgresql_only
def test_the_vector_follows_countries_and_themes_added_after_saving():
    partner_request = make_partner_request(title="Partnerskap")
    document = SearchDocument.objects.filter(
        kind=Kind.PARTNER_REQUEST,
        object_id=partner_request.pk,
        vector=SearchQuery("Moçambique", config="swedish"),
    )
    assert not document.exists()
    partner_request.countries.add("MZ")
    assert document.exists()


@postgresql_only
def test_a_misspelt_title_is_found():
    partner_request = make_partner_request(title="Vattenrening i Trollhättan")
    assert partner_request.slug in found("Trollhatan")
