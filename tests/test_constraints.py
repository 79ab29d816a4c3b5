"""A model's check constraints are validated in one query, with the same result as Django's
one query per constraint (portal/constraints.py)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from tests.factories import make_project

pytestmark = pytest.mark.django_db

CASES = [
    {},  # nothing wrong
    {"total_budget": Decimal("-1"), "budget_currency": "SEK"},
    {
        "grant_amount": Decimal("200"),
        "grant_currency": "EUR",
        "total_budget": Decimal("100"),
        "budget_currency": "EUR",
    },
    {"grant_amount": Decimal("5")},  # no currency
    {"start_date": datetime.date(2020, 1, 1), "end_date": datetime.date(2019, 1, 1)},
    {"grant_amount": Decimal("-5"), "total_budget": Decimal("-1")},  # several at once
]


def errors(validate, project, exclude=None) -> dict:
    try:
        validate(project, exclude=exclude)
    except ValidationError as error:
        return {key: sorted(messages) for key, messages in error.message_dict.items()}
    return {}


@pytest.mark.parametrize("fields", CASES)
def test_the_same_errors_as_djangos_own_validation(fields):
    project = make_project(**fields)

    assert errors(type(project).validate_constraints, project) == errors(
        models.Model.validate_constraints, project
    )


def test_all_check_constraints_in_one_query():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project = make_project(grant_amount=Decimal("-5"), total_budget=Decimal("-1"))

    with CaptureQueriesContext(connection) as queries:
        found = errors(type(project).validate_constraints, project)

    # Inside the test's transaction the SELECT has a savepoint around it, as Django's has.
    selects = [query["sql"] for query in queries if query["sql"].startswith("SELECT")]
    assert len(selects) == 1

    assert "Budgeten kan inte vara negativ." in found["__all__"]
    assert "Bidraget kan inte vara negativt." in found["__all__"]


def test_a_constraint_on_an_excluded_field_is_skipped():
    project = make_project(total_budget=Decimal("-1"), budget_currency="SEK")

    assert errors(type(project).validate_constraints, project, exclude={"total_budget"}) == {}


def test_a_field_set_to_an_expression_is_validated_as_django_does():
    from django.db.models import F

    project = make_project(total_budget=F("grant_amount") + 1)

    assert errors(type(project).validate_constraints, project) == errors(
        models.Model.validate_constraints, project
    )
