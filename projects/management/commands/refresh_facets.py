"""Recompute every project's filter values (projects.facets) from its relations.

Saves, deletes and many-to-many changes keep them current by themselves; this is for rows
written behind the ORM's back (SQL by hand, a restored dump, QuerySet.update())."""

from django.core.management.base import BaseCommand
from django.db import transaction

from projects import facets
from projects.models import Project, ProjectFacet


class Command(BaseCommand):
    help = "Räknar om projektlistans filtervärden (land, världsdel, område, finansiering, program)."

    def handle(self, *args, **options):
        with transaction.atomic():
            facets.rebuild()
        self.stdout.write(
            f"Filtervärden för {Project.objects.count()} projekt: "
            f"{ProjectFacet.objects.count()} rader."
        )
