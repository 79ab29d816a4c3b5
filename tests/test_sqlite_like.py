"""Text filters and search find å, ä and ö in any case, on SQLite as on PostgreSQL
(portal/sqlite.py)."""

import pytest

from portal.models import Municipality
from portal.sqlite import unicode_like, unicode_like_escape


@pytest.mark.parametrize(
    ("pattern", "value", "escape", "expected"),
    [
        ("%växjö%", "VÄXJÖ KOMMUN", "\\", 1),
        ("%ÅRHUS%", "Projekt i Århus", "\\", 1),
        ("ö_ebro", "Örebro", None, 1),
        ("%50\\%%", "50% bidrag", "\\", 1),
        ("%50\\%%", "500 bidrag", "\\", 0),
        ("a\\_b", "axb", "\\", 0),
        ("%göteborg%", "Malmö", "\\", 0),
        ("%x%", None, "\\", None),
        ("stra_e", "Straße", None, 1),  # one character for one, as SQLite
        ("abc\\", "abc", "\\", 0),  # a pattern ending in its escape matches nothing
        ("aX_b", "a_b", "X", 1),  # the escape character as written, not case-folded
        ("ax_b", "a_b", "X", 0),
    ],
)
def test_like_folds_unicode_case_and_keeps_wildcards(pattern, value, escape, expected):
    if escape is None:
        assert unicode_like(pattern, value) == expected
    else:
        assert unicode_like_escape(pattern, value, escape) == expected


@pytest.mark.parametrize(
    ("pattern", "value", "escape"),
    [("a%", "abc", "\\"), ("ab\\", "ab", "\\"), ("a_c", "ABC", "!"), ("%", "", "!")],
)
def test_like_answers_as_sqlites_own_for_ascii(pattern, value, escape):
    import sqlite3

    own = (
        sqlite3.connect(":memory:")
        .execute("SELECT ? LIKE ? ESCAPE ?", (value, pattern, escape))
        .fetchone()[0]
    )

    assert unicode_like_escape(pattern, value, escape) == own


def test_a_null_escape_gives_null():
    assert unicode_like_escape("a%", "abc", None) is None


@pytest.mark.django_db
def test_the_orm_finds_any_case_of_a_swedish_letter():
    assert Municipality.objects.filter(name__icontains="VÄXJÖ").exists()
    assert Municipality.objects.filter(name__icontains="örebro").exists()
    assert Municipality.objects.filter(name__istartswith="ÖREBRO").exists()
    assert not Municipality.objects.filter(name__icontains="öreXbro").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["VÄXJÖ", "växjö", "Växjö"])
def test_project_list_text_filter_ignores_case_of_swedish_letters(client, query):
    response = client.get("/projekt/", {"q": query})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 20
