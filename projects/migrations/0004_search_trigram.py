from django.db import migrations

from portal.migration_ops import trigram_indexes


class Migration(migrations.Migration):
    """Trigram indexes for the substring and misspelling matches of the site search."""

    dependencies = [
        ("portal", "0004_search_trigram"),
        ("projects", "0003_search_vector"),
    ]

    operations = trigram_indexes(
        "projects.Project",
        substring=("title", "acronym", "original_title", "summary"),
        misspelt=("title", "acronym"),
    )
