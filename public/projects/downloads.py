"""The project list as a file: one row per project, the columns a reader of the page sees.

Related rows come as plain lists (`listed_<name>`): reading `project.themes.all()` 50 000
times would build a manager and a queryset for each call. They are read per chunk of
projects by `ProjectRelations`, from link-table ids and shared instances (see
`spreadsheets.downloads`), not by prefetch_related, which made some 19 instances a project.
"""

from itertools import chain

from django.db.models import F

from contacts.models import Organisation, Person
from partnerships.models import Partnership, PartnershipParty
from portal.models import Country, FundingSource, Municipality, Theme
from portal.parties import other_municipalities_among
from projects.models import (
    Programme,
    Project,
    ProjectParticipant,
    countries_among,
    lead_partner_among,
)
from public.projects.filters import ProjectFilter
from spreadsheets.downloads import (
    AnyOf,
    Column,
    ListDownloadView,
    PartyRow,
    Table,
    in_chunks,
    many_to_many_ids,
    names,
    people,
    year_of,
)


def _countries(project) -> str:
    partnership = project.public_partnership
    return names(
        countries_among(
            project.listed_participants,
            project.listed_partner_countries,
            partnership.listed_parties if partnership else (),
        )
    )


def _lead_partner(project) -> str:
    return str(lead_partner_among(project.listed_participants) or "")


COLUMNS = (
    Column("title", "Titel", lambda project: project.title),
    Column("acronym", "Förkortning", lambda project: project.acronym),
    Column("kind", "Typ", lambda project: project.get_kind_display()),
    Column("municipality", "Kommun", lambda project: project.municipality.short_name),
    Column(
        "other_municipalities",
        "Fler svenska parter",
        lambda project: names(
            other_municipalities_among(project.listed_participants, project.municipality_id)
        ),
    ),
    Column("status", "Status", lambda project: project.status_display),
    Column("period", "Period", lambda project: project.period_display),
    Column("start_year", "Startår", lambda project: year_of(project.start_date)),
    Column("end_year", "Slutår", lambda project: year_of(project.ends_on)),
    Column("programme", "Program", lambda project: str(project.programme or "")),
    Column(
        "funding_sources", "Finansiering", lambda project: names(project.listed_funding_sources)
    ),
    Column("total_budget", "Total budget", lambda project: project.total_budget),
    Column("budget_currency", "Budgetens valuta", lambda project: project.budget_currency),
    Column("grant_amount", "Beviljat bidrag", lambda project: project.grant_amount),
    Column("grant_currency", "Bidragets valuta", lambda project: project.grant_currency),
    Column("money_note", "Om pengarna", lambda project: project.money_note),
    Column("lead_partner", "Huvudpartner", _lead_partner),
    Column(
        "participants",
        "Deltagare",
        lambda project: names(
            participant.organisation for participant in project.listed_participants
        ),
    ),
    Column("partner_countries", "Partnerländer", _countries),
    Column("themes", "Samarbetsområden", lambda project: names(project.listed_themes)),
    Column(
        "partnership", "Del av samarbetet", lambda project: str(project.public_partnership or "")
    ),
    Column("summary", "Kort beskrivning", lambda project: project.summary),
    Column("website", "Webbplats", lambda project: project.website),
    Column("contacts", "Kontaktpersoner", lambda project: people(project.listed_contacts)),
)


#: The project's own fields that the columns read (a field left out costs a query a row).
READ = (
    "slug",
    "title",
    "acronym",
    "kind",
    "municipality",
    "partnership",
    "programme",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "ends_on",
    "total_budget",
    "budget_currency",
    "grant_amount",
    "grant_currency",
    "money_note",
    "summary",
    "website",
)


def _cache(instances, field_name: str, table: Table) -> None:
    """Set each instance's foreign key `field_name` to the table's row, as select_related
    would, so that reading it costs no query."""
    instances = list(instances)
    if not instances:
        return
    field = type(instances[0])._meta.get_field(field_name)
    attname, rows = field.attname, table.rows
    for instance in instances:
        field.set_cached_value(instance, rows.get(getattr(instance, attname)))


class ProjectRelations:
    """What the columns read beyond a project's own fields, a chunk of projects at a time.

    The small tables (municipalities, programmes, countries, themes, funding sources) are
    read once per download. Each chunk costs a fixed number of queries: its participants
    and its partnerships' parties as `PartyRow`s, the partnerships, the organisations those
    rows name (one instance each, however many projects name them), the contact people and
    the links to themes, funding sources and countries. Lists come in the order of the
    related model's ordering, as a prefetch would give them."""

    def __init__(self):
        self.municipalities = Table(Municipality.objects.only("name", "display_name", "short_name"))
        self.programmes = Table(Programme.objects.all())
        self.countries = Table(Country.objects.all())
        self.themes = Table(Theme.objects.all())
        self.funding_sources = Table(FundingSource.objects.all())

    def attach(self, projects: list[Project]) -> None:
        _cache(projects, "municipality", self.municipalities)
        _cache(projects, "programme", self.programmes)

        participants = list(
            ProjectParticipant.objects.filter(
                AnyOf(F("project_id"), [project.pk for project in projects])
            ).values_list(*PartyRow.values("project"))
        )
        partnership_ids = {project.partnership_id for project in projects} - {None}
        partnerships, parties = Table(()), []
        if partnership_ids:
            partnerships = Table(
                Partnership.objects.filter(AnyOf(F("id"), partnership_ids)).only(
                    "name", "kind", "municipality", "is_published"
                )
            )
            parties = list(
                PartnershipParty.objects.filter(
                    AnyOf(F("partnership_id"), partnership_ids)
                ).values_list(*PartyRow.values("partnership", until_year=True))
            )
        _cache(projects, "partnership", partnerships)
        _cache(partnerships.rows.values(), "municipality", self.municipalities)

        organisations = Table(
            Organisation.objects.filter(
                AnyOf(F("id"), {values[1] for values in chain(participants, parties)})
            ).only("name", "short_name", "kind", "country", "municipality")
        )
        _cache(organisations.rows.values(), "country", self.countries)
        _cache(organisations.rows.values(), "municipality", self.municipalities)
        parties_of = PartyRow.by_owner(parties, organisations)
        for partnership in partnerships.rows.values():
            partnership.listed_parties = parties_of.get(partnership.pk, [])

        contact_ids = many_to_many_ids(projects, "contacts")
        contacts = Table(
            Person.objects.filter(AnyOf(F("id"), {pk for _, pk in contact_ids})).only(
                "name", "title", "email", "phone", "contact_details_public"
            )
            if contact_ids
            else ()
        )
        lists = {
            "participants": PartyRow.by_owner(participants, organisations),
            "contacts": contacts.lists(contact_ids),
            "partner_countries": self.countries.lists(
                many_to_many_ids(projects, "partner_countries")
            ),
            "themes": self.themes.lists(many_to_many_ids(projects, "themes")),
            "funding_sources": self.funding_sources.lists(
                many_to_many_ids(projects, "funding_sources")
            ),
        }
        for project in projects:
            for name, of_project in lists.items():
                setattr(project, f"listed_{name}", of_project.get(project.pk, []))


class ProjectDownloadView(ListDownloadView):
    filterset_class = ProjectFilter
    columns = COLUMNS
    title = "Projekt"
    name = "projekt"
    list_url_name = "projects:list"
    detail_url_name = "projects:detail"

    def get_queryset(self):
        return Project.objects.published().only(*READ).order_by("-start_date", "title")

    def objects(self, queryset):
        relations = ProjectRelations()
        for projects in in_chunks(queryset):
            relations.attach(projects)
            yield from projects
