"""The list of twin towns and partnerships as a file: one row per partnership."""

from django.db.models import Prefetch

from partnerships.filters import PartnershipFilter
from partnerships.models import Partnership, PartnershipParty
from portal.downloads import Column, ListDownloadView, names, people, year_of
from portal.selectors import NOT_LISTED


def _countries(partnership) -> str:
    countries = {org.country for org in partnership.partner_organisations if org.country_id}
    return names(sorted(countries, key=lambda country: country.name))


COLUMNS = (
    Column("name", "Namn", lambda partnership: partnership.name),
    Column("kind", "Samarbetsform", lambda partnership: partnership.get_kind_display()),
    Column("municipality", "Kommun", lambda partnership: partnership.municipality.short_name),
    Column(
        "partners",
        "Partner",
        lambda partnership: names(org.name for org in partnership.partner_organisations),
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
    Column("themes", "Samarbetsområden", lambda partnership: names(partnership.themes.all())),
    Column(
        "funding_sources",
        "Finansiering",
        lambda partnership: names(partnership.funding_sources.all()),
    ),
    Column(
        "coordinated_by", "Samordnas av", lambda partnership: str(partnership.coordinated_by or "")
    ),
    Column("contacts", "Kontaktpersoner", lambda partnership: people(partnership.contacts.all())),
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
            .defer(*NOT_LISTED, "background", "steering_group", "earlier_projects_note")
            .select_related("municipality", "coordinated_by", "replaced_by__municipality")
            .prefetch_related(
                Prefetch(
                    "parties",
                    queryset=PartnershipParty.objects.select_related("organisation__country"),
                ),
                "contacts",
                "themes",
                "funding_sources",
            )
            .order_by("municipality__short_name", "kind", "name")
        )
