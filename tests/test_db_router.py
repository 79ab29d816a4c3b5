"""Where operations/db_router.py sends reads and writes, without a second database: the router's
decisions and the middleware's choice of requests. tests/production/test_replica.py serves the
portal on a real PostgreSQL primary and streaming replica."""

import os
import time

import pytest
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from operations import db_router
from operations.db_router import ReplicaReadsMiddleware, ReplicaRouter
from operations.page_cache import VERSION_KEY
from portal.models import Municipality

REPLICAS = ["replica_1", "replica_2"]


@pytest.fixture
def replicas(settings):
    settings.DATABASE_REPLICAS = REPLICAS
    return ReplicaRouter()


def read_alias_during(request, view=None):
    """Where reads went while the middleware handled `request`."""
    seen = []

    def get_response(request):
        seen.append(db_router.read_alias())
        if view:
            view()
            seen.append(db_router.read_alias())
        return HttpResponse()

    ReplicaReadsMiddleware(get_response)(request)
    assert db_router.read_alias() is None  # nothing leaks into the next request
    return seen


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_REPLICA_URL")), reason="run with DATABASE_REPLICA_URL set"
)
def test_without_replicas_there_is_no_router_and_no_middleware(settings):
    from django.core.exceptions import MiddlewareNotUsed

    assert settings.DATABASE_REPLICAS == []
    assert settings.DATABASE_ROUTERS == []
    assert set(settings.DATABASES) == {"default"}
    with pytest.raises(MiddlewareNotUsed):
        ReplicaReadsMiddleware(lambda request: HttpResponse())


def test_outside_a_request_reads_go_to_the_primary(replicas):
    """Management commands, migrations and the shell never read a replica."""
    assert replicas.db_for_read(Municipality) == "default"


@pytest.mark.parametrize("method", ["get", "head"])
def test_public_reads_go_to_one_of_the_replicas(replicas, method):
    request = getattr(RequestFactory(), method)("/kommuner/vaxjo/")
    assert read_alias_during(request)[0] in REPLICAS


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/"),
        ("get", "/admin/portal/municipality/1/change/"),
        ("post", "/admin/login/"),
        ("get", "/halsa/"),
        ("post", "/soker-partner/"),
        ("put", "/api/v1/projekt/"),
        ("options", "/"),
    ],
)
def test_the_admin_the_health_check_and_every_other_method_read_the_primary(replicas, method, path):
    request = getattr(RequestFactory(), method)(path)
    assert read_alias_during(request) == [None]


def test_a_write_moves_the_rest_of_the_request_to_the_primary(replicas):
    def view():
        assert replicas.db_for_read(Municipality) in REPLICAS
        assert replicas.db_for_write(Municipality) == "default"
        assert replicas.db_for_read(Municipality) == "default"

    before, after = read_alias_during(RequestFactory().get("/"), view)
    assert before in REPLICAS
    assert after is None


def test_writes_always_go_to_the_primary(replicas):
    assert replicas.db_for_write(Municipality) == "default"


@pytest.mark.django_db
def test_reads_inside_a_transaction_go_to_the_primary(replicas):
    def view():
        with transaction.atomic():
            assert replicas.db_for_read(Municipality) == "default"

    read_alias_during(RequestFactory().get("/"), view)


def test_a_streamed_download_reads_the_replica_while_it_is_sent(replicas):
    def chunks():
        yield db_router.read_alias() or "primary"

    response = ReplicaReadsMiddleware(lambda request: StreamingHttpResponse(chunks()))(
        RequestFactory().get("/projekt/ladda-ner.csv")
    )
    assert db_router.read_alias() is None
    assert b"".join(response.streaming_content).decode() in REPLICAS
    assert db_router.read_alias() is None


def test_migrations_run_on_the_primary_only(replicas):
    assert replicas.allow_migrate("replica_1", "portal") is False
    assert replicas.allow_migrate("replica_2", "portal", "municipality") is False
    assert replicas.allow_migrate("default", "portal") is None  # Django's default: yes


def test_objects_from_the_primary_and_a_replica_may_be_related(replicas):
    from_primary, from_replica, elsewhere = Municipality(), Municipality(), Municipality()
    from_primary._state.db = "default"
    from_replica._state.db = "replica_2"
    elsewhere._state.db = "archive"
    assert replicas.allow_relation(from_primary, from_replica) is True
    assert replicas.allow_relation(from_primary, elsewhere) is None


@pytest.fixture
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 3600
    settings.CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
        for alias in ("default", "versions")
    }
    return caches["versions"]


def changed_seconds_ago(versions, seconds: float) -> None:
    versions.set(VERSION_KEY, str(time.time_ns() - int(seconds * 1_000_000_000)), timeout=None)


def test_right_after_a_content_change_public_reads_go_to_the_primary(replicas, page_cache_on):
    """A page rendered now is cached under the new content version: rendered from a replica
    that has not replayed the change yet, it would stay stale until the next change."""
    changed_seconds_ago(page_cache_on, 1)
    assert read_alias_during(RequestFactory().get("/kommuner/vaxjo/")) == [None]


def test_once_a_replica_has_had_time_to_replay_a_change_public_reads_go_there_again(
    replicas, page_cache_on
):
    changed_seconds_ago(page_cache_on, db_router.REPLICA_LAG_ALLOWANCE_SECONDS + 1)
    assert read_alias_during(RequestFactory().get("/kommuner/vaxjo/"))[0] in REPLICAS


def test_without_the_page_cache_a_content_change_keeps_reads_on_the_replica(
    replicas, page_cache_on, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    changed_seconds_ago(page_cache_on, 1)
    assert read_alias_during(RequestFactory().get("/kommuner/vaxjo/"))[0] in REPLICAS
