import django_filters

from projects.facets import matching
from projects.models import FacetKind, Programme, Project, ProjectKind, Story
from public.filters import (
    ListSelect,
    PeriodFilterSet,
    PublicFilterSet,
    country_filter,
    funding_filter,
    involving,
    municipality_filter,
    region_filter,
    theme_filter,
)
from search.models import Kind


def facet(kind: str):
    """A filter method reading ProjectFacet (projects.facets): the projects that have the
    chosen country, world region, theme, funding source or programme among their values, as
    Project.countries, the theme's subthemes and the programme's family define them."""

    def method(queryset, name, value):
        return queryset.filter(matching(kind, value))

    return method


class ProjectFilter(PeriodFilterSet):
    search_fields = (
        "title",
        "acronym",
        "original_title",
        "summary",
        "description",
        "participants__name",
        "municipality__short_name",
    )
    search_kind = Kind.PROJECT
    vector_fields = (
        "title",
        "acronym",
        "original_title",
        "summary",
        "description",
        "participants__name",
    )

    kind = django_filters.ChoiceFilter(label="Typ", choices=ProjectKind.choices, empty_label="Alla")
    programme = django_filters.ModelChoiceFilter(
        label="Program",
        queryset=Programme.objects.order_by("name"),
        to_field_name="slug",
        method=facet(FacetKind.PROGRAMME),
        widget=ListSelect,
        empty_label="Alla",
    )
    funding = funding_filter(method=facet(FacetKind.FUNDING))
    theme = theme_filter(method=facet(FacetKind.THEME))
    municipality = municipality_filter(method=involving)
    country = country_filter(method=facet(FacetKind.COUNTRY))
    region = region_filter(method=facet(FacetKind.REGION))

    class Meta:
        model = Project
        fields = []


class StoryFilter(PublicFilterSet):
    search_fields = ("title", "teaser", "partner__name", "municipality__short_name")

    municipality = municipality_filter()
    country = country_filter("partner__country", "partner_country")

    class Meta:
        model = Story
        fields = []
