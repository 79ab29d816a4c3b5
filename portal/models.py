"""The shared core: Swedish municipalities and counties, countries, themes, funding
sources, photos, and the SKL 2018 survey that gives the national picture."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from portal.choices import ActivityLevel, CooperationKind, WorldRegion
from portal.naturalkeys import NaturalKeyModel, NaturalKeyQuerySet, TimestampedModel
from portal.review import ReviewedModel


class County(NaturalKeyModel):
    natural_key_fields = ("code",)

    code = models.CharField(
        "länskod",
        max_length=2,
        primary_key=True,
        validators=[RegexValidator(r"^\d{2}$", "Länskoden är två siffror, till exempel 07.")],
    )
    name = models.CharField("namn", max_length=100, unique=True)
    short_name = models.CharField("kort namn", max_length=100)

    class Meta:
        verbose_name = "län"
        verbose_name_plural = "län"
        ordering = ["code"]

    def __str__(self):
        return self.name


class MunicipalityKind(models.TextChoices):
    MUNICIPALITY = "kommun", "Kommun"
    REGION = "region", "Region"


class MunicipalityGroup(models.TextChoices):
    """SKR's kommungruppsindelning 2017, the grouping SKL's 2018 survey coded its answers by.

    Only kommuner have a group. The values are SKR's own codes (A1–C9)."""

    BIG_CITY = "A1", "Storstäder"
    COMMUTER_NEAR_BIG_CITY = "A2", "Pendlingskommun nära storstad"
    LARGE_TOWN = "B3", "Större stad"
    COMMUTER_NEAR_LARGE_TOWN = "B4", "Pendlingskommun nära större stad"
    LOW_COMMUTING_NEAR_LARGE_TOWN = "B5", "Lågpendlingskommun nära större stad"
    SMALL_TOWN = "C6", "Mindre stad/tätort"
    COMMUTER_NEAR_SMALL_TOWN = "C7", "Pendlingskommun nära mindre stad/tätort"
    RURAL = "C8", "Landsbygdskommun"
    RURAL_WITH_TOURISM = "C9", "Landsbygdskommun med besöksnäring"


class MunicipalityQuerySet(NaturalKeyQuerySet):
    def published(self):
        """Those that have written their own page (introduction, contacts, networks)."""
        return self.filter(is_published=True)


class Municipality(TimestampedModel, ReviewedModel, NaturalKeyModel):
    """A Swedish kommun or region, the owner of a public page."""

    name = models.CharField(
        "officiellt namn",
        max_length=150,
        help_text="Som hos SCB, till exempel Trollhättans kommun.",
    )
    display_name = models.CharField(
        "visningsnamn",
        max_length=150,
        blank=True,
        help_text="Hur kommunen själv skriver sitt namn, till exempel Trollhättans Stad. "
        "Lämna tomt för att använda det officiella namnet.",
    )
    short_name = models.CharField("kort namn", max_length=100, help_text="Till exempel Växjö.")
    slug = models.SlugField("adressnamn", max_length=100, unique=True)
    kind = models.CharField(
        "typ",
        max_length=10,
        choices=MunicipalityKind.choices,
        default=MunicipalityKind.MUNICIPALITY,
    )
    scb_code = models.CharField(
        "SCB-kod",
        max_length=4,
        unique=True,
        validators=[
            RegexValidator(
                r"^\d{2}(\d{2})?$",
                "SCB-koden är fyra siffror för en kommun (0780) och två för en region (07).",
            )
        ],
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, verbose_name="län")
    municipality_group = models.CharField(
        "kommungrupp",
        max_length=2,
        choices=MunicipalityGroup.choices,
        blank=True,
        help_text="SKR:s kommungruppsindelning 2017. Bara för kommuner; lämna tomt för regioner.",
    )
    website = models.URLField("webbplats", blank=True)
    intro = models.TextField(
        "inledning", blank=True, help_text="Visas överst på kommunens sida. Markdown eller stycken."
    )
    partnerships_intro = models.TextField(
        "inledning till kommunala partnerskap", blank=True, help_text="Markdown eller stycken."
    )
    twin_towns_intro = models.TextField(
        "inledning till vänorter", blank=True, help_text="Markdown eller stycken."
    )
    projects_intro = models.TextField(
        "inledning till projekt", blank=True, help_text="Markdown eller stycken."
    )
    networks_intro = models.TextField(
        "inledning till nätverk", blank=True, help_text="Markdown eller stycken."
    )
    contact_intro = models.TextField(
        "inledning till kontakt", blank=True, help_text="Markdown eller stycken."
    )
    contacts = models.ManyToManyField(
        "contacts.Person", blank=True, related_name="municipalities", verbose_name="kontaktpersoner"
    )
    is_published = models.BooleanField(
        "publicerad", default=False, help_text="Bara publicerade kommuner har en publik sida."
    )

    objects = MunicipalityQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[contacts])

    class Meta:
        verbose_name = "kommun eller region"
        verbose_name_plural = "kommuner och regioner"
        ordering = ["short_name"]

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.name

    @property
    def contact_centre_or_none(self):
        try:
            return self.contact_centre
        except ObjectDoesNotExist:
            return None


