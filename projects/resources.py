"""Projects as a spreadsheet, in two shapes, with Swedish column headers.

`ProjectResource`: one row per project, exported and imported. Not in the spreadsheet
(kept as they are on import): the partnership a project belongs to, contact people, photo,
review date and reviewer.

`ProjectPartnerResource`: one row per partner (export only), the project's columns repeated
on each of its partners' rows, under the headers that projects/partner_list_import.py reads
back; the import of such lists goes through projects/partner_list_admin.py.
"""

from collections import defaultdict
from itertools import islice

import tablib
from import_export.fields import Field

from contacts.keys import organisation_key
from operations import page_cache
from portal.choices import Currency
from portal.countries import SWEDEN
from portal.formatting import DatePrecision
from projects import facets
from projects.keys import programme_key
from projects.models import (
    PARTICIPANT_ROLE_ALIASES,
    ParticipantRole,
    Project,
    ProjectKind,
    ProjectParticipant,
)
from projects.partner_list_import import LABELS
from search import index as search_index
from search.models import Kind
from spreadsheets import keys
from spreadsheets.fields import ChildListField, ListField
from spreadsheets.formats import FORMULA_STARTS, escape_formula
from spreadsheets.resources import PeriodResource, SpreadsheetResource
from spreadsheets.widgets import (
    AmountWidget,
    BooleanCellWidget,
    ChoiceWidget,
    NameListWidget,
    NaturalKeyWidget,
    OrganisationRoleListWidget,
    TextWidget,
)


class ProjectResource(PeriodResource):
    slug = Field("slug", "ID", TextWidget())
    title = Field("title", "Titel", TextWidget())
    acronym = Field("acronym", "Förkortning", TextWidget())
    kind = Field("kind", "Typ", ChoiceWidget(ProjectKind.choices), default=ProjectKind.PROJECT)
    municipality = Field("municipality", "Kommun", NaturalKeyWidget(keys.municipality_key()))
    programme = Field("programme", "Program", NaturalKeyWidget(programme_key()))
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
            organisations=organisation_key(),
            roles=ParticipantRole.choices,
            default_role=ParticipantRole.PARTNER,
            single_roles=(ParticipantRole.LEAD_PARTNER,),
            aliases=PARTICIPANT_ROLE_ALIASES,
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
    found_relation_fields = ("municipality", "programme")
    #: The export form's name for this shape (ProjectAdmin.ExportForm).
    export_choice_label = "En rad per projekt"

    def import_data(self, *args, **kwargs):
        # Each project's filter values and search document once, after all its rows, fields
        # and participants, and the public pages' fragments renewed once.
        # page_cache.bulk() outermost: the pages are renewed after the filter values and
        # the documents are written, so no request between caches them half done.
        with page_cache.bulk(), facets.batch(), search_index.batch():
            return super().import_data(*args, **kwargs)

    def after_create_records(self, instances):
        ids = [instance.pk for instance in instances]
        facets.refresh_later(ids)
        search_index.refresh_later(Kind.PROJECT, ids)
        super().after_create_records(instances)

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
        # New projects in bulk (SpreadsheetResource.create_in_bulk): Project.save() adds
        # refresh_parties, which a new project's participants do not need
        # (ChildListField.new_rows sets the municipality each shares the project with).
        use_bulk = True
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


#: A participant's role as the partner list writes it: the Swedish part of its label
#: ("Huvudpartner", "Partner", "Associerad partner", "Samordnare" …).
ROLE_TEXTS = {value: str(label).split(" (")[0] for value, label in ParticipantRole.choices}
#: Partners in the order the one-row-per-project export lists them: by role, then name.
ROLE_ORDER = {value: index for index, value in enumerate(ParticipantRole.values)}

#: What the export reads of each project (see ProjectPartnerResource.project_queryset).
PROJECT_COLUMNS = (
    "slug",
    "acronym",
    "title",
    "municipality",
    "municipality__name",
    "programme",
    "programme__name",
    "programme__start_year",
    "programme__end_year",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "total_budget",
    "budget_currency",
    "grant_amount",
    "grant_currency",
    "summary",
    "website",
)
#: What the export reads of each participant, one values() query per chunk of projects.
PARTICIPANT_COLUMNS = (
    "project_id",
    "role",
    "organisation__name",
    "organisation__country_id",
    "organisation__country__name",
    "organisation__municipality__county__name",
    "budget_amount",
    "budget_currency",
    "awaiting_confirmation",
)


def _period_cell(date, precision):
    """A date as the partner list reads it back with its precision: a date cell for a
    day, "2017-03" for a month, "2017" for a year."""
    if date is None:
        return None
    if precision == DatePrecision.YEAR:
        return f"{date.year}"
    if precision == DatePrecision.MONTH:
        return f"{date.year}-{date.month:02}"
    return date


