import django_filters

from portal.filters import (
    PeriodFilterSet,
    PublicFilterSet,
    country_filter,
    funding_filter,
    municipality_filter,
    one_of,
    region_filter,
    theme_filter,
)
from projects.models import Programme, Project, ProjectKind, Story


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

    kind = django_filters.ChoiceFilter(label="Typ", choices=ProjectKind.choices, empty_label="Alla")
    programme = django_filters.ModelChoiceFilter(
        label="Program",
        queryset=Programme.objects.order_by("name"),
        to_field_name="slug",
        method=one_of("programme", "programme__parent", "programme__parent__parent"),
        empty_label="Alla",
    )
    funding = funding_filter("funding_sources", "programme__funding_source")
    theme = theme_filter()
    municipality = municipality_filter()
    country = country_filter(
        "partner_countries", "participants__country", "partnership__partners__country"
    )
    region = region_filter(
        "partner_countries__world_region",
        "participants__country__world_region",
        "partnership__partners__country__world_region",
    )

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
