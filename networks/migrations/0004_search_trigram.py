from django.db import migrations

from portal.migration_ops import trigram_indexes


class Migration(migrations.Migration):
    """Trigram indexes for the substring and misspelling matches of the site search."""

    dependencies = [
        ("portal", "0004_search_trigram"),
        ("networks", "0003_search_vector"),
    ]

    operations = trigram_indexes(
        "networks.Network",
        substring=("name", "acronym", "description"),
        misspelt=("name", "acronym"),
    )
