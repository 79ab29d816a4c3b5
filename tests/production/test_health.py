"""/halsa/ reports the database and the cache; a database that cannot be reached while a page
is built gives the Swedish 503 page, never a stack trace (operations/health.py)."""

import sys
import types

import pytest
from django.db.utils import InterfaceError, OperationalError
from django.urls import path, reverse

from operations import health

pytestmark = pytest.mark.django_db


def test_health_ok(client):
    response = client.get(reverse("portal:health"))
    assert response.status_code == 200
    assert response.json() == {"databas": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_health_path_is_swedish():
    assert reverse("portal:health") == "/halsa/"


class BrokenCursor:
    def __enter__(self):
        raise OperationalError("connection refused")

    def __exit__(self, *exc):
        return False


def test_health_503_when_database_fails(client, monkeypatch):
    monkeypatch.setattr(health.connection, "cursor", BrokenCursor)
    response = client.get("/halsa/")
    assert response.status_code == 503
    assert response.json() == {"databas": "fel", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("alias", ["default", "versions"])
def test_health_503_when_cache_fails(client, monkeypatch, alias):
    """The page cache, or the shared content version (a folder that may not be writable)."""
    from django.core.cache import caches

    def broken_set(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(caches[alias], "set", broken_set)
    response = client.get("/halsa/")
    assert response.status_code == 503
    assert response.json() == {"databas": "ok", "cache": "fel"}


class DriverOperationalError(Exception):
    """Stands for the driver's own class (psycopg.OperationalError), raised unwrapped."""


class DriverInterfaceError(Exception):
    pass


def failing_view(exception):
    def view(request):
        raise exception("could not connect to server: Connection refused")

    return view


@pytest.fixture
def failing_urls(settings, monkeypatch):
    """A URLconf beside the site's with views whose database is gone."""
    module = types.ModuleType("production_failing_urls")
    module.urlpatterns = [
        path("trasig/operational/", failing_view(OperationalError)),
        path("trasig/interface/", failing_view(InterfaceError)),
        path("trasig/drivrutin/", failing_view(DriverOperationalError)),
        path("trasig/drivrutin-granssnitt/", failing_view(DriverInterfaceError)),
        path("trasig/annat/", failing_view(ValueError)),
    ]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    settings.ROOT_URLCONF = module.__name__
    driver = types.SimpleNamespace(
        OperationalError=DriverOperationalError, InterfaceError=DriverInterfaceError
    )
    monkeypatch.setattr(health.connection, "Database", driver)


@pytest.mark.parametrize("kind", ["operational", "interface", "drivrutin", "drivrutin-granssnitt"])
def test_unreachable_database_gives_swedish_503_page(client, failing_urls, kind):
    response = client.get(f"/trasig/{kind}/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Webbplatsen är tillfälligt otillgänglig" in html
    assert "Traceback" not in html
    assert "Connection refused" not in html
    assert "OperationalError" not in html and "InterfaceError" not in html


def test_the_drivers_own_error_class_is_the_real_one():
    """What the middleware checks beside Django's classes is the driver in use."""
    from django.db import connection

    assert health.database_unavailable(connection.Database.OperationalError("gone"))
    assert health.database_unavailable(connection.Database.InterfaceError("closed"))
    assert not health.database_unavailable(connection.Database.IntegrityError("duplicate"))


def test_other_errors_are_not_turned_into_503(client, failing_urls):
    with pytest.raises(ValueError):
        client.get("/trasig/annat/")


def test_public_page_gives_503_when_its_query_fails(client, monkeypatch):
    """A real page: the municipality list's query fails as if the server had gone away."""
    from django.db.backends.utils import CursorWrapper

    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", gone)
    response = client.get("/kommuner/")
    assert response.status_code == 503
    assert "tillfälligt otillgänglig" in response.content.decode()


def test_too_many_parameters_give_a_swedish_400_page(client):
    query = "&".join(f"p{number}=1" for number in range(1100))
    response = client.get(f"/projekt/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="sv">' in html and "Förfrågan kunde inte läsas" in html
    assert "Bad Request" not in html


def test_a_post_without_csrf_token_gives_a_swedish_403_page(settings):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/sok/", {"q": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="sv">' in html and "Formuläret kunde inte skickas" in html
    assert "Forbidden" not in html and "DEBUG" not in html


def test_robots_txt_answers_head(client):
    assert client.head("/robots.txt").status_code == 200


@pytest.mark.parametrize("cache_seconds", [0, 600])
def test_a_host_the_site_does_not_serve_gets_the_swedish_400_page(
    client, settings, caplog, cache_seconds
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = cache_seconds
    response = client.get("/kommuner/", HTTP_HOST="angripare.example")

    assert response.status_code == 400
    assert "Förfrågan kunde inte läsas" in response.content.decode()
    assert "page cache" not in caplog.text  # not mistaken for a cache fault
