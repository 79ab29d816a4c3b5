"""A model's check constraints are validated in Python where they are plain comparisons,
else in one query, with the same result as Django's one query per constraint
(portal/constraints.py)."""

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


def test_plain_comparisons_need_no_query(django_assert_num_queries):
    project = make_project(grant_amount=Decimal("-5"), total_budget=Decimal("-1"))

    with django_assert_num_queries(0):
        found = errors(type(project).validate_constraints, project)

    assert "Budgeten kan inte vara negativ." in found["__all__"]
    assert "Bidraget kan inte vara negativt." in found["__all__"]


def test_conditions_python_cannot_decide_go_to_the_database_in_one_query(monkeypatch):
    from django.db import connection
    from django.db.models import CheckConstraint, Q
    from django.test.utils import CaptureQueriesContext

    from projects.models import Project

    project = make_project(title="Ab", grant_amount=Decimal("-5"), grant_currency="SEK")
    extra = [
        CheckConstraint(
            condition=Q(title__icontains="projekt"),
            name="t1",
            violation_error_message="Inget projekt.",
        ),
        CheckConstraint(
            condition=Q(acronym__startswith="X"), name="t2", violation_error_message="Inget X."
        ),
    ]
    constraints = [*Project._meta.constraints, *extra]
    monkeypatch.setattr(Project._meta, "constraints", constraints)

    with CaptureQueriesContext(connection) as queries:
        found = errors(type(project).validate_constraints, project)

    selects = [query["sql"] for query in queries if query["sql"].startswith("SELECT")]
    assert len(selects) == 1
    assert sorted(found["__all__"]) == [
        "Bidraget kan inte vara negativt.",
        "Inget X.",
        "Inget projekt.",
    ]
    assert found == errors(models.Model.validate_constraints, project)


def test_a_constraint_on_an_excluded_field_is_skipped():
    project = make_project(total_budget=Decimal("-1"), budget_currency="SEK")

    assert errors(type(project).validate_constraints, project, exclude={"total_budget"}) == {}


def test_a_field_set_to_an_expression_is_validated_as_django_does():
    from django.db.models import F

    project = make_project(total_budget=F("grant_amount") + 1)

    assert errors(type(project).validate_constraints, project) == errors(
        models.Model.validate_constraints, project
    )


AMOUNTS = [None, Decimal("-1"), Decimal("0"), Decimal("50"), Decimal("100")]
CURRENCIES = ["", "SEK", "EUR"]
DATES = [None, datetime.date(2019, 1, 1), datetime.date(2020, 6, 30)]


@pytest.mark.parametrize("budget", AMOUNTS)
@pytest.mark.parametrize("grant", AMOUNTS)
def test_python_decides_as_the_database_with_nulls(budget, grant):
    """Every combination of missing, negative, equal and larger amounts, currencies and
    dates: the Python verdict of each constraint is the database's."""
    import itertools

    from portal.constraints import _failing_in_database, python_verdict
    from projects.models import Project

    project = make_project()
    checks = [c for c in Project._meta.constraints if type(c) is models.CheckConstraint]
    combinations = itertools.product(CURRENCIES, CURRENCIES, DATES, DATES)
    for budget_currency, grant_currency, start, end in combinations:
        project.total_budget, project.grant_amount = budget, grant
        project.budget_currency, project.grant_currency = budget_currency, grant_currency
        project.start_date, project.end_date = start, end
        in_python = {c.name for c in checks if not python_verdict(c, Project, project, None)}
        in_database = {
            c.name for c in _failing_in_database(project, Project, checks, None, "default")
        }
        assert in_python == in_database, (budget_currency, grant_currency, start, end)


def test_none_in_a_condition_is_read_as_django_writes_it():
    """field=None is IS NULL, and None in an IN list is left out, as in Django's SQL."""
    from django.db.models import CheckConstraint, Q

    from portal.constraints import _failing_in_database, python_verdict
    from projects.models import Project

    project = make_project(total_budget=Decimal("-1"), budget_currency="EUR")
    checks = [
        CheckConstraint(condition=Q(acronym=None) | Q(total_budget__gt=0), name="a"),
        CheckConstraint(condition=Q(budget_currency__in=["SEK", None]), name="b"),
        CheckConstraint(condition=Q(budget_currency__in=[None]), name="c"),
    ]
    project.acronym = "X"
    in_python = {c.name for c in checks if not python_verdict(c, Project, project, None)}
    in_database = {c.name for c in _failing_in_database(project, Project, checks, None, "default")}
    assert in_python == in_database == {"a", "b", "c"}
