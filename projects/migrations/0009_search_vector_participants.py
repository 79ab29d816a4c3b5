"""The projects' search vectors name their participants (so that a partner's name finds its
projects through the GIN index, not a pass over every participant row)."""

from django.db import migrations

from portal.migration_ops import vector_expression

# The vector's fields as they were when this migration was written (see portal/migration_ops.py).
FIELDS = [
    ("title", "A"),
    ("acronym", "A"),
    ("original_title", "B"),
    ("summary", "B"),
    ("participants__name", "B"),
    ("description", "C"),
    ("municipality__name", "C"),
]


def refresh(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    project = apps.get_model("projects", "Project")
    manager = project._base_manager.using(schema_editor.connection.alias)
    manager.update(search_vector=vector_expression(project, FIELDS))


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0006_organisation_coordinates"),
        ("projects", "0008_published_order_index"),
    ]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop, elidable=True)]
