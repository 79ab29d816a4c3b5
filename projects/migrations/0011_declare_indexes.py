"""Declare the index on Project.reviewed_on in Project.Meta.indexes: migration 0010 created
it with raw SQL and no state, so this only records it in the state (the database already
has it, under the same name, on PostgreSQL and SQLite alike). And add a partial index on
the end date of the published projects outside partnerships, which /statistik/ reads as
ongoing "other cooperation"."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projects", "0010_project_reviewed_on_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="project",
                    index=models.Index(fields=["reviewed_on"], name="projects_project_reviewed_on"),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                condition=models.Q(("is_published", True), ("partnership__isnull", True)),
                fields=["ends_on"],
                name="projects_unlinked_ends_on",
            ),
        ),
    ]
