"""Organisations of every kind and the people to contact. One person, one record."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from portal.fields import PhoneNumberField
from portal.formatting import format_phone
from portal.naturalkeys import NaturalKeyModel


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "kommun", "Kommun eller stad"
    REGION = "region", "Region, provins eller län"
    MUNICIPAL_COMPANY = "kommunalt_bolag", "Kommunalt bolag"
    AGENCY = "myndighet", "Myndighet"
    INSTITUTE = "institut", "Institut"
    UNIVERSITY = "universitet", "Universitet eller högskola"
    COMPANY = "foretag", "Företag"
    ASSOCIATION = "forening", "Förening eller ideell organisation"
    OTHER = "annan", "Annan organisation"


COORDINATES_TOGETHER = "Ange både latitud och longitud, eller ingen av dem."


class Organisation(NaturalKeyModel):
    """Any body that takes part: a foreign municipality or province, a municipal company,
    an institute, a university, an agency, a company."""

    name = models.CharField("namn", max_length=200)
    short_name = models.CharField(
        "förkortning", max_length=50, blank=True, help_text="Till exempel ID, VKAB eller SKR."
    )
    slug = models.SlugField("adressnamn", max_length=100, unique=True)
    kind = models.CharField("typ", max_length=20, choices=OrganisationKind.choices)
    country = models.ForeignKey(
        "portal.Country",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name="land",
    )
    region = models.CharField(
        "delstat, provins eller region",
        max_length=100,
        blank=True,
        help_text="Till exempel Arizona.",
    )
    # The place on the partner map (maps/partner_map.py): the town centre, in decimal degrees.
    latitude = models.DecimalField(
        "latitud",
        max_digits=7,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="Ortens läge på kartan i decimala grader, från −90 till 90: norr om "
        "ekvatorn positivt, söder om negativt. Till exempel 56.87767 för Växjö.",
    )
    longitude = models.DecimalField(
        "longitud",
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text="Från −180 till 180: öster om Greenwich positivt, väster om negativt. "
        "Till exempel 14.80906 för Växjö.",
    )
    website = models.URLField("webbplats", blank=True)
    description = models.TextField("beskrivning", blank=True)
    municipality = models.ForeignKey(
        "portal.Municipality",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
        verbose_name="svensk kommun",
        help_text="Den svenska kommun eller region som organisationen är eller hör till.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisationer"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="organisation_coordinates_both_or_neither",
                violation_error_message=COORDINATES_TOGETHER,
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Whether it is a Swedish municipality or region, and which, may have changed.
        from portal.parties import refresh_party_municipalities

        refresh_party_municipalities(self.project_participations.all(), newly_shared_wait=True)
        refresh_party_municipalities(self.partnershipparty_set.all(), newly_shared_wait=True)

    def clean(self):
        super().clean()
        if self.latitude is None and self.longitude is not None:
            raise ValidationError({"latitude": COORDINATES_TOGETHER})
        if self.longitude is None and self.latitude is not None:
            raise ValidationError({"longitude": COORDINATES_TOGETHER})


class OrganisationName(NaturalKeyModel):
    """Another name an organisation goes or went by ("Tlokwe City Council")."""

    natural_key_fields = ("organisation__slug", "name")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="other_names",
        verbose_name="organisation",
    )
    name = models.CharField("namn", max_length=200)
    is_former = models.BooleanField(
        "tidigare namn", default=True, help_text="Ur bruk. Annars en annan stavning som används."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "annat namn"
        verbose_name_plural = "andra namn"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="organisation_name_unique",
                violation_error_message="Organisationen har redan det namnet.",
            )
        ]

    def __str__(self):
        return self.name


class Person(NaturalKeyModel):
    name = models.CharField("namn", max_length=150)
    slug = models.SlugField("adressnamn", max_length=100, unique=True)
    title = models.CharField("titel", max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name="organisation",
    )
    email = models.EmailField("e-post", blank=True)
    phone = PhoneNumberField(
        "telefon", help_text="Till exempel 0470-410 00; numret sparas i internationell form."
    )
    contact_details_public = models.BooleanField(
        "visa e-post och telefon publikt",
        default=False,
        help_text=(
            "Personuppgifter: kryssa i när personen har godkänt att e-postadress och "
            "telefonnummer visas på webbplatsen, i nedladdningar och i API:t. Annars visas "
            "bara namn, titel och organisation."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "kontaktperson"
        verbose_name_plural = "kontaktpersoner"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

    # The one place that decides whether a person's e-mail and phone may be shown: pages,
    # downloads and the API read these, never email/phone directly.
    @property
    def public_email(self) -> str:
        return self.email if self.contact_details_public else ""

    @property
    def public_phone(self) -> str:
        return self.phone if self.contact_details_public else ""

    @property
    def public_phone_display(self) -> str:
        return format_phone(self.public_phone) if self.public_phone else ""


class ContactCentre(NaturalKeyModel):
    """A municipality's way in for residents: opening hours and where to visit."""

    natural_key_fields = ("municipality__slug",)

    municipality = models.OneToOneField(
        "portal.Municipality",
        on_delete=models.CASCADE,
        related_name="contact_centre",
        verbose_name="kommun",
    )
    name = models.CharField("namn", max_length=150, default="Kontaktcenter")
    opening_hours = models.TextField("öppettider", blank=True)
    street_address = models.CharField("besöksadress", max_length=200, blank=True)
    postal_code = models.CharField("postnummer", max_length=10, blank=True)
    city = models.CharField("ort", max_length=100, blank=True)
    phone = PhoneNumberField("telefon")
    email = models.EmailField("e-post", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "kontaktcenter"
        verbose_name_plural = "kontaktcenter"

    def __str__(self):
        return f"{self.name}, {self.municipality}"

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

    @property
    def postal_address(self) -> str:
        return " ".join(part for part in (self.postal_code, self.city) if part)
