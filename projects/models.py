"""Projects (EU, ICLD and others), the programmes that fund them, and stories."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from partnerships.models import partner_organisations_among
from portal.choices import Currency
from portal.countries import SWEDEN
from portal.formatting import format_money
from portal.naturalkeys import NaturalKeyModel, NaturalKeyQuerySet, TimestampedModel
from portal.parties import (
    PartyRowMixin,
    SharedRecordMixin,
    SharedRecordQuerySetMixin,
    party_municipality_field,
)
from portal.periods import PeriodModel, PeriodQuerySet, period_constraints
from portal.review import ReviewedModel, awaiting_confirmation_field, publication_field


class Programme(NaturalKeyModel):
    """A funding programme (Interreg Öresund, ERUF, ICLD kommunala partnerskap, IUC …).

    A programme of the same name in another period is another programme ("Interreg
    Öresund-Kattegat-Skagerrak" 2014–2020 and 2021–2027), linked by `predecessor`."""

    name = models.CharField("namn", max_length=200)
    short_name = models.CharField("förkortning", max_length=50, blank=True)
    slug = models.SlugField("adressnamn", max_length=100, unique=True)
    funding_source = models.ForeignKey(
        "portal.FundingSource",
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name="finansieringsform",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subprogrammes",
        verbose_name="del av",
    )
    start_year = models.PositiveSmallIntegerField(
        "programperiodens första år", null=True, blank=True, help_text="Till exempel 2021."
    )
    end_year = models.PositiveSmallIntegerField(
        "programperiodens sista år", null=True, blank=True, help_text="Till exempel 2027."
    )
    predecessor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="successors",
        verbose_name="föregångare",
        help_text="Samma program under perioden före, till exempel 2014–2020 före 2021–2027.",
    )
    website = models.URLField("webbplats", blank=True)
    description = models.TextField("beskrivning", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "program"
        verbose_name_plural = "program"
        ordering = ["name", "start_year"]
        constraints = [
            models.UniqueConstraint(
                "name",
                Coalesce("start_year", Value(0)),
                Coalesce("end_year", Value(0)),
                name="programme_name_period_unique",
                violation_error_message="Det finns redan ett program med det namnet och den "
                "programperioden.",
            ),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="programme_period_in_order",
                violation_error_message="Programperiodens sista år kan inte ligga före det första.",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("pk")),
                name="programme_not_its_own_predecessor",
                violation_error_message="Ett program kan inte vara sin egen föregångare.",
            ),
        ]

    def __str__(self):
        name = f"{self.name} {self.period_display}" if self.period_display else self.name
        return f"{name} ({self.short_name})" if self.short_name else name

    @property
    def period_display(self) -> str:
        """ "2021–2027", "från 2021", "till 2020", or ""."""
        if self.start_year and self.end_year:
            return f"{self.start_year}–{self.end_year}"
        if self.start_year:
            return f"från {self.start_year}"
        if self.end_year:
            return f"till {self.end_year}"
        return ""

    @property
    def name_with_period(self) -> str:
        return f"{self.name} {self.period_display}" if self.period_display else self.name


class ProjectKind(models.TextChoices):
    PRE_STUDY = "forstudie", "Förstudie"
    PROJECT = "projekt", "Projekt"


class ProjectQuerySet(SharedRecordQuerySetMixin, PeriodQuerySet):
    party_rows = "project_participants"

    def with_grant_source(self):
        """Annotates `grant_source_id`: the funding source a project's grant comes from. That
        is its programme's (ERUF → EU-medel), or else the project's own funding source when
        it names exactly one; otherwise None (the grant's source is not known)."""
        own = (
            Project.funding_sources.through.objects.filter(project=OuterRef("pk"))
            .values("project")
            .annotate(count=Count("pk"), source=Min("fundingsource"))
            .filter(count=1)
            .values("source")
        )
        return self.annotate(
            grant_source_id=Coalesce(F("programme__funding_source"), Subquery(own[:1]))
        )

    def grant_totals(self) -> list[dict]:
        """Granted money by funding source and currency, in one query: dicts with
        `grant_source_id`, `grant_currency`, `total` and `projects`, largest first."""
        return list(
            self.filter(grant_amount__isnull=False)
            .with_grant_source()
            .order_by()
            .values("grant_source_id", "grant_currency")
            .annotate(total=Sum("grant_amount"), projects=Count("pk"))
            .order_by("-total", "grant_currency")
        )


