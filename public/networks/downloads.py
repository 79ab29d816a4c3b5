"""The network list as a file: one row per network, with its Swedish member municipalities."""

from public.networks.filters import NetworkFilter
from public.selectors import network_queryset, public_memberships
from spreadsheets.downloads import Column, ListDownloadView, names


def _members(network) -> str:
    return names(membership.municipality.short_name for membership in network.public_memberships)


COLUMNS = (
    Column("name", "Namn", lambda network: network.name),
    Column("acronym", "Förkortning", lambda network: network.acronym),
    Column("category", "Typ", lambda network: network.get_category_display()),
    Column("scope", "Räckvidd", lambda network: network.get_scope_display()),
    Column("founded_year", "Grundat år", lambda network: network.founded_year),
    Column("seat", "Säte", lambda network: network.seat),
    Column("size", "Antal medlemmar", lambda network: network.size),
    Column("size_text", "Storlek enligt källan", lambda network: network.size_text),
    Column("member_count", "Antal svenska medlemmar här", lambda network: network.member_count),
    Column("members", "Svenska medlemmar här", _members),
    Column("programme", "Program", lambda network: str(network.programme or "")),
    Column("survey_listing", "I SKL:s enkät 2018 som", lambda network: network.survey_listing),
    Column("website", "Webbplats", lambda network: network.website),
)


class NetworkDownloadView(ListDownloadView):
    filterset_class = NetworkFilter
    columns = COLUMNS
    title = "Nätverk"
    name = "natverk"
    list_url_name = "networks:list"
    detail_url_name = "networks:detail"

    def get_queryset(self):
        return (
            network_queryset()
            .defer("description")
            .select_related("programme")
            .prefetch_related(public_memberships())
            .order_by("-member_count", "name")
        )
