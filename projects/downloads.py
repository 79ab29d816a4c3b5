"""The project list as a file: one row per project, the columns a reader of the page sees.

Related rows are prefetched per chunk into plain lists (`to_attr`, see
`portal.downloads.listed`): reading `project.themes.all()` 50 000 times would build a manager
and a queryset for each call, which took most of a download's time."""

from contacts.models import Person
from partnerships.models import PartnershipParty
from portal.downloads import Column, ListDownloadView, listed, names, people, year_of
from portal.models import Country, FundingSource, Theme
from portal.parties import other_municipalities_among
from portal.selectors import NOT_LISTED
from projects.filters import ProjectFilter
from projects.models import Project, ProjectParticipant, countries_among, lead_partner_among


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
                listed(
                    "project_participants",
                    ProjectParticipant.objects.select_related(
                        "organisation__country", "organisation__municipality"
                    ),
                    "participants",
                ),
                listed("contacts", Person.objects.all()),
                listed("partner_countries", Country.objects.all()),
                listed("themes", Theme.objects.all()),
                listed("funding_sources", FundingSource.objects.all()),
                listed(
                    "partnership__parties",
                    PartnershipParty.objects.select_related("organisation__country"),
                    "parties",
                ),
            )
            .order_by("-start_date", "title")
        )
