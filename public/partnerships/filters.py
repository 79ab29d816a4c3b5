import django_filters

from partnerships.models import Partnership, PartnershipKind
from portal.choices import ActivityLevel
from public.filters import (
    PeriodFilterSet,
    country_filter,
    funding_filter,
    involving,
    municipality_filter,
    region_filter,
    theme_filter,
)
from search.models import Kind


class PartnershipFilter(PeriodFilterSet):
    search_fields = ("name", "partners__name", "background", "municipality__short_name")
    search_kind = Kind.PARTNERSHIP
    vector_fields = ("background",)

    kind = django_filters.ChoiceFilter(
        label="Typ", choices=PartnershipKind.choices, empty_label="Alla"
    )
    activity_level = django_filters.ChoiceFilter(
        label="Aktivitetsgrad", choices=ActivityLevel.choices, empty_label="Alla"
    )
    municipality = municipality_filter(method=involving)
    country = country_filter("partners__country")
    region = region_filter("partners__country__world_region")
    theme = theme_filter()
    funding = funding_filter("funding_sources")

    class Meta:
        model = Partnership
        fields = []
