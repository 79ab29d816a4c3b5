"""A model's check constraints validated in one query instead of one query each.

Django validates every CheckConstraint with a query of its own (`Q.check`); a project has six,
so a spreadsheet import of 1 000 projects asked the database 6 000 times only to validate
them, a third of the import's time. `validate_constraints` here asks for all of a model's
check constraints in one SELECT of their conditions over the instance's values, with
Django's own rules: a condition that is NULL passes, a constraint that names an excluded
field is skipped, and the messages and codes are the constraints' own. Should the
database refuse the combined query, each constraint is validated as Django would.
"""

import logging
from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, CheckConstraint, ExpressionWrapper, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

logger = logging.getLogger(__name__)


def failing_checks(instance, model, checks, exclude, using) -> list[CheckConstraint]:
    """The check constraints among `checks` that the instance's values break."""
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
