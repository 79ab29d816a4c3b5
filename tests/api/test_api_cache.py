"""API answers are public, so they are cached like the pages: by path and query string,
with their headers, and made anew when content changes."""

import pytest

from projects.models import Project

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/"


@pytest.fixture
def page_cache(settings, tmp_path):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    # A content version of this test's own: the default folder is shared by every process
    # of the checkout, and another test run clearing it would look like a content change.
    settings.CACHES = {
        **settings.CACHES,
        "versions": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": tmp_path / "versions",
        },
    }
    return settings


def test_an_answer_is_served_from_the_cache_with_its_headers(
    client, page_cache, django_assert_num_queries
):
    first = client.get(URL, {"page_size": 3})
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(URL, {"page_size": 3})
    assert again.content == first.content
    assert again["Content-Type"] == "application/json"
    assert again["Access-Control-Allow-Origin"] == "*"
    assert "max-age=60" in again["Cache-Control"]


def test_the_query_string_is_part_of_the_cache_key(client, page_cache):
    first_page = client.get(URL, {"page_size": 3}).json()
    second_page = client.get(URL, {"page_size": 3, "page": 2}).json()
    finished = client.get(URL, {"page_size": 3, "status": "avslutat"}).json()
    assert first_page["results"] != second_page["results"]
    assert finished["count"] < first_page["count"]


def test_an_edit_shows_at_once(client, page_cache):
    url = f"{URL}sumba/"
    assert client.get(url).json()["title"] != "SUMBA, nytt namn"
    project = Project.objects.get(slug="sumba")
    project.title = "SUMBA, nytt namn"
    project.save()
    assert client.get(url).json()["title"] == "SUMBA, nytt namn"


def test_an_error_is_not_cached(client, page_cache):
    # QuerySet.update() sends no signal, so the content version stays: only an answer
    # that was never cached can change.
    Project.objects.filter(slug="sumba").update(is_published=False)
    assert client.get(f"{URL}sumba/").status_code == 404
    Project.objects.filter(slug="sumba").update(is_published=True)
    assert client.get(f"{URL}sumba/").status_code == 200
