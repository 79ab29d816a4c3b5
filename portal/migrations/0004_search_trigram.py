from django.db import migrations

from portal.search import create_unaccent_function, drop_unaccent_function


class Migration(migrations.Migration):
    """portal_unaccent(), an indexable unaccent() for the trigram indexes of the other apps."""

    dependencies = [
        ("portal", "0003_search_vector"),
    ]

    operations = [
        migrations.RunPython(create_unaccent_function, drop_unaccent_function, elidable=True),
    ]
