"""Twin towns, municipal partnerships (KP) and other cooperation agreements."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from portal.choices import ActivityLevel, CooperationKind
from portal.formatting import PeriodStatus
from portal.naturalkeys import NaturalKeyModel, TimestampedModel
from portal.parties import (
    PartyRowMixin,
    SharedRecordMixin,
    SharedRecordQuerySetMixin,
    party_municipality_field,
)
from portal.periods import PeriodModel, PeriodQuerySet, period_constraints
from portal.review import ReviewedModel, awaiting_confirmation_field, publication_field

PartnershipKind = CooperationKind


class PartnershipQuerySet(SharedRecordQuerySetMixin, PeriodQuerySet):
    party_rows = "parties"


class Partnership(SharedRecordMixin, TimestampedModel, ReviewedModel, NaturalKeyModel, PeriodModel):
    """A Swedish municipality's twin town, municipal partnership or other agreement with
    one or more partner organisations. Ended ones are kept and shown as former."""

    OPEN_PREFIX = "sedan"
    party_rows = "parties"

    name = models.CharField(
        "namn", max_length=200, help_text="Kort, till exempel Tempe eller Nordiskt samarbetsavtal."
    )
    slug = models.SlugField("adressnamn", max_length=100, unique=True)
    kind = models.CharField("samarbetsform", max_length=25, choices=PartnershipKind.choices)
    municipality = models.ForeignKey(
        "portal.Municipality",
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name="svensk kommun",
    )
    partners = models.ManyToManyField(
        "contacts.Organisation",
        through="PartnershipParty",
        related_name="partnerships",
        verbose_name="parter",
    )
    end_reason = models.TextField("varför det upphörde", blank=True)
    activity_level = models.CharField(
        "aktivitetsgrad",
        max_length=10,
        choices=ActivityLevel.choices,
        blank=True,
        help_text="Bara för pågående samarbeten. Aktiv: gemensamma projekt med regelbundna "
        "kontakter under det senaste året. Sporadisk: oregelbundna kontakter under det senaste "
        "året. Vilande: ingen aktivitet under det senaste året.",
    )
    activity_noted_on = models.DateField(
        "aktivitetsgrad bedömd", null=True, blank=True, help_text="När aktivitetsgraden bedömdes."
    )
    background = models.TextField("bakgrund", blank=True, help_text="Markdown eller stycken.")
    coordinated_by = models.ForeignKey(
        "contacts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinated_partnerships",
        verbose_name="samordnas av",
    )
    steering_group = models.TextField("styrgrupp", blank=True)
    earlier_projects_note = models.TextField(
        "om tidigare projekt",
        blank=True,
        help_text="Projekt som inte finns som egna poster, till exempel ”fler än 35 projekt”.",
    )
    themes = models.ManyToManyField(
        "portal.Theme", blank=True, related_name="partnerships", verbose_name="samarbetsområden"
    )
    funding_sources = models.ManyToManyField(
        "portal.FundingSource",
        blank=True,
        related_name="partnerships",
        verbose_name="finansieringsformer",
    )
    contacts = models.ManyToManyField(
        "contacts.Person", blank=True, related_name="partnerships", verbose_name="kontaktpersoner"
    )
    photo = models.ForeignKey(
        "portal.Photo", null=True, blank=True, on_delete=models.SET_NULL, verbose_name="bild"
    )
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        verbose_name="ersattes av",
    )
    is_published = publication_field()

    objects = PartnershipQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[themes, funding_sources, contacts])

    class Meta:
        verbose_name = "samarbete"
        verbose_name_plural = "samarbeten"
        ordering = ["municipality__short_name", "kind", "name"]
        constraints = [
            *period_constraints("partnership"),
            models.CheckConstraint(
                condition=~Q(replaced_by=models.F("pk")),
                name="partnership_not_replaced_by_itself",
                violation_error_message="Ett samarbete kan inte ersättas av sig självt.",
            ),
        ]

    def __str__(self):
        return f"{self.municipality.short_name} – {self.name} ({self.get_kind_display().lower()})"

    def clean(self):
        super().clean()
        if self.activity_level and self.status_on() == PeriodStatus.FINISHED:
            raise ValidationError(
                {
                    "activity_level": "Ett avslutat samarbete har ingen aktivitetsgrad. "
                    "Ta bort aktivitetsgraden eller slutdatumet."
                }
            )

    @property
    def partner_organisations(self) -> list:
        """The partners abroad (not Swedish co-parties), from prefetched parties."""
        return partner_organisations_among(self.parties.all())

    @property
    def partners_display(self) -> str:
        """JB Marks Local Municipality, Sydafrika — or the partnership's name."""
        partners = self.partner_organisations
        if not partners:
            return self.name
        return "; ".join(f"{org.name}, {org.country}" for org in partners)

    def partners_display_for(self, municipality) -> str:
        """The other side as `municipality`'s page names it: the partners, without the
        municipality itself; for a pair of two Swedish municipalities seen from the one
        that does not own the record, the owner."""
        partners = [
            org for org in self.partner_organisations if org.municipality_id != municipality.pk
        ]
        if not partners and self.municipality_id != municipality.pk:
            return self.municipality.public_name
        if not partners:
            return self.name
        return "; ".join(f"{org.name}, {org.country}" for org in partners)

    @property
    def is_live(self) -> bool:
        return self.status_on() != PeriodStatus.FINISHED

    @property
    def is_public(self) -> bool:
        """Shown to residents."""
        return self.is_published

    @property
    def public_replaced_by(self):
        """What replaced it, where residents may see that; None otherwise."""
        replaced_by = self.replaced_by
        return replaced_by if replaced_by is not None and replaced_by.is_public else None


