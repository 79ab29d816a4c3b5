"""Text filters and search find å, ä and ö in any case, on SQLite as on PostgreSQL
(portal/sqlite.py)."""

import pytest

from portal.models import Municipality
from portal.sqlite import unicode_like


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
    ],
)
def test_like_folds_unicode_case_and_keeps_wildcards(pattern, value, escape, expected):
    assert unicode_like(pattern, value, escape) == expected


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
