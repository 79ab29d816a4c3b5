"""Partner requests ("Söker partner"): what a municipality, or an organisation abroad, is
looking for. Whether a request is current is derived from its last day and today, never
stored: every public read goes through `PartnerRequestQuerySet.current()`."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from portal.choices import CooperationKind, WorldRegion
from portal.countries import SWEDEN
from portal.naturalkeys import NaturalKeyModel, NaturalKeyQuerySet, TimestampedModel
from portal.review import publication_field

#: How far ahead a request may run: it should be renewed, not left standing for years.
LONGEST_VALIDITY = datetime.timedelta(days=2 * 365)

NO_SEEKER = "Ange vem som söker: en svensk kommun eller en utländsk organisation."
TWO_SEEKERS = "Ange bara en som söker: antingen en svensk kommun eller en utländsk organisation."


class SoughtKind(models.TextChoices):
    TWIN_TOWN = CooperationKind.TWIN_TOWN.value, "Vänort"
    MUNICIPAL_PARTNERSHIP = (
        CooperationKind.MUNICIPAL_PARTNERSHIP.value,
        "Kommunalt partnerskap",
    )
    PROJECT_PARTNER = "projektpartner", "Projektpartner"


class RequestStatus(models.TextChoices):
    CURRENT = "aktuell", "Aktuell"
    EXPIRED = "utgangen", "Utgången"


def today() -> datetime.date:
    return timezone.localdate()


class PartnerRequestQuerySet(NaturalKeyQuerySet):
    def current(self, on: datetime.date | None = None):
        """Still valid: the last day is today or later."""
        return self.filter(valid_until__gte=on or today())

    def expired(self, on: datetime.date | None = None):
        return self.filter(valid_until__lt=on or today())

    def published(self):
        """Published, and a municipality's only while the municipality's page is."""
        return self.filter(
            Q(municipality__isnull=True) | Q(municipality__is_published=True),
            is_published=True,
        )

    def public(self, on: datetime.date | None = None):
        """What residents see: published and current."""
        return self.published().current(on)


class PartnerRequest(TimestampedModel, NaturalKeyModel):
    """A partnersökning: a Swedish municipality, or (entered by a national editor) an
    organisation abroad, looking for a twin town, a municipal partnership or a project
    partner, on some themes, in some countries or parts of the world, until a given day."""

    title = models.CharField(
        "rubrik",
        max_length=200,
        help_text="Kort, till exempel ”Vänort i Kenya för skolutbyte”.",
    )
    slug = models.SlugField("adressnamn", max_length=100, unique=True)
    kind = models.CharField("söker", max_length=25, choices=SoughtKind.choices)
    municipality = models.ForeignKey(
        "portal.Municipality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_requests",
        verbose_name="svensk kommun som söker",
    )
    organisation = models.ForeignKey(
        "contacts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_requests",
        verbose_name="utländsk organisation som söker",
        help_text="Bara för sökningar från utlandet, som en nationell redaktör lägger in.",
    )
    themes = models.ManyToManyField(
        "portal.Theme",
        blank=True,
        related_name="partner_requests",
        verbose_name="samarbetsområden",
    )
    countries = models.ManyToManyField(
        "portal.Country",
        blank=True,
        related_name="partner_requests",
        verbose_name="länder",
        help_text="Länder där partnern ska finnas. Lämna tomt om det inte spelar någon roll.",
    )
    description = models.TextField(
        "beskrivning", blank=True, help_text="Vad ni vill göra tillsammans. Markdown eller stycken."
    )
    contact = models.ForeignKey(
        "contacts.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_requests",
        verbose_name="kontaktperson",
    )
    valid_until = models.DateField(
        "gäller till och med",
        help_text="Efter den dagen försvinner sökningen från webbplatsen av sig själv.",
    )
    is_published = publication_field()

    objects = PartnerRequestQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[themes, countries])

    class Meta:
        verbose_name = "partnersökning"
        verbose_name_plural = "partnersökningar"
        ordering = ["-created_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=False, organisation__isnull=True)
                | Q(municipality__isnull=True, organisation__isnull=False),
                name="partner_request_one_seeker",
                violation_error_message=TWO_SEEKERS,
            )
        ]

    def __str__(self):
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_valid_until = instance.__dict__.get("valid_until")
        return instance

    def validate_constraints(self, exclude=None):
        if (self.municipality_id is None) == (self.organisation_id is None):
            # clean() has said what is wrong with the seekers; the constraint would say it
            # a second time, in other words.
            exclude = {*(exclude or ()), "municipality", "organisation"}
        super().validate_constraints(exclude=exclude)

    def clean(self):
        super().clean()
        if self.municipality_id is None and self.organisation_id is None:
            raise ValidationError(NO_SEEKER)
        if self.municipality_id is not None and self.organisation_id is not None:
            raise ValidationError(TWO_SEEKERS)
        if self.organisation_id is not None and self.organisation.country_id == SWEDEN:
            raise ValidationError(
                {
                    "organisation": "Organisationen finns i Sverige. En svensk kommun söker "
                    "som kommun; en utländsk organisation som organisation."
                }
            )
        if self.valid_until is not None:
            on = today()
            changed = getattr(self, "_stored_valid_until", None) != self.valid_until
            if changed and self.valid_until < on:
                raise ValidationError(
                    {"valid_until": "Dagen har redan passerat. Välj i dag eller en senare dag."}
                )
            if self.valid_until > on + LONGEST_VALIDITY:
                raise ValidationError(
                    {
                        "valid_until": "En sökning kan gälla högst två år framåt. "
                        "Förläng den hellre när det är dags."
                    }
                )

    # The seeker, whoever it is

    @property
    def is_from_abroad(self) -> bool:
        return self.organisation_id is not None

    @property
    def seeker_name(self) -> str:
        if self.municipality_id is not None:
            return self.municipality.public_name
        return self.organisation.name if self.organisation_id is not None else ""

    # Derived status

    def status_on(self, on: datetime.date | None = None) -> str:
        return (
            RequestStatus.CURRENT if self.valid_until >= (on or today()) else RequestStatus.EXPIRED
        )

    @property
    def is_current(self) -> bool:
        return self.status_on() == RequestStatus.CURRENT

    @property
    def status(self) -> str:
        return self.status_on()

    @property
    def status_display(self) -> str:
        return RequestStatus(self.status_on()).label

    @property
    def world_regions(self) -> list[str]:
        """The sought parts of the world, in the choices' order (from prefetched rows)."""
        chosen = {row.region for row in self.regions.all()}
        return [value for value in WorldRegion.values if value in chosen]

    @property
    def world_regions_display(self) -> list[str]:
        return [WorldRegion(value).label for value in self.world_regions]

    def set_world_regions(self, regions) -> None:
        """Keep exactly these sought regions (each row's change goes into its history)."""
        wanted = set(regions)
        for row in self.regions.all():
            if row.region not in wanted:
                row.delete()
        existing = set(self.regions.values_list("region", flat=True))
        for region in WorldRegion.values:
            if region in wanted and region not in existing:
                SoughtRegion.objects.create(partner_request=self, region=region)


class SoughtRegion(models.Model):
    """One part of the world (the survey's grouping) that a request looks in."""

    partner_request = models.ForeignKey(
        PartnerRequest,
        on_delete=models.CASCADE,
        related_name="regions",
        verbose_name="partnersökning",
    )
    region = models.CharField("världsdel", max_length=20, choices=WorldRegion.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "sökt världsdel"
        verbose_name_plural = "sökta världsdelar"
        ordering = ["region"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner_request", "region"],
                name="sought_region_unique",
                violation_error_message="Världsdelen är redan vald.",
            )
        ]

    def __str__(self):
        return self.get_region_display()
