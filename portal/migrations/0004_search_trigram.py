from django.db import migrations

from portal.migration_ops import create_unaccent_function, drop_unaccent_function, trigram_indexes


class Migration(migrations.Migration):
    """portal_unaccent(), an indexable unaccent(), and the trigram indexes of the search.
    Even at 290 rows they pay: without them every search reads and compares every intro."""

    dependencies = [
        ("portal", "0003_search_vector"),
    ]

    operations = [
        migrations.RunPython(create_unaccent_function, drop_unaccent_function, elidable=True),
        *trigram_indexes(
            "portal.Municipality",
            substring=("name", "short_name", "display_name", "intro"),
            misspelt=("short_name", "name"),
        ),
    ]
