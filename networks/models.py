"""Networks municipalities belong to, and the survey annex's catalogue of cooperations."""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from portal.formatting import format_year_range
from portal.naturalkeys import NaturalKeyModel, NaturalKeyQuerySet, TimestampedModel
from portal.review import publication_field


class NetworkCategory(models.TextChoices):
    """The headings of the survey annex (SKL 2018)."""

    NETWORK = "natverk", "Nätverk"
    CROSS_BORDER = "gransoverskridande", "Gränsöverskridande samarbete"
    ESF_PROJECT = "esf", "ESF-projekt"
    NORDIC_COUNCIL = "nordiska_ministerradet", "Nordiska ministerrådet"
    INTERREG_PROJECT = "interreg", "Interreg-projekt"
    OTHER_EU_PROJECT = "ovriga_eu", "Övriga EU-finansierade projekt"
    OTHER = "ovrigt", "Övrigt"


class NetworkScope(models.TextChoices):
    LOCAL_NATIONAL = "nationellt", "Nationellt"
    CROSS_BORDER = "gransregionalt", "Gränsregionalt"
    NORDIC = "nordiskt", "Nordiskt"
    BALTIC = "ostersjon", "Östersjöregionen"
    EUROPEAN = "europeiskt", "Europeiskt"
    GLOBAL = "globalt", "Globalt"


class NetworkQuerySet(NaturalKeyQuerySet):
    def published(self):
        return self.filter(is_published=True)


class Network(TimestampedModel, NaturalKeyModel):
    name = models.CharField("namn", max_length=200, unique=True)
    acronym = models.CharField("förkortning", max_length=50, blank=True)
    slug = models.SlugField("adressnamn", max_length=100, unique=True)
    category = models.CharField(
        "kategori", max_length=25, choices=NetworkCategory.choices, default=NetworkCategory.NETWORK
    )
    scope = models.CharField("räckvidd", max_length=20, choices=NetworkScope.choices, blank=True)
    description = models.TextField("beskrivning", blank=True, help_text="Markdown eller stycken.")
    website = models.URLField("webbplats", blank=True)
    founded_year = models.PositiveSmallIntegerField("grundat år", null=True, blank=True)
    seat = models.CharField("säte", max_length=150, blank=True)
    size = models.PositiveIntegerField(
        "antal medlemmar", null=True, blank=True, help_text="Ett tal, för sortering och statistik."
    )
    size_text = models.CharField(
        "storlek med källans ord",
        max_length=300,
        blank=True,
        help_text="Till exempel ”lite mer än 60 medlemmar (såväl offentliga som privata)”.",
    )
    programme = models.ForeignKey(
        "projects.Programme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="networks",
        verbose_name="program",
    )
    listed_in_survey = models.ForeignKey(
        "portal.Survey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="listed_networks",
        verbose_name="nämns i enkätens bilaga",
    )
    survey_listing = models.CharField(
        "så som bilagan skriver",
        max_length=300,
        blank=True,
        help_text="Enkätbilagans rad ordagrant, till exempel ”SERN - Sweden Emilia Romagna Network”.",
    )
    is_published = publication_field()

    objects = NetworkQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "nätverk"
        verbose_name_plural = "nätverk"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class MembershipQuerySet(NaturalKeyQuerySet):
    def current(self, year: int):
        return self.filter(Q(until_year__isnull=True) | Q(until_year__gte=year))


class Membership(NaturalKeyModel):
    natural_key_fields = ("municipality__slug", "network__slug")

    municipality = models.ForeignKey(
        "portal.Municipality",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name="kommun",
    )
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="memberships", verbose_name="nätverk"
    )
    since_year = models.PositiveSmallIntegerField("medlem sedan år", null=True, blank=True)
    until_year = models.PositiveSmallIntegerField("medlem till och med år", null=True, blank=True)
    note = models.TextField("om medlemskapet", blank=True)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "medlemskap"
        verbose_name_plural = "medlemskap"
        ordering = ["network__name", "municipality__short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "network"],
                name="membership_unique",
                violation_error_message="Kommunen är redan medlem i det nätverket.",
            ),
            models.CheckConstraint(
                condition=Q(since_year__isnull=True)
                | Q(until_year__isnull=True)
                | Q(until_year__gte=F("since_year")),
                name="membership_until_not_before_since",
                violation_error_message="Slutåret kan inte ligga före startåret.",
            ),
        ]

    def __str__(self):
        return f"{self.municipality} i {self.network}"

    @property
    def period_display(self) -> str:
        return format_year_range(self.since_year, self.until_year)


class MembershipRole(NaturalKeyModel):
    """A role within a membership, with years: chair 2021–2023, host 2024."""

    natural_key_fields = ("membership__municipality__slug", "membership__network__slug", "title")

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="roles", verbose_name="medlemskap"
    )
    title = models.CharField("roll", max_length=200)
    start_year = models.PositiveSmallIntegerField("från år", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("till och med år", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "roll"
        verbose_name_plural = "roller"
        ordering = ["start_year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "title"],
                name="membership_role_unique",
                violation_error_message="Medlemskapet har redan den rollen.",
            ),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="membership_role_end_not_before_start",
                violation_error_message="Slutåret kan inte ligga före startåret.",
            ),
        ]

    def __str__(self):
        years = self.years_display
        return f"{self.title} {years}" if years else self.title

    @property
    def years_display(self) -> str:
        return format_year_range(self.start_year, self.end_year, open_prefix="från")