def money_constraints() -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(total_budget__isnull=True) | Q(total_budget__gte=0),
            name="project_budget_not_negative",
            violation_error_message="Budgeten kan inte vara negativ.",
        ),
        models.CheckConstraint(
            condition=Q(grant_amount__isnull=True) | Q(grant_amount__gte=0),
            name="project_grant_not_negative",
            violation_error_message="Bidraget kan inte vara negativt.",
        ),
        models.CheckConstraint(
            condition=Q(total_budget__isnull=True) | ~Q(budget_currency=""),
            name="project_budget_has_currency",
            violation_error_message="Ange valuta för budgeten.",
        ),
        models.CheckConstraint(
            condition=Q(grant_amount__isnull=True) | ~Q(grant_currency=""),
            name="project_grant_has_currency",
            violation_error_message="Ange valuta för bidraget.",
        ),
        models.CheckConstraint(
            condition=Q(total_budget__isnull=True)
            | Q(grant_amount__isnull=True)
            | ~Q(grant_currency=F("budget_currency"))
            | Q(grant_amount__lte=F("total_budget")),
            name="project_grant_not_above_budget",
            violation_error_message="Bidraget kan inte vara större än hela budgeten.",
        ),
    ]


class Project(SharedRecordMixin, TimestampedModel, ReviewedModel, NaturalKeyModel, PeriodModel):
    """A project or pre-study. Its status is derived from the period and today."""

    party_rows = "project_participants"

    title = models.CharField("titel", max_length=300)
    acronym = models.CharField("förkortning", max_length=50, blank=True)
    original_title = models.CharField(
        "titel på originalspråket",
        max_length=300,
        blank=True,
        help_text="När källan inte är på svenska.",
    )
    original_language = models.CharField(
        "originalspråk", max_length=10, blank=True, help_text="Språkkod, till exempel da eller en."
    )
    slug = models.SlugField("adressnamn", max_length=100, unique=True)
    kind = models.CharField(
        "typ", max_length=10, choices=ProjectKind.choices, default=ProjectKind.PROJECT
    )
    municipality = models.ForeignKey(
        "portal.Municipality",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name="svensk kommun",
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name="inom samarbetet",
    )
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name="program",
    )
    funding_sources = models.ManyToManyField(
        "portal.FundingSource",
        blank=True,
        related_name="projects",
        verbose_name="finansieringsformer",
    )
    summary = models.TextField("kort beskrivning", blank=True)
    description = models.TextField("beskrivning", blank=True, help_text="Markdown eller stycken.")
    total_budget = models.DecimalField(
        "total budget",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "Budgeten kan inte vara negativ.")],
    )
    budget_currency = models.CharField(
        "budgetens valuta", max_length=3, choices=Currency.choices, blank=True
    )
    grant_amount = models.DecimalField(
        "beviljat bidrag",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "Bidraget kan inte vara negativt.")],
    )
    grant_currency = models.CharField(
        "bidragets valuta", max_length=3, choices=Currency.choices, blank=True
    )
    money_note = models.CharField(
        "om pengarna",
        max_length=300,
        blank=True,
        help_text="Källans egna ord, till exempel ”drygt 3 miljoner kronor till Växjö kommun”.",
    )
    participants = models.ManyToManyField(
        "contacts.Organisation",
        through="ProjectParticipant",
        related_name="projects",
        verbose_name="deltagare",
    )
    partner_countries = models.ManyToManyField(
        "portal.Country",
        blank=True,
        related_name="projects",
        verbose_name="fler partnerländer",
        help_text="Länder där källan nämner partner utan att namnge dem.",
    )
    themes = models.ManyToManyField(
        "portal.Theme", blank=True, related_name="projects", verbose_name="samarbetsområden"
    )
    contacts = models.ManyToManyField(
        "contacts.Person", blank=True, related_name="projects", verbose_name="kontaktpersoner"
    )
    website = models.URLField("webbplats", blank=True)
    photo = models.ForeignKey(
        "portal.Photo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name="bild eller logotyp",
    )
    is_published = publication_field()

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[funding_sources, partner_countries, themes, contacts],
    )

    class Meta:
        verbose_name = "projekt"
        verbose_name_plural = "projekt"
        ordering = ["-start_date", "title"]
        constraints = [*period_constraints("project"), *money_constraints()]
        indexes = [
            # The public list's order, for its published rows: a page's keys, the count and
            # deep pages are read from this index alone (public/listing.py).
            models.Index(
                fields=["-start_date", "title", "id"],
                condition=Q(is_published=True),
                name="projects_published_order",
            ),
            # "Att granska" and Datakvalitet count the projects not reviewed for a year
            # (created by migration 0010, declared here since 0011).
            models.Index(fields=["reviewed_on"], name="projects_project_reviewed_on"),
            # /statistik/ reads the published projects outside partnerships that are
            # ongoing (stats/statistics.py, other_projects): a few thousand of 50 000.
            models.Index(
                fields=["ends_on"],
                condition=Q(is_published=True, partnership__isnull=True),
                name="projects_unlinked_ends_on",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.acronym})" if self.acronym else self.title

    @property
    def budget_display(self) -> str:
        return format_money(self.total_budget, self.budget_currency)

    @property
    def grant_display(self) -> str:
        return format_money(self.grant_amount, self.grant_currency)

    @property
    def public_partnership(self):
        """The partnership it belongs to, where residents may see it; None otherwise."""
        partnership = self.partnership
        return partnership if partnership is not None and partnership.is_public else None

    @property
    def lead_partner(self):
        return lead_partner_among(self.project_participants.all())

    @property
    def countries(self) -> list:
        """The countries abroad the project works with, as the list's country filter finds
        it: its participants', the countries named on it, and its partnership's partners'."""
        partnership = self.public_partnership
        return countries_among(
            self.project_participants.all(),
            self.partner_countries.all(),
            partnership.parties.all() if partnership else (),
        )


