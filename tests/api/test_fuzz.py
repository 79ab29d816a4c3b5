"""Schemathesis generates requests from the OpenAPI description and checks every answer
against it: never a server error, only documented status codes, bodies that match their
schemas, and invalid parameters refused. Each operation gets its coverage cases (boundary
values, every unexpected method) and at most 20 generated examples: about a minute on
SQLite. Marked `fuzz`; `make test` runs it."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from portal.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


# Loaded from the app itself when the module is collected, past the page cache.
with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    """Requests go straight to the WSGI app, whose request signals would close the test's
    database connection and lose its transaction (PostgreSQL); Django's test client
    disconnects the same receiver."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.fuzz
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_described(case):
    case.call_and_validate(checks=CHECKS)
