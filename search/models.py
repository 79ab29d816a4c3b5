"""One search document per searchable record: what site search and the lists' free text
compare, kept current by search/signals.py (search/index.py writes them)."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class Kind(models.TextChoices):
    MUNICIPALITY = "municipality", "Kommun"
    PARTNERSHIP = "partnership", "Samarbete"
    PROJECT = "project", "Projekt"
    NETWORK = "network", "Nätverk"
    PARTNER_REQUEST = "partner_request", "Söker partner"


class SearchDocument(models.Model):
    """The searchable text of one municipality, partnership, project, network or partner
    request. On PostgreSQL `vector` holds it weighted (the title A, names B, longer texts C;
    the names also without diacritics, so "Koge" finds Køge), under one GIN index with the
    kind, and `folded_title` has a trigram index for substrings and misspellings of titles
    (both created by the migration, PostgreSQL only)."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    #: The record's own publication flag; what else decides whether it is shown (its
    #: municipality's page, a partner request's last day) is checked on the hits.
    is_public = models.BooleanField(default=False)
    title = models.TextField()
    #: Other names of the record and of what it involves: partners, municipalities,
    #: programmes, countries, its kind ("Vänort"), one per line.
    names = models.TextField(blank=True)
    body = models.TextField(blank=True)
    #: The title and the names in lower case without diacritics (portal.names.fold).
    folded_title = models.TextField(blank=True)
    folded_names = models.TextField(blank=True)
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = "sökdokument"
        verbose_name_plural = "sökdokument"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_record")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"