def countries_among(participants, named_countries, partnership_parties=()) -> list:
    """Project.countries from lists (prefetched, say), sorted by name; Sweden left out."""
    countries = {
        participant.organisation.country
        for participant in participants
        if participant.organisation.country_id not in (None, SWEDEN)
    }
    countries.update(named_countries)
    countries.update(
        organisation.country
        for organisation in partner_organisations_among(partnership_parties)
        if organisation.country_id not in (None, SWEDEN)
    )
    return sorted(countries, key=lambda country: country.name)


def lead_partner_among(participants):
    """The lead partner's organisation among a project's participants, or None."""
    for participant in participants:
        if participant.role == ParticipantRole.LEAD_PARTNER:
            return participant.organisation
    return None


class ParticipantRole(models.TextChoices):
    LEAD_PARTNER = "lead_partner", "Huvudpartner"
    PARTNER = "partner", "Partner"
    ASSOCIATED_PARTNER = "associerad", "Associerad partner"
    REGIONAL_COORDINATOR = "samordnare", "Samordnare"
    STAKEHOLDER = "intressent", "Intressentgrupp"
    OTHER = "deltagare", "Deltagare"


#: Other names a spreadsheet may give a role: the EU programmes' English terms, and the
#: labels earlier exports wrote ("Huvudpartner (lead partner)").
PARTICIPANT_ROLE_ALIASES = {
    "lead partner": ParticipantRole.LEAD_PARTNER,
    "Huvudpartner (lead partner)": ParticipantRole.LEAD_PARTNER,
    "associated partner": ParticipantRole.ASSOCIATED_PARTNER,
    "Associerad partner (associated partner)": ParticipantRole.ASSOCIATED_PARTNER,
    "stakeholder group": ParticipantRole.STAKEHOLDER,
    "Intressentgrupp (stakeholder group)": ParticipantRole.STAKEHOLDER,
}


