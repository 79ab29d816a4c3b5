from django.db import migrations

from portal.migration_ops import index_and_backfill, trigram_indexes

# The vector's fields as they were when this migration was written (see portal/migration_ops.py).
FIELDS = [
    ("title", "A"),
    ("countries__name", "B"),
    ("themes__name", "B"),
    ("description", "C"),
]


class Migration(migrations.Migration):
    """The search vector's GIN index and the trigram indexes of the title, PostgreSQL only."""

    dependencies = [
        ("portal", "0004_search_trigram"),
        ("seeking", "0001_initial"),
    ]

    operations = [
        *index_and_backfill("seeking.PartnerRequest", FIELDS),
        *trigram_indexes("seeking.PartnerRequest", substring=("title",), misspelt=("title",)),
    ]
