"""Organisations of every kind and the people to contact. One person, one record."""

from django.db import models
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

    def __str__(self):
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


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
