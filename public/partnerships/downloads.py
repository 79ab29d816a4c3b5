"""The list of twin towns and partnerships as a file: one row per partnership. Related rows
come as plain lists (`spreadsheets.downloads.listed`)."""

from contacts.models import Person
from partnerships.models import Partnership, PartnershipParty, partner_organisations_among
from portal.models import FundingSource, Theme
from portal.parties import other_municipalities_among
from public.partnerships.filters import PartnershipFilter
from spreadsheets.downloads import Column, ListDownloadView, listed, names, people, year_of


def _partners(partnership) -> list:
    return partner_organisations_among(partnership.listed_parties)


def _countries(partnership) -> str:
    countries = {org.country for org in _partners(partnership) if org.country_id}
    return names(sorted(countries, key=lambda country: country.name))


COLUMNS = (
    Column("name", "Namn", lambda partnership: partnership.name),
    Column("kind", "Samarbetsform", lambda partnership: partnership.get_kind_display()),
    Column("municipality", "Kommun", lambda partnership: partnership.municipality.short_name),
    Column(
        "other_municipalities",
        "Fler svenska parter",
        lambda partnership: names(
            other_municipalities_among(partnership.listed_parties, partnership.municipality_id)
        ),
    ),
    Column(
        "partners",
        "Partner",
        lambda partnership: names(org.name for org in _partners(partnership)),
    ),
    Column("countries", "Land", _countries),
    Column("status", "Status", lambda partnership: partnership.status_display),
    Column(
        "activity_level",
        "Aktivitetsgrad",
        lambda partnership: partnership.get_activity_level_display(),
    ),
    Column("period", "Period", lambda partnership: partnership.period_display),
    Column("start_year", "Startår", lambda partnership: year_of(partnership.start_date)),
    Column("end_year", "Slutår", lambda partnership: year_of(partnership.ends_on)),
    Column("end_reason", "Varför det upphörde", lambda partnership: partnership.end_reason),
    Column(
        "replaced_by",
        "Ersatt av",
        lambda partnership: getattr(partnership.public_replaced_by, "name", ""),
    ),
    Column("themes", "Samarbetsområden", lambda partnership: names(partnership.listed_themes)),
    Column(
        "funding_sources",
        "Finansiering",
        lambda partnership: names(partnership.listed_funding_sources),
    ),
    Column(
        "coordinated_by", "Samordnas av", lambda partnership: str(partnership.coordinated_by or "")
    ),
    Column("contacts", "Kontaktpersoner", lambda partnership: people(partnership.listed_contacts)),
)


class PartnershipDownloadView(ListDownloadView):
    filterset_class = PartnershipFilter
    columns = COLUMNS
    title = "Samarbeten"
    name = "samarbeten"
    list_url_name = "partnerships:list"
    detail_url_name = "partnerships:detail"

    def get_queryset(self):
        return (
            Partnership.objects.published()
            .defer("background", "steering_group", "earlier_projects_note")
            .select_related("municipality", "coordinated_by", "replaced_by__municipality")
            .prefetch_related(
                listed(
                    "parties",
                    PartnershipParty.objects.select_related(
                        "organisation__country", "organisation__municipality"
                    ),
                ),
                listed("contacts", Person.objects.all()),
                listed("themes", Theme.objects.all()),
                listed("funding_sources", FundingSource.objects.all()),
            )
            .order_by("municipality__short_name", "kind", "name")
        )