def partner_organisations_among(parties) -> list:
    """The partners abroad among a partnership's parties (a prefetched list, say)."""
    return [party.organisation for party in parties if party.role == PartyRole.PARTNER]


class PartyRole(models.TextChoices):
    PARTNER = "partner", "Partner"
    SWEDISH_PARTY = "svensk_part", "Svensk part"


class PartnershipParty(PartyRowMixin, NaturalKeyModel):
    """An organisation taking part in a partnership, and when."""

    natural_key_fields = ("partnership__slug", "organisation__slug")
    record_field = "partnership"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="parties", verbose_name="samarbete"
    )
    organisation = models.ForeignKey(
        "contacts.Organisation", on_delete=models.PROTECT, verbose_name="organisation"
    )
    role = models.CharField(
        "roll", max_length=15, choices=PartyRole.choices, default=PartyRole.PARTNER
    )
    since_year = models.PositiveSmallIntegerField("sedan år", null=True, blank=True)
    until_year = models.PositiveSmallIntegerField("till och med år", null=True, blank=True)
    note = models.CharField("kommentar", max_length=300, blank=True)
    awaiting_confirmation = awaiting_confirmation_field()
    party_municipality = party_municipality_field()

    history = HistoricalRecords(excluded_fields=["party_municipality"])

    class Meta:
        verbose_name = "part"
        verbose_name_plural = "parter"
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"],
                name="partnership_party_unique",
                violation_error_message="Organisationen är redan part i samarbetet.",
            ),
            models.CheckConstraint(
                condition=Q(since_year__isnull=True)
                | Q(until_year__isnull=True)
                | Q(until_year__gte=models.F("since_year")),
                name="partnership_party_until_not_before_since",
                violation_error_message="Slutåret kan inte ligga före startåret.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} i {self.partnership.name}"


class ExchangeProgramme(NaturalKeyModel):
    """An exchange run within a partnership (Tempe's student, professional, teacher exchanges)."""

    natural_key_fields = ("partnership__slug", "name")

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="exchange_programmes",
        verbose_name="samarbete",
    )
    name = models.CharField("namn", max_length=200)
    organiser = models.ForeignKey(
        "contacts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name="genom organisationen",
    )
    description = models.TextField("beskrivning", blank=True)
    order = models.PositiveSmallIntegerField("ordning", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "utbytesprogram"
        verbose_name_plural = "utbytesprogram"
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"],
                name="exchange_programme_unique",
                violation_error_message="Samarbetet har redan ett utbytesprogram med det namnet.",
            )
        ]

    def __str__(self):
        return self.name