class ProjectParticipant(PartyRowMixin, NaturalKeyModel):
    natural_key_fields = ("project__slug", "organisation__slug")
    record_field = "project"

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="project_participants",
        verbose_name="projekt",
    )
    organisation = models.ForeignKey(
        "contacts.Organisation",
        on_delete=models.PROTECT,
        related_name="project_participations",
        verbose_name="organisation",
    )
    role = models.CharField(
        "roll", max_length=15, choices=ParticipantRole.choices, default=ParticipantRole.PARTNER
    )
    budget_amount = models.DecimalField(
        "egen budget",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "Budgeten kan inte vara negativ.")],
        help_text="Deltagarens del av projektets budget.",
    )
    budget_currency = models.CharField(
        "budgetens valuta", max_length=3, choices=Currency.choices, blank=True
    )
    note = models.CharField("kommentar", max_length=300, blank=True)
    awaiting_confirmation = awaiting_confirmation_field()
    party_municipality = party_municipality_field()

    history = HistoricalRecords(excluded_fields=["party_municipality"])

    class Meta:
        verbose_name = "deltagare"
        verbose_name_plural = "deltagare"
        ordering = ["role", "organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | Q(budget_amount__gte=0),
                name="project_participant_budget_not_negative",
                violation_error_message="Budgeten kan inte vara negativ.",
            ),
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | ~Q(budget_currency=""),
                name="project_participant_budget_has_currency",
                violation_error_message="Ange valuta för deltagarens budget.",
            ),
            models.UniqueConstraint(
                fields=["project", "organisation"],
                name="project_participant_unique",
                violation_error_message="Organisationen deltar redan i projektet.",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(role="lead_partner"),
                name="project_one_lead_partner",
                violation_error_message="Ett projekt har bara en huvudpartner.",
            ),
        ]
        indexes = [
            # An organisation's most recently added participations, read a few at a time
            # (/sok/ names ten of a municipality's thousands of projects).
            models.Index(fields=["organisation", "id"], name="participant_by_organisation"),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display().lower()})"

    @property
    def budget_display(self) -> str:
        return format_money(self.budget_amount, self.budget_currency)


class Initiative(NaturalKeyModel):
    """A national initiative that stories belong to, such as Millenniekommunerna."""

    name = models.CharField("namn", max_length=200, unique=True)
    slug = models.SlugField("adressnamn", max_length=100, unique=True)
    organiser = models.ForeignKey(
        "contacts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name="arrangör",
    )
    description = models.TextField("beskrivning", blank=True)
    website = models.URLField("webbplats", blank=True)

    class Meta:
        verbose_name = "satsning"
        verbose_name_plural = "satsningar"
        ordering = ["name"]

    def __str__(self):
        return self.name


class StoryQuerySet(NaturalKeyQuerySet):
    def published(self):
        return self.filter(is_published=True)


class Story(TimestampedModel, NaturalKeyModel):
    """A short story about a municipality's work, often with a partner abroad."""

    title = models.CharField("rubrik", max_length=200)
    slug = models.SlugField("adressnamn", max_length=100, unique=True)
    municipality = models.ForeignKey(
        "portal.Municipality",
        on_delete=models.PROTECT,
        related_name="stories",
        verbose_name="kommun",
    )
    teaser = models.TextField("ingress")
    initiative = models.ForeignKey(
        Initiative,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
        verbose_name="satsning",
    )
    partner = models.ForeignKey(
        "contacts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
        verbose_name="partner utomlands",
    )
    partner_country = models.ForeignKey(
        "portal.Country",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stories",
        verbose_name="land utomlands",
        help_text="När berättelsen nämner ett land men ingen namngiven partner.",
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
        verbose_name="samarbete",
    )
    photo = models.ForeignKey(
        "portal.Photo", null=True, blank=True, on_delete=models.SET_NULL, verbose_name="bild"
    )
    url = models.URLField("läs mer", blank=True)
    is_published = publication_field()
    order = models.PositiveSmallIntegerField("ordning", default=0)

    objects = StoryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "berättelse"
        verbose_name_plural = "berättelser"
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    @property
    def public_partnership(self):
        """The partnership it tells of, where residents may see it; None otherwise."""
        partnership = self.partnership
        return partnership if partnership is not None and partnership.is_public else None


class FacetKind(models.TextChoices):
    COUNTRY = "country", "Land"
    REGION = "region", "Världsdel"
    THEME = "theme", "Samarbetsområde"
    FUNDING = "funding", "Finansiering"
    PROGRAMME = "programme", "Program"


class ProjectFacet(models.Model):
    """One value a filter of the project list asks about, derived from the project's
    relations and kept current by projects.facets (never written by hand): a country or
    world region abroad it works with (Project.countries), a theme or its parent, a funding
    source (its own or its programme's), its programme or a programme above it. The list's
    filters read this table instead of joining through the participants."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="facets", db_index=False
    )
    kind = models.CharField(max_length=10, choices=FacetKind.choices)
    #: A country code, a world region's value or the primary key of a theme, funding
    #: source or programme, as text.
    value = models.CharField(max_length=40)

    class Meta:
        verbose_name = "projektets filtervärde"
        verbose_name_plural = "projektens filtervärden"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "value"], name="projects_facet_unique"
            ),
        ]
        indexes = [models.Index(fields=["kind", "value", "project"], name="projects_facet_lookup")]

    def __str__(self):
        return f"{self.project_id}: {self.kind} {self.value}"
