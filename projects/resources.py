"""Projects as a spreadsheet: one row per project, Swedish column headers.

Not in the spreadsheet (kept as they are on import): the partnership a project belongs
to, contact people, photo, review date and reviewer.
"""

from import_export.fields import Field

from portal.choices import Currency
from portal.spreadsheets import keys
from portal.spreadsheets.fields import ChildListField, ListField
from portal.spreadsheets.resources import PeriodResource
from portal.spreadsheets.widgets import (
    AmountWidget,
    BooleanCellWidget,
    ChoiceWidget,
    NameListWidget,
    NaturalKeyWidget,
    OrganisationRoleListWidget,
    TextWidget,
)
from projects.models import ParticipantRole, Project, ProjectKind, ProjectParticipant


class ProjectResource(PeriodResource):
    slug = Field("slug", "ID", TextWidget())
    title = Field("title", "Titel", TextWidget())
    acronym = Field("acronym", "Förkortning", TextWidget())
    kind = Field("kind", "Typ", ChoiceWidget(ProjectKind.choices), default=ProjectKind.PROJECT)
    municipality = Field("municipality", "Kommun", NaturalKeyWidget(keys.municipality_key()))
    programme = Field("programme", "Program", NaturalKeyWidget(keys.programme_key()))
    funding_sources = ListField(
        "funding_sources", "Finansieringsformer", NameListWidget(keys.funding_source_key())
    )
    total_budget = Field("total_budget", "Total budget", AmountWidget())
    budget_currency = Field(
        "budget_currency", "Budgetens valuta", ChoiceWidget(Currency.choices, render_value=True)
    )
    grant_amount = Field("grant_amount", "Beviljat bidrag", AmountWidget())
    grant_currency = Field(
        "grant_currency", "Bidragets valuta", ChoiceWidget(Currency.choices, render_value=True)
    )
    money_note = Field("money_note", "Om pengarna", TextWidget())
    participants = ChildListField(
        "project_participants",
        "Deltagare",
        OrganisationRoleListWidget(
            ProjectParticipant,
            organisations=keys.organisation_key(),
            roles=ParticipantRole.choices,
            default_role=ParticipantRole.PARTNER,
            single_roles=(ParticipantRole.LEAD_PARTNER,),
        ),
    )
    partner_countries = ListField(
        "partner_countries", "Fler partnerländer", NameListWidget(keys.country_key())
    )
    themes = ListField("themes", "Samarbetsområden", NameListWidget(keys.theme_key()))
    summary = Field("summary", "Kort beskrivning", TextWidget())
    description = Field("description", "Beskrivning", TextWidget())
    original_title = Field("original_title", "Titel på originalspråket", TextWidget())
    original_language = Field("original_language", "Originalspråk", TextWidget())
    website = Field("website", "Webbplats", TextWidget())
    is_published = Field("is_published", "Publicerad", BooleanCellWidget(), default=False)

    slug_source = "title"
    required_fields = ("title", "municipality")

    def check_instance(self, instance, errors):
        """The money rules of projects.models.money_constraints, beside their column."""
        super().check_instance(instance, errors)
        for amount, currency, message in (
            ("total_budget", "budget_currency", "Ange valuta för budgeten."),
            ("grant_amount", "grant_currency", "Ange valuta för bidraget."),
        ):
            if getattr(instance, amount) is not None and not getattr(instance, currency):
                errors.setdefault(currency, [message])
        budget, grant = instance.total_budget, instance.grant_amount
        if (
            budget is not None
            and grant is not None
            and instance.grant_currency == instance.budget_currency
            and grant > budget
        ):
            errors.setdefault("grant_amount", ["Bidraget kan inte vara större än hela budgeten."])

    class Meta:
        model = Project
        fields = (
            "slug",
            "title",
            "acronym",
            "kind",
            "municipality",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "duration_months",
            "programme",
            "funding_sources",
            "total_budget",
            "budget_currency",
            "grant_amount",
            "grant_currency",
            "money_note",
            "participants",
            "partner_countries",
            "themes",
            "summary",
            "description",
            "original_title",
            "original_language",
            "website",
            "is_published",
        )
