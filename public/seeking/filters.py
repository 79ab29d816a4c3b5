import django_filters

from public.filters import (
    PublicFilterSet,
    country_filter,
    municipality_filter,
    region_filter,
    theme_filter,
)
from search.models import Kind
from seeking.models import PartnerRequest, SoughtKind


class PartnerRequestFilter(PublicFilterSet):
    search_fields = (
        "title",
        "description",
        "municipality__short_name",
        "organisation__name",
        "countries__name",
        "themes__name",
    )
    search_kind = Kind.PARTNER_REQUEST
    vector_fields = ("description",)

    kind = django_filters.ChoiceFilter(
        label="Söker", choices=SoughtKind.choices, empty_label="Alla"
    )
    theme = theme_filter()
    # A request is about a country when it looks there, or comes from there.
    country = country_filter("countries", "organisation__country")
    region = region_filter(
        "regions__region", "countries__world_region", "organisation__country__world_region"
    )
    municipality = municipality_filter()

    class Meta:
        model = PartnerRequest
        fields = []
