import django_filters

from networks.models import Network, NetworkCategory, NetworkScope
from public.filters import PublicFilterSet, municipality_filter
from search.models import Kind


class NetworkFilter(PublicFilterSet):
    search_fields = ("name", "acronym", "description", "survey_listing")
    search_kind = Kind.NETWORK
    vector_fields = ("description",)

    category = django_filters.ChoiceFilter(
        label="Typ", choices=NetworkCategory.choices, empty_label="Alla"
    )
    scope = django_filters.ChoiceFilter(
        label="Räckvidd", choices=NetworkScope.choices, empty_label="Alla"
    )
    municipality = municipality_filter("memberships__municipality")

    class Meta:
        model = Network
        fields = []