class CoordinatorAssignment(models.Model):
    """A municipality coordinator keeps the records of the municipalities assigned here."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coordinator_assignments",
        verbose_name="användare",
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="coordinator_assignments",
        verbose_name="kommun",
    )

    class Meta:
        verbose_name = "samordnad kommun"
        verbose_name_plural = "samordnade kommuner"
        ordering = ["municipality__short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"],
                name="coordinator_assignment_unique",
                violation_error_message="Användaren samordnar redan den kommunen.",
            )
        ]

    def __str__(self):
        return f"{self.user} samordnar {self.municipality}"


class Country(NaturalKeyModel):
    """A country from ISO 3166-1 (plus Kosovo, XK), with its Swedish name from CLDR."""

    natural_key_fields = ("code",)

    code = models.CharField(
        "landskod",
        max_length=2,
        primary_key=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", "Landskoden är två versaler, till exempel SE.")],
    )
    name = models.CharField("namn", max_length=100)
    name_en = models.CharField("engelskt namn", max_length=100)
    world_region = models.CharField(
        "världsdel (enkätens indelning)", max_length=20, choices=WorldRegion.choices
    )
    icld_eligible = models.BooleanField(
        "kommunala partnerskap möjliga",
        default=False,
        help_text="Landet finns bland ICLD:s samarbetsländer för kommunala partnerskap.",
    )

    class Meta:
        verbose_name = "land"
        verbose_name_plural = "länder"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Theme(NaturalKeyModel):
    """A cooperation area (samarbetsområde). The survey's own areas are top level."""

    name = models.CharField("namn", max_length=100, unique=True)
    slug = models.SlugField("adressnamn", max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="hör till",
        help_text="Enkätens samarbetsområde som detta räknas till i statistiken.",
    )
    in_survey = models.BooleanField("samarbetsområde i SKL:s enkät 2018", default=False)

    class Meta:
        verbose_name = "samarbetsområde"
        verbose_name_plural = "samarbetsområden"
        ordering = ["name"]

    def __str__(self):
        return self.name


class FundingSource(NaturalKeyModel):
    """How cooperation is paid for (finansieringsform): own money, EU, Sida/ICLD …"""

    name = models.CharField("namn", max_length=100, unique=True)
    slug = models.SlugField("adressnamn", max_length=100, unique=True)
    description = models.TextField("beskrivning", blank=True)

    class Meta:
        verbose_name = "finansieringsform"
        verbose_name_plural = "finansieringsformer"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Photo(NaturalKeyModel):
    """A picture or logo with what a screen reader says and whom to credit."""

    slug = models.SlugField("adressnamn", max_length=100, unique=True)
    image = models.ImageField(
        "bild",
        upload_to="bilder/%Y/",
        blank=True,
        width_field="width",
        height_field="height",
        help_text="JPEG, PNG eller WebP. Platsuppgifter och annan EXIF-information tas bort.",
    )
    width = models.PositiveIntegerField("bredd i pixlar", null=True, blank=True, editable=False)
    height = models.PositiveIntegerField("höjd i pixlar", null=True, blank=True, editable=False)
    alt_text = models.CharField(
        "alternativtext",
        max_length=250,
        help_text="Vad bilden visar, för den som inte ser den. Krävs.",
    )
    caption = models.CharField("bildtext", max_length=300, blank=True)
    credit = models.CharField(
        "fotograf eller källa",
        max_length=200,
        blank=True,
        help_text="Till exempel Andrew Ruiz, Unsplash.",
    )
    municipality = models.ForeignKey(
        Municipality,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
        verbose_name="kommun",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "bild"
        verbose_name_plural = "bilder"
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt_text=""),
                name="photo_alt_text_required",
                violation_error_message="En bild måste ha en alternativtext.",
            )
        ]

    def __str__(self):
        return self.alt_text

    @property
    def credit_display(self) -> str:
        return f"Foto: {self.credit}" if self.credit else ""


