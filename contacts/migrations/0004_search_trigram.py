from django.db import migrations

from portal.migration_ops import trigram_indexes


class Migration(migrations.Migration):
    """Trigram indexes for the substring matches of the site search on names and titles."""

    dependencies = [
        ("portal", "0004_search_trigram"),
        ("contacts", "0003_history_review_publishing"),
    ]

    operations = [
        *trigram_indexes("contacts.Organisation", substring=("name", "short_name")),
        *trigram_indexes("contacts.OrganisationName", substring=("name",)),
        *trigram_indexes("contacts.Person", substring=("name", "title")),
    ]
