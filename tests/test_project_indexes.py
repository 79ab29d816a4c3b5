"""The indexes declared on Project are the database's: migration 0010 created the one on
reviewed_on with raw SQL, and 0011 declares it without building it again."""

import pytest
from django.db import connection

from projects.models import Project


@pytest.mark.django_db
def test_every_index_declared_on_project_exists_in_the_database():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Project._meta.db_table)
    declared = {index.name: index.fields for index in Project._meta.indexes}
    assert {"projects_project_reviewed_on", "projects_unlinked_ends_on"} <= set(declared)
    for name, fields in declared.items():
        assert name in constraints, name
        assert constraints[name]["index"]
        columns = [Project._meta.get_field(field.lstrip("-")).column for field in fields]
        assert constraints[name]["columns"] == columns
