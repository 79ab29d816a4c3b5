"""Suggested matches for a partner request ("Förslag på kommuner att kontakta").

A Swedish municipality is suggested when it already cooperates where the request looks or on
what it is about: through its live, published partnerships (the partners' countries and the
partnership's themes) and its live, published projects (the participants' countries, the
project's further partner countries and its themes). Ended cooperation does not count.

Score: each sought country the municipality cooperates with 3, each sought part of the world
where it cooperates with other countries 1, each shared theme 1, and 2 more when its closest
match is the very kind sought (a twin town for a twin-town request, a municipal partnership
for a partnership request, a project for a project-partner request): a match in a sought
country, or when the request names no countries one in a sought region, or when it names no
places one on a sought theme. The seeker itself is never suggested. Five grouped queries and
one for the municipalities, whatever the data.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from partnerships.models import Partnership, PartnershipParty, PartyRole
from portal.choices import CooperationKind, WorldRegion
from portal.countries import SWEDEN
from portal.formatting import join_swedish
from portal.models import Municipality
from projects.models import Project, ProjectParticipant
from seeking.models import PartnerRequest, SoughtKind

SUGGESTIONS_SHOWN = 10
COUNTRY_POINTS = 3
REGION_POINTS = 1
THEME_POINTS = 1
KIND_POINTS = 2
#: Countries named in a region's reason before "m.fl.".
COUNTRIES_NAMED = 3

PROJECT = "projekt"
#: How each source of a match is told, in this order.
SOURCE_PHRASES = {
    CooperationKind.TWIN_TOWN: "Har vänort i",
    CooperationKind.MUNICIPAL_PARTNERSHIP: "Har kommunalt partnerskap i",
    CooperationKind.OTHER: "Har samarbetsavtal i",
    PROJECT: "Har projekt med partner i",
}
#: The source that counts as the kind a request seeks.
SOURCE_OF_KIND = {
    SoughtKind.TWIN_TOWN: CooperationKind.TWIN_TOWN,
    SoughtKind.MUNICIPAL_PARTNERSHIP: CooperationKind.MUNICIPAL_PARTNERSHIP,
    SoughtKind.PROJECT_PARTNER: PROJECT,
}
REGION_PHRASES = {
    WorldRegion.NORDIC: "i Norden",
    WorldRegion.EUROPE: "i övriga Europa",
    WorldRegion.WORLD: "utanför Europa",
}


def in_sentence(name: str) -> str:
    """A theme's name inside a sentence: "Skola och utbildning" → "skola och utbildning",
    but "PR och kommunikation" keeps its capitals."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


@dataclass
class Suggestion:
    municipality: Municipality | None
    municipality_id: int
    #: sought country code → its name and the sources (kinds of cooperation) it is seen in
    countries: dict = field(default_factory=dict)
    #: sought region → {country code: name} of the other countries it cooperates with there
    regions: dict = field(default_factory=lambda: defaultdict(dict))
    #: sought theme id → the sources it is seen in
    themes: dict = field(default_factory=lambda: defaultdict(set))
    #: the sources of the region matches
    region_sources: set = field(default_factory=set)
    kind_matches: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def score(self) -> int:
        return (
            COUNTRY_POINTS * len(self.countries)
            + REGION_POINTS * len(self.regions)
            + THEME_POINTS * len(self.themes)
            + (KIND_POINTS if self.kind_matches else 0)
        )


@dataclass(frozen=True)
class Wanted:
    """What a request looks for, as sets of keys."""

    countries: dict  # code → name
    regions: set
    themes: dict  # id → name
    source: str
    seeker_id: int | None

    @classmethod
    def of(cls, partner_request: PartnerRequest) -> "Wanted":
        countries = {c.code: c for c in partner_request.countries.all()}
        if partner_request.organisation_id is not None:
            # A request from abroad looks for Swedes who know the seeker's country.
            country = partner_request.organisation.country
            countries.setdefault(country.code, country)
        countries.pop(SWEDEN, None)
        regions = set(partner_request.world_regions)
        regions |= {country.world_region for country in countries.values()}
        return cls(
            countries={code: country.name for code, country in countries.items()},
            regions=regions,
            themes={theme.pk: theme.name for theme in partner_request.themes.all()},
            source=SOURCE_OF_KIND[partner_request.kind],
            seeker_id=partner_request.municipality_id,
        )

    def closest_sources(self, match: "Suggestion") -> set:
        """The kinds of cooperation behind the match that counts most for this request."""
        if self.countries:
            return {source for _name, sources in match.countries.values() for source in sources}
        if self.regions:
            return match.region_sources
        return {source for sources in match.themes.values() for source in sources}

    def place_q(self, prefix: str) -> Q:
        """Rows whose country (at `prefix`) is sought, or lies in a sought region."""
        condition = Q(**{f"{prefix}__in": list(self.countries)}) | Q(
            **{f"{prefix}__world_region__in": list(self.regions)}
        )
        return condition & ~Q(**{prefix: SWEDEN})

    def theme_q(self, prefix: str) -> Q:
        """Rows whose theme (at `prefix`) is sought, or belongs to a sought theme."""
        ids = list(self.themes)
        return Q(**{f"{prefix}__in": ids}) | Q(**{f"{prefix}__parent__in": ids})


