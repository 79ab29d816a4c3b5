"""Compare every record's search document with the record and write those that differ.

Saves, deletes and many-to-many changes keep the documents current by themselves; this is
for rows written behind the ORM's back (SQL by hand, a restored dump, QuerySet.update())."""

from django.core.management.base import BaseCommand
from django.db import transaction

from search import index
from search.models import SearchDocument


class Command(BaseCommand):
    help = "Bygger om sökindexet: ett sökdokument för varje kommun, samarbete, projekt, nätverk och partnersökning."

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = index.rebuild()
        self.stdout.write(
            f"Sökindexet: {SearchDocument.objects.count()} dokument, {changed} skrivna eller borttagna."
        )
