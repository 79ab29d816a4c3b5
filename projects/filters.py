import django_filters
from django.db.models import Q

from partnerships.models import PartnershipParty, PartyRole
from portal.countries import SWEDEN
from portal.filters import (
    PeriodFilterSet,
    PublicFilterSet,
    country_filter,
    funding_filter,
    involving,
    municipality_filter,
    one_of,
    region_filter,
    theme_filter,
)
from projects.models import Programme, Project, ProjectKind, ProjectParticipant, Story


def abroad(lookup: str):
    """A filter method: projects working with the chosen country (lookup "country") or world
    region ("country__world_region") as Project.countries counts them: a participant
    abroad, a country named on the project, or a partner of its published partnership."""

    def method(queryset, name, value):
        condition = {f"organisation__{lookup}": value}
        # IN (subquery) three times: PostgreSQL hashes each once, where EXISTS per row or
        # joins with DISTINCT cost several times as much at 50 000 projects.
        participants = (
            ProjectParticipant.objects.filter(**condition)
            .exclude(organisation__country=SWEDEN)
            .values("project")
        )
        named = Project.partner_countries.through.objects.filter(**{lookup: value}).values(
            "project"
        )
        partnerships = (
            PartnershipParty.objects.filter(
                partnership__is_published=True,
                role=PartyRole.PARTNER,
                **condition,
            )
            .exclude(organisation__country=SWEDEN)
            .values("partnership")
        )
        return queryset.filter(
            Q(pk__in=participants) | Q(pk__in=named) | Q(partnership__in=partnerships)
        )

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
    municipality = municipality_filter(method=involving)
    country = country_filter(method=abroad("country"))
    region = region_filter(method=abroad("country__world_region"))

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
