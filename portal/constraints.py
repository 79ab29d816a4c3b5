"""A model's check constraints validated in one query instead of one query each.

Django validates every CheckConstraint with a query of its own (`Q.check`); a project has six,
so a spreadsheet import of 1 000 projects asked the database 6 000 times only to validate
them, a third of the import's time. `validate_constraints` here asks for all of a model's
check constraints in one SELECT of their conditions over the instance's values, with
Django's own rules: a condition that is NULL passes, a constraint that names an excluded
field is skipped, and the messages and codes are the constraints' own. Should the
database refuse the combined query, each constraint is validated as Django would.

Most conditions are plain comparisons of the instance's own fields (a budget not negative,
an end not before its start): those are decided in Python (`python_verdict`), with SQL's
rules for NULL as Django's validation query has them, and need no query at all. Only
conditions with anything else (a function, a transform, a join) go to the database.
"""

import logging
from contextlib import nullcontext

from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, CheckConstraint, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

logger = logging.getLogger(__name__)


class Unsupported(Exception):
    """A condition python_verdict cannot decide; the database decides it."""


#: Lookups decided in Python, as SQL compares (None: NULL on either side).
_COMPARISONS = {
    "exact": lambda a, b: a == b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def _value(model, instance, name: str, exclude):
    if exclude and name in exclude:
        raise _Skipped
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist as error:
        raise Unsupported(name) from error
    if not getattr(field, "concrete", False) or field.many_to_many:
        raise Unsupported(name)
    value = getattr(instance, field.attname)
    if hasattr(value, "resolve_expression"):
        raise Unsupported(name)  # a field set to an expression (F("budget") + 1)
    return value


class _Skipped(Exception):
    """The condition names a field left out of the validation: Django skips it."""


def _leaf(model, instance, lookup: str, wanted, exclude):
    name, _, kind = lookup.partition("__")
    kind = kind or "exact"
    if "__" in kind:
        raise Unsupported(lookup)  # a transform or a relation
    value = _value(model, instance, name, exclude)
    if kind == "isnull":
        if type(wanted) is not bool:
            raise Unsupported(lookup)
        return (value is None) is wanted
    if kind == "exact" and wanted is None:
        return value is None  # Django writes field=None as IS NULL
    if isinstance(wanted, F):
        wanted = _value(model, instance, wanted.name, exclude)
    elif hasattr(wanted, "resolve_expression"):
        raise Unsupported(lookup)
    try:
        if kind == "in":
            wanted = [item for item in wanted if item is not None]  # as Django leaves them out
            if value is None:
                return None if wanted else False
            return value in wanted
        compare = _COMPARISONS.get(kind)
        if compare is None:
            raise Unsupported(lookup)
        if value is None or wanted is None:
            return None
        return compare(value, wanted)
    except TypeError as error:  # values of kinds Python does not compare: the database does
        raise Unsupported(lookup) from error


def _verdict(model, instance, condition, exclude):
    """True, False or None (SQL's NULL) for a Q, a (lookup, value) pair or a bool."""
    if isinstance(condition, Q):
        verdicts = [_verdict(model, instance, child, exclude) for child in condition.children]
        if condition.connector == Q.AND:
            result = False if False in verdicts else (None if None in verdicts else True)
        elif condition.connector == Q.OR:
            result = True if True in verdicts else (None if None in verdicts else False)
        else:
            raise Unsupported(condition.connector)  # XOR
        return (None if result is None else not result) if condition.negated else result
    if isinstance(condition, tuple) and len(condition) == 2 and isinstance(condition[0], str):
        return _leaf(model, instance, *condition, exclude)
    raise Unsupported(condition)


def python_verdict(constraint, model, instance, exclude) -> bool:
    """Whether the instance passes the check constraint, as Django's validation decides
    (a condition that is NULL passes; one naming an excluded field is skipped). Raises
    Unsupported for a condition Python cannot decide."""
    try:
        return _verdict(model, instance, Q(constraint.condition), exclude) is not False
    except _Skipped:
        return True


def failing_checks(instance, model, checks, exclude, using) -> list[CheckConstraint]:
    """The check constraints among `checks` that the instance's values break."""
    failing, to_ask = [], []
    for constraint in checks:
        try:
            if not python_verdict(constraint, model, instance, exclude):
                failing.append(constraint)
        except Unsupported:
            to_ask.append(constraint)
    if to_ask:
        failing += _failing_in_database(instance, model, to_ask, exclude, using)
    return failing


def _failing_in_database(instance, model, checks, exclude, using) -> list[CheckConstraint]:
    """The check constraints that the database, asked once, says the instance breaks."""
    against = instance._get_field_expression_map(meta=model._meta, exclude=exclude)
    query = Query(None)
    try:
        for name, value in against.items():
            if not hasattr(value, "resolve_expression"):
                value = Value(value)
            query.add_annotation(value, name, select=False)
    except FieldError:
        # A field set to an expression over another field (F("budget") + 1): as Django does,
        # constraint by constraint, each skipped where it cannot be resolved.
        return [c for c in checks if not _passes(c, model, instance, exclude, using)]
    asked = []
    for constraint in checks:
        condition = ExpressionWrapper(Q(constraint.condition), output_field=BooleanField())
        try:
            query.add_annotation(
                Coalesce(condition, Value(True), output_field=BooleanField()),
                f"_check_{len(asked)}",
            )
        except FieldError:
            continue  # it names a field left out of the validation, as Django skips it
        asked.append(constraint)
    if not asked:
        return []
    # As Q.check: inside a transaction, a savepoint, so a refused query spoils nothing.
    in_transaction = connections[using].in_atomic_block
    try:
        with transaction.atomic(using=using) if in_transaction else nullcontext():
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError as error:
        logger.warning("Check constraints of %s validated one by one: %s", model.__name__, error)
        return [c for c in asked if not _passes(c, model, instance, exclude, using)]
    return [constraint for constraint, passed in zip(asked, row, strict=True) if not passed]


def _passes(constraint, model, instance, exclude, using) -> bool:
    try:
        constraint.validate(model, instance, exclude=exclude, using=using)
    except ValidationError:
        return False
    return True


class OneQueryCheckConstraintsMixin(models.Model):
    """Validates the model's check constraints in one query (see the module)."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        errors = {}
        for model, constraints in self.get_constraints():
            checks = [c for c in constraints if type(c) is CheckConstraint]
            for constraint in failing_checks(self, model, checks, exclude, using):
                error = ValidationError(
                    constraint.get_violation_error_message(),
                    code=constraint.violation_error_code,
                )
                errors = error.update_error_dict(errors)
            for constraint in constraints:
                if type(constraint) is CheckConstraint:
                    continue
                try:
                    constraint.validate(model, self, exclude=exclude, using=using)
                except ValidationError as error:
                    # As Model.validate_constraints: a single field's uniqueness under it.
                    if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
