"""Filters for the two API lists that have no public list page of their own.

Partnerships, projects and networks are filtered by the very FilterSets of their pages
(public/partnerships/filters.py, public/projects/filters.py, public/networks/filters.py); these follow the same
pattern, from the same pieces (public/filters.py).
"""

import django_filters

from contacts.models import Organisation, OrganisationKind
from portal.models import County, Municipality, MunicipalityKind
from public.filters import PublicFilterSet, country_filter, region_filter


class MunicipalityFilter(PublicFilterSet):
    search_fields = ("name", "display_name", "short_name")

    kind = django_filters.ChoiceFilter(
        label="Typ", choices=MunicipalityKind.choices, empty_label="Alla"
    )
    county = django_filters.ModelChoiceFilter(
        label="Län", queryset=County.objects.order_by("code"), to_field_name="code"
    )

    class Meta:
        model = Municipality
        fields = []


class OrganisationFilter(PublicFilterSet):
    search_fields = ("name", "short_name", "other_names__name")

    kind = django_filters.ChoiceFilter(
        label="Typ", choices=OrganisationKind.choices, empty_label="Alla"
    )
    country = country_filter("country")
    region = region_filter("country__world_region")

    class Meta:
        model = Organisation
        fields = []
