"""The project list as a file: one row per project, the columns a reader of the page sees."""

from django.db.models import Prefetch

from portal.downloads import Column, ListDownloadView, names, people, year_of
from portal.selectors import NOT_LISTED
from projects.filters import ProjectFilter
from projects.models import Project, ProjectParticipant


def _countries(project) -> str:
    countries = {
        participant.organisation.country
        for participant in project.project_participants.all()
        if participant.organisation.country_id and participant.organisation.country_id != "SE"
    }
    countries.update(project.partner_countries.all())
    return names(sorted(countries, key=lambda country: country.name))


COLUMNS = (
    Column("title", "Titel", lambda project: project.title),
    Column("acronym", "Förkortning", lambda project: project.acronym),
    Column("kind", "Typ", lambda project: project.get_kind_display()),
    Column("municipality", "Kommun", lambda project: project.municipality.short_name),
    Column("status", "Status", lambda project: project.status_display),
    Column("period", "Period", lambda project: project.period_display),
    Column("start_year", "Startår", lambda project: year_of(project.start_date)),
    Column("end_year", "Slutår", lambda project: year_of(project.ends_on)),
    Column("programme", "Program", lambda project: str(project.programme or "")),
    Column("funding_sources", "Finansiering", lambda project: names(project.funding_sources.all())),
    Column("total_budget", "Total budget", lambda project: project.total_budget),
    Column("budget_currency", "Budgetens valuta", lambda project: project.budget_currency),
    Column("grant_amount", "Beviljat bidrag", lambda project: project.grant_amount),
    Column("grant_currency", "Bidragets valuta", lambda project: project.grant_currency),
    Column("money_note", "Om pengarna", lambda project: project.money_note),
    Column("lead_partner", "Huvudpartner", lambda project: str(project.lead_partner or "")),
    Column(
        "participants",
        "Deltagare",
        lambda project: names(
            participant.organisation for participant in project.project_participants.all()
        ),
    ),
    Column("partner_countries", "Partnerländer", _countries),
    Column("themes", "Samarbetsområden", lambda project: names(project.themes.all())),
    Column(
        "partnership", "Del av samarbetet", lambda project: str(project.public_partnership or "")
    ),
    Column("summary", "Kort beskrivning", lambda project: project.summary),
    Column("website", "Webbplats", lambda project: project.website),
    Column("contacts", "Kontaktpersoner", lambda project: people(project.contacts.all())),
)


class ProjectDownloadView(ListDownloadView):
    filterset_class = ProjectFilter
    columns = COLUMNS
    title = "Projekt"
    name = "projekt"
    list_url_name = "projects:list"
    detail_url_name = "projects:detail"

    def get_queryset(self):
        return (
            Project.objects.published()
            .defer(*NOT_LISTED, "description")
            .select_related("programme", "municipality", "partnership__municipality")
            .prefetch_related(
                Prefetch(
                    "project_participants",
                    queryset=ProjectParticipant.objects.select_related("organisation__country"),
                ),
                "contacts",
                "partner_countries",
                "themes",
                "funding_sources",
            )
            .order_by("-start_date", "title")
        )