class ProjectPartnerResource(SpreadsheetResource):
    """Projects with one row per partner (ProjectParticipant), for export only.

    The project's columns are repeated on each of its partners' rows; a project without
    participants has one row with the partner columns empty. The headers are those that
    projects/partner_list_import.py reads (`LABELS`, the first name of each field), so an
    export reads back as a partner list; the other columns (ID, Kommun, the currencies of
    the grant and the partner's budget, Väntar på bekräftelse) are ones it ignores. The ID
    is under "ID", which the importer does not take for its project ID column.

    Rows stream as the one-row-per-project export's do: the projects in chunks, in the
    change list's order, and each chunk's participants with one query, by role and name.
    """

    slug = Field(column_name="ID")
    acronym = Field(column_name=LABELS["acronym"])
    title = Field(column_name=LABELS["title"])
    municipality = Field(column_name="Kommun")
    programme = Field(column_name=LABELS["programme"])
    period = Field(column_name=LABELS["period"])
    start = Field(column_name=LABELS["start"])
    end = Field(column_name=LABELS["end"])
    total_budget = Field(column_name=LABELS["total_budget"])
    currency = Field(column_name=LABELS["currency"])
    grant = Field(column_name=LABELS["grant"])
    grant_currency = Field(column_name="Bidragets valuta")
    summary = Field(column_name=LABELS["summary"])
    website = Field(column_name=LABELS["website"])
    partner = Field(column_name=LABELS["partner"])
    role = Field(column_name=LABELS["role"])
    country = Field(column_name=LABELS["country"])
    county = Field(column_name=LABELS["county"])
    partner_budget = Field(column_name=LABELS["partner_budget"])
    partner_currency = Field(column_name="Partnerns valuta")
    awaiting_confirmation = Field(column_name="Väntar på bekräftelse")

    #: The export form's name for this shape (ProjectAdmin.ExportForm).
    export_choice_label = "En rad per partner"

    class Meta:
        model = Project
        fields = (
            "slug",
            "acronym",
            "title",
            "municipality",
            "programme",
            "period",
            "start",
            "end",
            "total_budget",
            "currency",
            "grant",
            "grant_currency",
            "summary",
            "website",
            "partner",
            "role",
            "country",
            "county",
            "partner_budget",
            "partner_currency",
            "awaiting_confirmation",
        )
        export_order = fields
        # Projects per chunk: each chunk's participants (a few per project) are in memory
        # together, as plain tuples.
        chunk_size = 500

    @classmethod
    def get_display_name(cls):
        return "Projekt per partner"

    def project_queryset(self, queryset):
        """The projects, in the queryset's order, reading only what the rows show."""
        return (
            queryset.prefetch_related(None)
            .select_related(None)
            .select_related("municipality", "programme")
            .only(*PROJECT_COLUMNS)
        )

    def participants_of(self, project_ids) -> dict[int, list[tuple]]:
        """Project id → its participants' PARTICIPANT_COLUMNS, by role, then name."""
        grouped = defaultdict(list)
        rows = ProjectParticipant.objects.filter(project_id__in=project_ids).order_by()
        for values in rows.values_list(*PARTICIPANT_COLUMNS):
            grouped[values[0]].append(values)
        for participants in grouped.values():
            participants.sort(
                key=lambda values: (ROLE_ORDER.get(values[1], 99), values[2].casefold())
            )
        return grouped

    def project_cells(self, project, participants) -> dict:
        programme = project.programme
        # The partner list has one currency for the project's amounts and its partners'
        # budgets: the budget's, else the grant's, else the first partner budget's.
        currency = (
            project.budget_currency
            or project.grant_currency
            or next((values[7] for values in participants if values[7]), "")
        )
        return {
            "slug": project.slug,
            "acronym": project.acronym,
            "title": project.title,
            "municipality": project.municipality.name,
            "programme": programme.name if programme else "",
            "period": programme.period_display if programme else "",
            "start": _period_cell(project.start_date, project.start_precision),
            "end": _period_cell(project.end_date, project.end_precision),
            "total_budget": project.total_budget,
            "currency": currency,
            "grant": project.grant_amount,
            "grant_currency": project.grant_currency,
            "summary": project.summary,
            "website": project.website,
        }

    @staticmethod
    def partner_cells(values) -> dict:
        (_, role, name, country_code, country, county, budget, currency, awaiting) = values
        return {
            "partner": name,
            "role": ROLE_TEXTS.get(role, role),
            "country": country,
            "county": (county or "") if country_code == SWEDEN else "",
            "partner_budget": budget,
            "partner_currency": currency if budget is not None else "",
            "awaiting_confirmation": "Ja" if awaiting else "Nej",
        }

    def iter_cells(self, queryset):
        """Each row's cells by field name: the projects in chunks, each chunk's
        participants read with one query."""
        chunk_size = self.get_chunk_size()
        projects = self.project_queryset(queryset).iterator(chunk_size=chunk_size)
        no_partner = dict.fromkeys(
            (
                "partner",
                "role",
                "country",
                "county",
                "partner_budget",
                "partner_currency",
                "awaiting_confirmation",
            ),
            "",
        )
        while chunk := list(islice(projects, chunk_size)):
            participants = self.participants_of([project.pk for project in chunk])
            for project in chunk:
                own = participants.get(project.pk, [])
                cells = self.project_cells(project, own)
                if not own:
                    yield {**cells, **no_partner}
                for values in own:
                    yield {**cells, **self.partner_cells(values)}

    def export_rows(self, queryset, selected_fields=None):
        """The rows of an export, one list of cells per partner, streamed, with text a
        spreadsheet could run as a formula escaped."""
        names = [self.get_field_name(field) for field in self.get_export_fields(selected_fields)]
        for cells in self.iter_cells(queryset):
            row = [cells[name] for name in names]
            yield [
                escape_formula(cell) if type(cell) is str and cell[:1] in FORMULA_STARTS else cell
                for cell in row
            ]

    def export(self, queryset=None, **kwargs):
        """django-import-export's own path (a tablib Dataset), with the same rows."""
        selected_fields = kwargs.get("export_fields")
        if queryset is None:
            queryset = self.get_queryset()
        dataset = tablib.Dataset(headers=self.get_export_headers(selected_fields))
        for row in self.export_rows(queryset, selected_fields):
            dataset.append(row)
        return dataset