@receiver(post_delete, sender=Photo, dispatch_uid="photo_delete_renditions")
def delete_photo_renditions(sender, instance, **kwargs):
    """The renditions go with the photo; the original stays for its history."""
    if instance.image:
        from portal import images

        images.delete_renditions(instance.image.storage, instance.image.name)


class Survey(NaturalKeyModel):
    """A published survey whose national figures sit beside the live ones."""

    title = models.CharField("titel", max_length=200)
    subtitle = models.CharField("undertitel", max_length=200, blank=True)
    slug = models.SlugField("adressnamn", max_length=100, unique=True)
    publisher = models.ForeignKey(
        "contacts.Organisation", on_delete=models.PROTECT, verbose_name="utgivare"
    )
    year = models.PositiveSmallIntegerField("år för enkäten")
    published_on = models.DateField("utgiven", null=True, blank=True)
    authors = models.CharField("författare", max_length=200, blank=True)
    foreword_by = models.CharField("förord av", max_length=200, blank=True)
    contact = models.ForeignKey(
        "contacts.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name="upplysningar om innehållet",
    )
    url = models.URLField("webbplats", blank=True)
    summary = models.TextField("sammanfattning", blank=True)
    method = models.TextField("metod", blank=True)

    class Meta:
        verbose_name = "enkät"
        verbose_name_plural = "enkäter"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.title} ({self.year})"


class RespondentGroup(models.TextChoices):
    MUNICIPALITIES = "kommuner", "Kommuner"
    REGIONS = "regioner", "Landsting och regioner"
    ALL = "alla", "Kommuner, landsting och regioner"


class SurveyCooperation(models.TextChoices):
    """What a survey figure is about: one kind of cooperation or a combination."""

    TWIN_TOWN = CooperationKind.TWIN_TOWN.value, CooperationKind.TWIN_TOWN.label
    MUNICIPAL_PARTNERSHIP = (
        CooperationKind.MUNICIPAL_PARTNERSHIP.value,
        CooperationKind.MUNICIPAL_PARTNERSHIP.label,
    )
    OTHER = CooperationKind.OTHER.value, "Andra internationella samarbeten"
    TWIN_TOWN_OR_PARTNERSHIP = "vanort_eller_kp", "Vänorter eller kommunala partnerskap"
    ANY = "alla", "Någon form av internationellt engagemang"


class FigureTopic(models.TextChoices):
    METHOD = "metod", "Metod och svarsfrekvens"
    ENGAGEMENT = "engagemang", "Internationellt engagemang"
    TREND = "trend", "Utveckling över tid"
    NO_COOPERATION = "uteblivna", "Förklaringar till uteblivna samarbeten"
    COUNTRIES = "lander", "Länder för utbyte"
    ACTIVITY = "aktivitet", "Aktivitetsgrad"
    THEMES = "samarbetsomraden", "Samarbetsområden"
    COORDINATION = "samordning", "Samordning"
    FUNDING = "finansiering", "Finansiering"
    VALUE = "mervarden", "Mervärden"
    OBSTACLES = "hinder", "Hinder"


class FigureUnit(models.TextChoices):
    PERCENT = "procent", "procent"
    COUNT = "antal", "antal"