def _live_partnerships():
    return Partnership.objects.published().live().values("pk")


def _live_projects():
    return Project.objects.published().live().values("pk")


def _place_rows(wanted: Wanted):
    """(municipality id, source, country code, country name, region) of every live
    cooperation in a sought country or region: three queries."""
    if not wanted.countries and not wanted.regions:
        return
    parties = PartnershipParty.objects.filter(
        wanted.place_q("organisation__country"),
        partnership__in=_live_partnerships(),
        role=PartyRole.PARTNER,
    ).values_list(
        "partnership__municipality",
        "partnership__kind",
        "organisation__country",
        "organisation__country__name",
        "organisation__country__world_region",
    )
    yield from parties.order_by().distinct()
    participants = ProjectParticipant.objects.filter(
        wanted.place_q("organisation__country"), project__in=_live_projects()
    ).values_list(
        "project__municipality",
        "organisation__country",
        "organisation__country__name",
        "organisation__country__world_region",
    )
    for municipality_id, *country in participants.order_by().distinct():
        yield (municipality_id, PROJECT, *country)
    further = Project.partner_countries.through.objects.filter(
        wanted.place_q("country"), project__in=_live_projects()
    ).values_list("project__municipality", "country", "country__name", "country__world_region")
    for municipality_id, *country in further.order_by().distinct():
        yield (municipality_id, PROJECT, *country)


def _theme_rows(wanted: Wanted):
    """(municipality id, source, theme id, parent theme id) of every live cooperation on a
    sought theme or one of its sub-themes: two queries."""
    if not wanted.themes:
        return
    partnership_themes = Partnership.themes.through.objects.filter(
        wanted.theme_q("theme"), partnership__in=_live_partnerships()
    ).values_list("partnership__municipality", "partnership__kind", "theme", "theme__parent")
    yield from partnership_themes.order_by().distinct()
    project_themes = Project.themes.through.objects.filter(
        wanted.theme_q("theme"), project__in=_live_projects()
    ).values_list("project__municipality", "theme", "theme__parent")
    for municipality_id, *theme in project_themes.order_by().distinct():
        yield (municipality_id, PROJECT, *theme)


def _reasons(suggestion: Suggestion, wanted: Wanted) -> list[str]:
    reasons = []
    for source, phrase in SOURCE_PHRASES.items():
        names = [
            name
            for name, sources in sorted(suggestion.countries.values(), key=lambda item: item[0])
            if source in sources
        ]
        if names:
            reasons.append(f"{phrase} {join_swedish(names)}")
    for region in WorldRegion.values:
        if region in suggestion.regions:
            names = sorted(suggestion.regions[region].values())
            shown = ", ".join(names[:COUNTRIES_NAMED])
            more = " m.fl." if len(names) > COUNTRIES_NAMED else ""
            reasons.append(f"Har partner {REGION_PHRASES[region]} ({shown}{more})")
    if suggestion.themes:
        names = sorted(in_sentence(wanted.themes[pk]) for pk in suggestion.themes)
        reasons.append(f"Samarbetar om {join_swedish(names, last=' samt ')}")
    return reasons


def suggest_municipalities(
    partner_request: PartnerRequest, limit: int = SUGGESTIONS_SHOWN
) -> list[Suggestion]:
    """The municipalities to contact about `partner_request`, best first, each with its
    reasons in Swedish. Expects the request's themes, countries, regions and organisation
    to be fetched already (partner_request_queryset)."""
    wanted = Wanted.of(partner_request)
    found: dict[int, Suggestion] = {}

    def suggestion(municipality_id: int) -> Suggestion:
        if municipality_id not in found:
            found[municipality_id] = Suggestion(municipality=None, municipality_id=municipality_id)
        return found[municipality_id]

    for municipality_id, source, code, name, region in _place_rows(wanted):
        if municipality_id == wanted.seeker_id:
            continue
        match = suggestion(municipality_id)
        if code in wanted.countries:
            match.countries.setdefault(code, (name, set()))[1].add(source)
        else:
            match.regions[region][code] = name
            match.region_sources.add(source)
    for municipality_id, source, theme_id, parent_id in _theme_rows(wanted):
        if municipality_id == wanted.seeker_id:
            continue
        sought = theme_id if theme_id in wanted.themes else parent_id
        suggestion(municipality_id).themes[sought].add(source)
    if not found:
        return []
    for match in found.values():
        match.kind_matches = wanted.source in wanted.closest_sources(match)
    municipalities = (
        Municipality.objects.published()
        .only("pk", "slug", "name", "display_name", "short_name")
        .in_bulk(list(found))
    )
    ranked = sorted(
        (match for match in found.values() if match.municipality_id in municipalities),
        key=lambda match: (-match.score, municipalities[match.municipality_id].short_name),
    )[:limit]
    for match in ranked:
        match.municipality = municipalities[match.municipality_id]
        match.reasons = _reasons(match, wanted)
    return ranked
