"""Public pages come from the cache and are made anew the moment content changes; ETags
give 304 Not Modified; a cache that does not answer costs speed, never the page."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from partnerships.models import Partnership
from projects.models import Project
from tests.admin.formdata import change_form_data

pytestmark = pytest.mark.django_db

REDIS_TEST_DATABASE = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:6379/15",
    "KEY_PREFIX": "portal-test",
}
REDIS = {"default": REDIS_TEST_DATABASE, "versions": REDIS_TEST_DATABASE}


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    return settings


def municipality_page(client):
    return client.get(reverse("portal:municipality_detail", args=["trollhattan"]))


def test_a_public_page_is_served_from_the_cache(client, page_cache, django_assert_num_queries):
    first = municipality_page(client)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = municipality_page(client)
    assert again.content == first.content
    assert "max-age=60" in again["Cache-Control"]


def test_an_edit_in_the_admin_shows_at_once(client, page_cache, trollhattan_client):
    assert "Sommarläger i Arizona" not in municipality_page(client).content.decode()
    tempe = Partnership.objects.get(slug="trollhattan-tempe")
    url = reverse("admin:partnerships_partnership_change", args=[tempe.pk])
    response = trollhattan_client.post(
        url, change_form_data(trollhattan_client.get(url), background="Sommarläger i Arizona.")
    )
    assert response.status_code == 302
    assert "Sommarläger i Arizona" in municipality_page(client).content.decode()


def test_a_theme_added_to_a_project_shows_at_once(client, page_cache):
    project = Project.objects.get(slug="sumba")
    url = reverse("projects:detail", args=[project.slug])
    assert client.get(url).status_code == 200
    from portal.models import Theme

    theme = Theme.objects.exclude(projects=project).order_by("name").first()
    project.themes.add(theme)  # a many-to-many change, no save()
    assert theme.name in client.get(url).content.decode()


def test_unpublishing_removes_the_page_at_once(client, page_cache):
    project = Project.objects.get(slug="sumba")
    url = reverse("projects:detail", args=[project.slug])
    assert client.get(url).status_code == 200
    project.is_published = False
    project.save()
    assert client.get(url).status_code == 404


def test_the_admin_and_health_are_never_cached(admin_client, page_cache):
    admin_client.get(reverse("admin:index"))
    assert not any(":GET:" in str(key) for key in getattr(cache, "_cache", {}))


def test_etag_gives_not_modified(client):
    first = municipality_page(client)
    etag = first["ETag"]
    again = client.get(
        reverse("portal:municipality_detail", args=["trollhattan"]), HTTP_IF_NONE_MATCH=etag
    )
    assert again.status_code == 304
    assert again.content == b""


def test_redis_is_used_when_configured(client, settings):
    settings.CACHES = REDIS
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cache.clear()
    try:
        first = municipality_page(client)
        assert first.status_code == 200
        assert any(cache._cache.get_client().scan_iter(match="portal-test*"))
        Project.objects.filter(slug="sumba").first().save()  # content changed
        assert municipality_page(client).status_code == 200
    finally:
        cache.clear()


def test_the_site_keeps_serving_when_redis_is_down(client, settings, caplog):
    nowhere = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens here
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    settings.CACHES = {"default": nowhere, "versions": nowhere}
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    response = municipality_page(client)
    assert response.status_code == 200
    assert "Trollhättans Stad" in response.content.decode()
    assert "serving from the database" in caplog.text


def test_without_redis_every_process_sees_a_change_at_once(client, page_cache):
    """gunicorn's workers keep pages in their own memory; the content version is shared
    (a folder), so a save in one worker makes a page stale in all of them."""
    from operations.page_cache import content_version
    from tests.production.processes import manage, production_env

    def version_in_another_process() -> str:
        result = manage(
            "shell",
            "-c",
            "from operations.page_cache import content_version; print(content_version())",
            env=production_env(REDIS_URL="", PRODUCTION="0"),
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()[-1]

    before = content_version()
    assert version_in_another_process() == before
    Project.objects.filter(slug="sumba").first().save()
    after = content_version()
    assert after != before
    assert version_in_another_process() == after


@pytest.mark.parametrize("path", ["/robots.txt", "/api/v1/", "/kommuner/vaxjo/"])
def test_a_page_rendered_for_another_host_or_scheme_is_never_served(client, page_cache, path):
    """Absolute addresses (robots.txt's sitemap, the API's links, canonical) are written for
    the request's host and scheme: the first request after a change must not decide them."""
    page_cache.ALLOWED_HOSTS = ["portal.example", "other.example"]
    poisoned = client.get(path, HTTP_HOST="other.example").content.decode()
    assert "http://other.example/" in poisoned

    for host, secure in (("portal.example", False), ("portal.example", True)):
        page = client.get(path, HTTP_HOST=host, secure=secure).content.decode()
        assert "other.example" not in page
        scheme = "https" if secure else "http"
        assert f"{scheme}://{host}/" in page