class SurveyFigure(NaturalKeyModel):
    """One national figure from a survey, tagged so a statistics page can set it beside
    the matching live figure."""

    natural_key_fields = ("survey__slug", "code")

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="figures", verbose_name="enkät"
    )
    code = models.SlugField("kod", max_length=100)
    topic = models.CharField("ämne", max_length=20, choices=FigureTopic.choices)
    label = models.CharField("vad siffran visar", max_length=300)
    value = models.DecimalField("värde", max_digits=10, decimal_places=1)
    unit = models.CharField("enhet", max_length=10, choices=FigureUnit.choices)
    base = models.CharField(
        "bas", max_length=200, blank=True, help_text="Till exempel ”av 213 svarande kommuner”."
    )
    respondent_group = models.CharField("svarande", max_length=10, choices=RespondentGroup.choices)
    cooperation = models.CharField(
        "samarbetsform", max_length=25, choices=SurveyCooperation.choices, blank=True
    )
    year = models.PositiveSmallIntegerField("avser år")
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.PROTECT, verbose_name="samarbetsområde"
    )
    funding_source = models.ForeignKey(
        FundingSource,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="finansieringsform",
    )
    activity_level = models.CharField(
        "aktivitetsgrad", max_length=10, choices=ActivityLevel.choices, blank=True
    )
    world_region = models.CharField(
        "världsdel", max_length=20, choices=WorldRegion.choices, blank=True
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, verbose_name="land"
    )
    note = models.TextField("kommentar", blank=True)
    order = models.PositiveSmallIntegerField("ordning", default=0)

    class Meta:
        verbose_name = "siffra ur enkät"
        verbose_name_plural = "siffror ur enkäter"
        ordering = ["survey", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "code"],
                name="survey_figure_unique_code",
                violation_error_message="Enkäten har redan en siffra med den koden.",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="survey_figure_value_not_negative",
                violation_error_message="Värdet kan inte vara negativt.",
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.value_display}"

    @property
    def value_display(self) -> str:
        value = self.value.normalize() if self.value == self.value.to_integral() else self.value
        number = f"{value:f}".replace(".", ",")
        return f"{number} procent" if self.unit == FigureUnit.PERCENT else number


class SurveyPartnerCountry(NaturalKeyModel):
    """A partner country as the survey's annex lists it ("Danmark (inkl. Färöarna)")."""

    natural_key_fields = ("survey__slug", "respondent_group", "listed_as")

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="partner_countries", verbose_name="enkät"
    )
    respondent_group = models.CharField("svarande", max_length=10, choices=RespondentGroup.choices)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name="land")
    listed_as = models.CharField("så som enkäten skriver", max_length=100)

    class Meta:
        verbose_name = "samarbetsland i enkät"
        verbose_name_plural = "samarbetsländer i enkäter"
        ordering = ["survey", "respondent_group", "listed_as"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent_group", "listed_as"],
                name="survey_partner_country_unique",
                violation_error_message="Landet finns redan i enkätens lista.",
            )
        ]

    def __str__(self):
        return self.listed_as


class ConceptCategory(models.TextChoices):
    COOPERATION_KIND = "samarbetsform", "Samarbetsform"
    ACTIVITY_LEVEL = "aktivitetsgrad", "Aktivitetsgrad"
    OTHER = "ovrigt", "Övrigt"


class Concept(NaturalKeyModel):
    """A term with its definition, for the glossary page (/om/begrepp/)."""

    term = models.CharField("begrepp", max_length=100, unique=True)
    slug = models.SlugField("adressnamn", max_length=100, unique=True)
    category = models.CharField("kategori", max_length=20, choices=ConceptCategory.choices)
    definition = models.TextField("definition")
    cooperation_kind = models.CharField(
        "samarbetsform", max_length=25, choices=CooperationKind.choices, blank=True
    )
    activity_level = models.CharField(
        "aktivitetsgrad", max_length=10, choices=ActivityLevel.choices, blank=True
    )
    source = models.ForeignKey(
        Survey, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="källa"
    )
    order = models.PositiveSmallIntegerField("ordning", default=0)

    class Meta:
        verbose_name = "begrepp"
        verbose_name_plural = "begrepp"
        ordering = ["category", "order", "term"]

    def __str__(self):
        return self.term
