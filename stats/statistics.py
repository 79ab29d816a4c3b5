"""/statistik/: live figures in the shape of SKL's 2018 survey, beside the survey's own.

What the figures count, and why (seed 002 is the survey's report):

- "Aktuella" partnerships (vänorter, kommunala partnerskap, andra samarbetsavtal) are those
  not ended today: ongoing, planned or with no known period, since agreements often have no
  end. Not "Pågående": the lists' status filter of that name takes only a known, current period.
- The survey defined "andra internationella samarbeten" as cooperation paid for with own or
  other money such as EU funds, not short-term; its summary names EU-funded projects, Nordic
  Council of Ministers cooperation and networks, its respondents listed European networks,
  Interreg, Nordic cooperation and EU projects, and its funding chapter concludes that they
  mostly had EU projects in mind. So wherever the survey counted municipalities ("andel
  kommuner"), a municipality has "annat samarbete" here when it has any of:
  a live published partnership of the kind "annat samarbete"; a published project that is
  ongoing today (its status derived from its period: not planned, not ended, not unknown) and
  is *not part of a partnership* — a project within a twin town or a KP belongs to that
  cooperation, and the survey defines a KP as the Sida/ICLD-funded projects themselves; or a
  membership, not ended this year, of a published network.
  This applies to the share of municipalities with other cooperation and with any form, to the
  number of other cooperations in the key figures, to funding (agreements and projects:
  a network membership has no funding form in the portal, so the funding base is the
  municipalities with other agreements or projects) and to cooperation areas (agreements and
  projects: networks have no areas). Activity levels, partner countries and start decades
  exist only for partnerships and say so.
- Cooperation areas are shares of all area mentions of a form of cooperation. The report does
  not state its base, but the most common area is only 16 per cent (twin towns and KP) and
  12 per cent (other cooperation), with no sum above 100 – shares of all answers, not of
  cooperations each of which names at least one area. A cooperation mentions an area once,
  however many of its themes fall under it.
- The survey asked kommuner and landsting/regioner separately; the figures beside the live ones
  follow the kind filter (both: the kommuner's, where the survey gives no joint figure). The
  regions' funding figures are counts of the regions that answered the question ("4 av 10"),
  shown as shares of them.
- The municipality group filter (SKR's kommungruppsindelning 2017) counts only the kommuner whose
  group is filled in; the page says how many are. The report gives no figures by group, so the
  survey column stays national.

Everything is counted in SQL with aggregates, a fixed number of queries whatever the data
(tests/public/test_statistics.py and test_statistics_scale.py check it). The selected
municipalities are read once, as ids. The live partnerships and the ongoing other projects
are read once too (`Cooperations`: each with its owner and its confirmed Swedish parties),
and the selection's records are picked from them by the rule of portal.parties (owned by one
of the municipalities or with one as a confirmed party); the queries for areas, countries
and funding then name those records by id instead of scanning the records again. The
survey's figures come from the fixtures
(`SurveyFigure`), found by what they count (topic, cooperation form, respondents, activity
level, theme, funding form, world region), never by their wording.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass

import django_filters
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    Exists,
    F,
    Lookup,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from networks.models import Membership
from partnerships.models import Partnership, PartnershipParty, PartyRole
from portal.choices import ActivityLevel, CooperationKind, WorldRegion
from portal.countries import SWEDEN
from portal.formatting import format_count, format_count_of
from portal.models import (
    County,
    FigureTopic,
    FigureUnit,
    Municipality,
    MunicipalityGroup,
    MunicipalityKind,
    RespondentGroup,
    SurveyCooperation,
    SurveyFigure,
)
from portal.parties import current_parties
from projects.models import Programme, Project, ProjectParticipant
from stats.charts import COUNT, Chart, ChartRow, bar_chart, live_series, share, survey_series

SURVEY_SLUG = "skl-internationella-samarbeten-2018"
TWIN_OR_PARTNERSHIP = [CooperationKind.TWIN_TOWN, CooperationKind.MUNICIPAL_PARTNERSHIP]

#: How the page names each kind of cooperation, in the plural.
KIND_PLURALS = {
    CooperationKind.TWIN_TOWN: "Vänorter",
    CooperationKind.MUNICIPAL_PARTNERSHIP: "Kommunala partnerskap",
    CooperationKind.OTHER: "Andra samarbeten",
}
#: Partnerships of each kind counted in a description: (one, several).
PARTNERSHIP_NOUNS = {
    CooperationKind.TWIN_TOWN: ("pågående vänort", "pågående vänorter"),
    CooperationKind.MUNICIPAL_PARTNERSHIP: (
        "pågående kommunalt partnerskap",
        "pågående kommunala partnerskap",
    ),
    CooperationKind.OTHER: ("pågående annat samarbetsavtal", "pågående andra samarbetsavtal"),
}
RESPONDENTS = {
    RespondentGroup.ALL: "hela riket",
    RespondentGroup.MUNICIPALITIES: "kommuner",
    RespondentGroup.REGIONS: "landsting och regioner",
}
GROUP_NOTE_ID = "kommungrupp-ifylld"


class StatisticsFilter(django_filters.FilterSet):
    """Which municipalities the figures count: a county, kommun or region, a municipality group."""

    county = django_filters.ModelChoiceFilter(
        label="Län",
        queryset=County.objects.order_by("name"),
        to_field_name="code",
        empty_label="Alla län",
        error_messages={"invalid_choice": "Det länet finns inte. Välj ett län i listan."},
    )
    kind = django_filters.ChoiceFilter(
        label="Kommuner eller regioner",
        choices=[
            (MunicipalityKind.MUNICIPALITY, "Kommuner"),
            (MunicipalityKind.REGION, "Regioner"),
        ],
        empty_label="Båda",
        error_messages={"invalid_choice": "Välj kommuner, regioner eller båda."},
    )
    group = django_filters.ChoiceFilter(
        label="Kommungrupp",
        field_name="municipality_group",
        choices=MunicipalityGroup.choices,
        empty_label="Alla kommungrupper",
        error_messages={"invalid_choice": "Den kommungruppen finns inte. Välj en i listan."},
    )

    class Meta:
        model = Municipality
        fields = []


class SurveyFigures:
    """The survey's figures, fetched in one query and found by what they count."""

    def __init__(self, figures):
        self.figures = list(figures)

    def find(self, **tags) -> SurveyFigure | None:
        for figure in self.figures:
            if all(getattr(figure, name) == value for name, value in tags.items()):
                return figure
        return None

    @property
    def survey(self):
        return self.figures[0].survey if self.figures else None

    def respondents(self, group: str) -> SurveyFigure | None:
        return self.find(topic=FigureTopic.METHOD, unit=FigureUnit.COUNT, respondent_group=group)


def value_of(figure: SurveyFigure | None):
    return figure.value if figure else None


def base_count(figure: SurveyFigure) -> int | None:
    """How many answered, from a count's base: "av 10 landsting/regioner som …" gives 10."""
    found = re.search(r"\bav (\d+)\b", figure.base)
    return int(found.group(1)) if found else None


def survey_percent(figure: SurveyFigure | None):
    """A survey figure as a percentage: as printed, or a count of those who answered."""
    if figure is None:
        return None
    if figure.unit == FigureUnit.PERCENT:
        return figure.value
    return share(figure.value, base_count(figure))


@dataclass
class Statistics:
    municipality_count: int
    respondent_group: str
    key_figures: list[dict]
    engagement: Chart
    activity: list[Chart]
    regions: Chart
    countries: list[dict]
    themes: list[Chart]
    funding: list[Chart]
    decades: Chart
    survey: object

    @property
    def respondents_label(self) -> str:
        return RESPONDENTS[self.respondent_group]


def respondent_group_for(kind: str | None) -> str:
    return {
        MunicipalityKind.MUNICIPALITY: RespondentGroup.MUNICIPALITIES,
        MunicipalityKind.REGION: RespondentGroup.REGIONS,
    }.get(kind, RespondentGroup.ALL)


def survey_group_for(group: str) -> str:
    """For figures the survey gave for kommuner and regions separately, never jointly: the
    regions' when the filter is regions, the kommuner's otherwise."""
    return (
        RespondentGroup.REGIONS
        if group == RespondentGroup.REGIONS
        else RespondentGroup.MUNICIPALITIES
    )


def other_projects(on: datetime.date):
    """Projects that count as other cooperation: published, ongoing today, not part of a
    partnership (a project within a twin town or a KP is that cooperation)."""
    return Project.objects.published().ongoing(on).filter(partnership__isnull=True)


def current_memberships(on: datetime.date):
    """Network memberships that count as other cooperation: not ended this year, in a
    published network, of a municipality that has written its page (as pages show them)."""
    return Membership.objects.current(on.year).filter(
        network__is_published=True, municipality__is_published=True
    )


class IsOneOf(Lookup):
    """`IsOneOf(F("field"), ids)`: the field is one of a list of integers, sent to PostgreSQL
    as one array where `__in` sends one parameter per id. The page names the selected
    municipalities in a dozen places, a few hundred each when it is not filtered, and the
    selection's records by id, thousands of them. The array goes as one text parameter
    (`'{1,2,3}'::bigint[]`): psycopg's own quoting of a list of thousands of integers, done
    in Python for each query, cost the page about 25 ms."""

    lookup_name = "is_one_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if not self.rhs:
            return "1 = 0", []
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", [*params, *self.rhs]

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        array = "{" + ",".join(str(int(value)) for value in self.rhs) + "}"
        return f"{lhs} = ANY(%s::bigint[])", [*params, array]


def involving(records, through, ids: list):
    """The records owned by the municipalities `ids`, or with one of them as a confirmed
    Swedish party: the rule of `involving_q`, written as an OR tested on each of `records`.
    The records here are already narrowed down (published, live or ongoing), so this is
    cheaper than `involving_q`'s union, which lists every record of every municipality
    chosen: all 50 000 projects when the page is not filtered."""
    # confirmed_parties(through, ids), with the ids as one array
    taking_part = current_parties(
        through.objects.filter(
            IsOneOf(F("party_municipality"), ids),
            awaiting_confirmation=False,
            **{through.record_field: OuterRef("pk")},
        )
    )
    return records.filter(IsOneOf(F("municipality"), ids) | Exists(taking_part))


@dataclass
class Cooperations:
    """The live published partnerships and the ongoing other projects, every one of them
    (not only the selection's), each with its owner and its confirmed Swedish parties that
    have not ended: read once, in two queries, so that no figure scans them again. The
    records of the selection are then picked here by the rule of `involving`, and the
    queries of each figure name them by id."""

    #: pk: (kind, activity level, owner), for the live published partnerships.
    partnerships: dict[int, tuple[str, str, int]]
    #: pk: owner, for the ongoing other projects.
    projects: dict[int, int]
    #: pk: programme, for the ongoing other projects in a programme.
    programmes: dict[int, int]
    #: (is a project, pk): the municipalities taking part as confirmed Swedish parties.
    parties: dict[tuple[bool, int], set[int]]

    @classmethod
    def read(cls, on: datetime.date) -> Cooperations:
        text = CharField()
        # Each column an annotation, so that both halves of the UNION list them alike.
        columns = ("is_project", "record", "owner", "form", "level", "in_programme")
        partnerships = (
            Partnership.objects.published()
            .live(on)
            .annotate(
                is_project=Value(False),
                record=F("pk"),
                owner=F("municipality"),
                form=F("kind"),
                level=F("activity_level"),
                in_programme=Value(None, output_field=BigIntegerField()),
            )
            .values_list(*columns)
            .order_by()
        )
        projects = (
            other_projects(on)
            .annotate(
                is_project=Value(True),
                record=F("pk"),
                owner=F("municipality"),
                form=Value("", output_field=text),
                level=Value("", output_field=text),
                in_programme=F("programme"),
            )
            .values_list(*columns)
            .order_by()
        )
        records = cls(partnerships={}, projects={}, programmes={}, parties={})
        for is_project, pk, owner, kind, level, programme in partnerships.union(projects, all=True):
            if is_project:
                records.projects[pk] = owner
                if programme is not None:
                    records.programmes[pk] = programme
            else:
                records.partnerships[pk] = (kind, level, owner)

        def taking_part(through, pks, is_project: bool):
            return (
                current_parties(
                    through.objects.filter(
                        IsOneOf(F(through.record_field), pks),
                        party_municipality__isnull=False,
                        awaiting_confirmation=False,
                    )
                )
                .annotate(
                    is_project=Value(is_project),
                    record=F(through.record_field),
                    party=F("party_municipality"),
                )
                .values_list("is_project", "record", "party")
                .order_by()
            )

        parties = taking_part(PartnershipParty, list(records.partnerships), False).union(
            taking_part(ProjectParticipant, list(records.projects), True), all=True
        )
        for is_project, pk, municipality in parties:
            records.parties.setdefault((is_project, pk), set()).add(municipality)
        return records

    def involved(self, is_project: bool, pk: int, owner: int) -> set[int]:
        """The owner and the confirmed Swedish parties of a record."""
        return {owner} | self.parties.get((is_project, pk), set())

    def partnerships_involving(self, ids: set[int]) -> list[int]:
        """The partnerships owned by one of `ids` or with one of them as a party."""
        return [
            pk
            for pk, (_, _, owner) in self.partnerships.items()
            if owner in ids or not ids.isdisjoint(self.parties.get((False, pk), ()))
        ]

    def projects_involving(self, ids: set[int]) -> list[int]:
        return [
            pk
            for pk, owner in self.projects.items()
            if owner in ids or not ids.isdisjoint(self.parties.get((True, pk), ()))
        ]


def municipality_totals(ids: list, cooperations: Cooperations, memberships: dict) -> dict:
    """How many of the municipalities `ids` have each form of cooperation: own one, or take
    part in one as a confirmed Swedish party (`memberships`: current ones by municipality)."""
    having: dict[str, set[int]] = {kind: set() for kind in CooperationKind}
    no_parties = ()
    for pk, (kind, _, owner) in cooperations.partnerships.items():
        involved = having.setdefault(kind, set())
        involved.add(owner)
        involved.update(cooperations.parties.get((False, pk), no_parties))
    with_project = set()
    for pk, owner in cooperations.projects.items():
        with_project.add(owner)
        with_project.update(cooperations.parties.get((True, pk), no_parties))
    totals = Counter()
    for municipality in ids:
        twin_town = municipality in having[CooperationKind.TWIN_TOWN]
        partnership = municipality in having[CooperationKind.MUNICIPAL_PARTNERSHIP]
        other_agreement = municipality in having[CooperationKind.OTHER]
        project = municipality in with_project
        network = memberships.get(municipality, 0) > 0
        totals.update(
            {
                "municipalities": 1,
                "twin_town": twin_town,
                "partnership": partnership,
                "twin_or_partnership": twin_town or partnership,
                "other": other_agreement or project or network,
                "other_funded": other_agreement or project,
                "any": twin_town or partnership or other_agreement or project or network,
            }
        )
    return totals


def compute_statistics(
    municipalities, *, kind: str | None = None, on: datetime.date | None = None
) -> Statistics:
    """All figures for the municipalities given (a queryset of those with a page), in a fixed
    number of aggregate queries."""
    on = on or timezone.localdate()
    group = respondent_group_for(kind)
    figures = SurveyFigures(
        SurveyFigure.objects.filter(survey__slug=SURVEY_SLUG).select_related(
            "survey__publisher", "theme", "funding_source"
        )
    )
    # The selection is a few hundred municipalities at most: fetched once, its ids are a
    # plain IN list in every query below instead of the filter's subqueries each time.
    ids = list(municipalities.order_by().values_list("pk", flat=True))
    selected = set(ids)
    cooperations = Cooperations.read(on)
    # A record shared by several of the municipalities is one record: counted once.
    published = involving(Partnership.objects.published(), PartnershipParty, ids)
    live = cooperations.partnerships_involving(selected)
    projects = cooperations.projects_involving(selected)
    memberships = dict(
        current_memberships(on)
        .filter(IsOneOf(F("municipality"), ids))
        .values_list("municipality")
        .annotate(count=Count("pk"))
        .order_by()
    )

    engaged = municipality_totals(ids, cooperations, memberships)
    by_activity = Counter(cooperations.partnerships[pk][:2] for pk in live)
    totals = {
        f"partnerships_{kind}": sum(
            count for (counted_kind, _), count in by_activity.items() if counted_kind == kind
        )
        for kind in CooperationKind
    }
    totals["projects"] = len(projects)
    totals["memberships"] = sum(memberships.values())
    # The partners abroad: a pair of two Swedish municipalities is no foreign country.
    twin_towns_and_partnerships = [
        pk for pk in live if cooperations.partnerships[pk][0] in TWIN_OR_PARTNERSHIP
    ]
    partners_abroad = PartnershipParty.objects.filter(
        IsOneOf(F("partnership"), twin_towns_and_partnerships), role=PartyRole.PARTNER
    ).exclude(organisation__country=SWEDEN)
    by_country = list(
        partners_abroad.values(
            "organisation__country__code",
            "organisation__country__name",
            "organisation__country__world_region",
        )
        .annotate(partnerships=Count("partnership", distinct=True))
        .order_by()
    )
    by_region = dict(
        partners_abroad.values_list("organisation__country__world_region")
        .annotate(partnerships=Count("partnership", distinct=True))
        .order_by()
    )
    return Statistics(
        municipality_count=engaged["municipalities"],
        respondent_group=group,
        key_figures=key_figures(totals, len(by_country), figures, group),
        engagement=engagement_chart(engaged, figures, group),
        activity=activity_charts(by_activity, totals, figures),
        regions=region_chart(by_region, figures),
        countries=country_rows(by_country),
        themes=theme_charts(live, projects, figures),
        funding=funding_charts(cooperations, live, projects, selected, engaged, figures, group),
        decades=decade_chart(published),
        survey=figures.survey,
    )


def key_figures(totals: dict, country_count: int, figures: SurveyFigures, group: str):
    def cooperations(cooperation):
        return figures.find(
            topic=FigureTopic.COUNTRIES,
            unit=FigureUnit.COUNT,
            cooperation=cooperation,
            respondent_group=group,
            world_region="",
            country_id=None,
        )

    other_agreements = totals[f"partnerships_{CooperationKind.OTHER}"]
    rows = [
        (
            f"Aktuella {KIND_PLURALS[kind].lower()}",
            totals[f"partnerships_{kind}"],
            cooperations(kind),
        )
        for kind in TWIN_OR_PARTNERSHIP
    ]
    rows += [
        (
            "Aktuella andra samarbeten",
            other_agreements + totals["projects"] + totals["memberships"],
            cooperations(SurveyCooperation.OTHER),
        ),
        ("varav andra samarbetsavtal", other_agreements, None),
        ("varav projekt utanför vänorter och partnerskap", totals["projects"], None),
        ("varav medlemskap i nätverk", totals["memberships"], None),
        (
            "Länder med vänorter eller kommunala partnerskap",
            country_count,
            cooperations(SurveyCooperation.TWIN_TOWN_OR_PARTNERSHIP),
        ),
    ]
    return [
        {"label": label, "live": format_count(live), "survey": format_count(value_of(figure))}
        for label, live, figure in rows
    ]


def engagement_chart(engaged: dict, figures, group: str) -> Chart:
    """Share of the municipalities with each form of cooperation; the survey asked
    municipalities and regions separately, so its figures follow the filter's kind."""
    survey_group = survey_group_for(group)
    respondents = value_of(figures.respondents(survey_group))
    municipality_count = engaged["municipalities"]
    rows = []
    for label, key, cooperation in [
        ("Vänort", "twin_town", None),
        ("Kommunalt partnerskap", "partnership", None),
        (
            "Vänort eller kommunalt partnerskap",
            "twin_or_partnership",
            SurveyCooperation.TWIN_TOWN_OR_PARTNERSHIP,
        ),
        ("Annat samarbete", "other", SurveyCooperation.OTHER),
        ("Någon av formerna", "any", SurveyCooperation.ANY),
    ]:
        figure = cooperation and figures.find(
            topic=FigureTopic.ENGAGEMENT,
            unit=FigureUnit.COUNT,
            respondent_group=survey_group,
            cooperation=cooperation,
        )
        survey_count = value_of(figure)
        rows.append(
            ChartRow(
                label=label,
                values=(share(engaged[key], municipality_count), share(survey_count, respondents)),
                notes=(
                    f"{format_count(engaged[key])} av {format_count(municipality_count)}",
                    f"{format_count(survey_count)} av {format_count(respondents)}"
                    if survey_count is not None
                    else "–",
                ),
            )
        )
    survey_label = f"SKL:s enkät 2018 ({RESPONDENTS[survey_group]})"
    return bar_chart(
        id="kommuner-med-samarbeten",
        title="Andel kommuner och regioner med varje samarbetsform",
        description=(
            "Andel av kommunerna och regionerna i portalen som har minst ett pågående "
            f"samarbete av varje form, bredvid andelen i {survey_label}. Annat samarbete är "
            "ett annat samarbetsavtal, ett pågående projekt utanför vänorter och kommunala "
            "partnerskap eller ett medlemskap i ett nätverk."
        ),
        category_heading="Samarbetsform",
        rows=rows,
        series=[live_series(), survey_series(survey_label)],
        note_headings=("Antal i portalen", "Antal i enkäten"),
    )


def activity_charts(counts: dict, totals: dict, figures) -> list[Chart]:
    """Live partnerships of each kind by activity level (`counts`, by kind and level)."""
    charts = []
    for kind in CooperationKind:
        total = totals[f"partnerships_{kind}"]
        levels = [(level.value, level.label) for level in ActivityLevel] + [("", "Ingen uppgift")]
        rows = []
        for level, label in levels:
            count = counts.get((kind.value, level), 0)
            figure = level and figures.find(
                topic=FigureTopic.ACTIVITY,
                unit=FigureUnit.PERCENT,
                cooperation=kind,
                activity_level=level,
            )
            rows.append(
                ChartRow(
                    label=label,
                    values=(share(count, total), value_of(figure)),
                    notes=(format_count(count),),
                )
            )
        plural = KIND_PLURALS[kind].lower()
        only_agreements = (
            " Bara samarbetsavtal: projekt och nätverk har ingen aktivitetsgrad i portalen."
            if kind == CooperationKind.OTHER
            else ""
        )
        charts.append(
            bar_chart(
                id=f"aktivitet-{kind}",
                title=f"Aktivitetsgrad, {plural}",
                description=(
                    f"Andel av {format_count_of(total, *PARTNERSHIP_NOUNS[kind])} i portalen "
                    "som är aktiva, sporadiska och vilande, bredvid andelen i SKL:s enkät 2018."
                    f"{only_agreements}"
                ),
                category_heading="Aktivitetsgrad",
                rows=rows,
                series=[live_series(), survey_series()],
                note_headings=("Antal i portalen",),
            )
        )
    return charts


def region_chart(by_region: dict, figures) -> Chart:
    survey_counts = {
        region: value_of(
            figures.find(
                topic=FigureTopic.COUNTRIES,
                world_region=region,
                cooperation=SurveyCooperation.TWIN_TOWN_OR_PARTNERSHIP,
            )
        )
        for region in WorldRegion
    }
    live_total = sum(by_region.get(region, 0) for region in WorldRegion)
    survey_total = sum(value for value in survey_counts.values() if value is not None)
    rows = [
        ChartRow(
            label=region.label,
            values=(
                share(by_region.get(region, 0), live_total),
                share(survey_counts[region], survey_total),
            ),
            notes=(format_count(by_region.get(region, 0)), format_count(survey_counts[region])),
        )
        for region in WorldRegion
    ]
    return bar_chart(
        id="varldsdelar",
        title="Vänorter och kommunala partnerskap per världsdel",
        description=(
            "Andel av de pågående vänorterna och kommunala partnerskapen som finns i Norden, "
            "övriga Europa och övriga världen, i portalen och i SKL:s enkät 2018."
        ),
        category_heading="Världsdel",
        rows=rows,
        series=[live_series(), survey_series()],
        note_headings=("Samarbeten i portalen", "Samarbeten i enkäten"),
    )


def country_rows(by_country: list[dict]) -> list[dict]:
    """Partner countries grouped by world region, the most partnerships first."""
    region_order = {region.value: index for index, region in enumerate(WorldRegion)}
    regions = dict(WorldRegion.choices)
    rows = sorted(
        by_country,
        key=lambda row: (
            region_order.get(row["organisation__country__world_region"], len(region_order)),
            -row["partnerships"],
            row["organisation__country__name"],
        ),
    )
    return [
        {
            "name": row["organisation__country__name"],
            "region": regions.get(row["organisation__country__world_region"], ""),
            "partnerships": format_count(row["partnerships"]),
        }
        for row in rows
    ]


def by_value_then_name(row: ChartRow):
    live, survey = row.values
    return (-(live or 0), -(survey or 0), row.label)


def areas_of(through, owner: str, cooperations: list, *by: str):
    """Mentions of each cooperation area by the cooperations (ids): a theme below one of
    the survey's areas counts for that area, and a cooperation mentions an area once."""
    return (
        through.objects.filter(IsOneOf(F(owner), cooperations))
        .annotate(
            area=Coalesce("theme__parent_id", "theme_id"),
            area_name=Coalesce("theme__parent__name", "theme__name"),
        )
        .values(*by, "area", "area_name")
        .annotate(mentions=Count(owner, distinct=True))
        .order_by()
    )


def theme_charts(live: list, projects: list, figures) -> list[Chart]:
    """Cooperation areas as shares of all area mentions, as the survey's figures are
    (`live`, `projects`: the ids of the selection's partnerships and projects)."""
    mentions: dict[str, dict[int, dict]] = {
        SurveyCooperation.TWIN_TOWN_OR_PARTNERSHIP: {},
        SurveyCooperation.OTHER: {},
    }

    def mention(cooperation, row):
        area = mentions[cooperation].setdefault(row["area"], {"name": row["area_name"], "count": 0})
        area["count"] += row["mentions"]

    for row in areas_of(Partnership.themes.through, "partnership", live, "partnership__kind"):
        cooperation = (
            SurveyCooperation.OTHER
            if row["partnership__kind"] == CooperationKind.OTHER
            else SurveyCooperation.TWIN_TOWN_OR_PARTNERSHIP
        )
        mention(cooperation, row)
    for row in areas_of(Project.themes.through, "project", projects):
        mention(SurveyCooperation.OTHER, row)

    groups = [
        (
            "vanorter-och-kommunala-partnerskap",
            "vänorter och kommunala partnerskap",
            SurveyCooperation.TWIN_TOWN_OR_PARTNERSHIP,
            "",
        ),
        (
            "andra-samarbeten",
            "andra samarbeten",
            SurveyCooperation.OTHER,
            " Andra samarbeten är andra samarbetsavtal och pågående projekt utanför vänorter "
            "och partnerskap; nätverk har inga samarbetsområden i portalen.",
        ),
    ]
    charts = []
    for slug, name, cooperation, scope in groups:
        areas = mentions[cooperation]
        total = sum(area["count"] for area in areas.values())
        survey = {
            figure.theme_id: figure
            for figure in figures.figures
            if figure.topic == FigureTopic.THEMES and figure.cooperation == cooperation
        }
        for theme_id, figure in survey.items():
            areas.setdefault(theme_id, {"name": figure.theme.name, "count": 0})
        rows = sorted(
            (
                ChartRow(
                    label=area["name"],
                    values=(share(area["count"], total), value_of(survey.get(theme_id))),
                    notes=(format_count(area["count"]),),
                )
                for theme_id, area in areas.items()
            ),
            key=by_value_then_name,
        )
        mentioned = format_count_of(total, "angivet samarbetsområde", "angivna samarbetsområden")
        charts.append(
            bar_chart(
                id=f"samarbetsomraden-{slug}",
                title=f"Samarbetsområden, {name}",
                description=(
                    f"Varje områdes andel av alla {mentioned} för pågående {name} i "
                    "portalen, bredvid andelen i SKL:s enkät 2018. Ett samarbete kan ange "
                    f"flera områden och räknas en gång för varje.{scope}"
                ),
                category_heading="Samarbetsområde",
                rows=rows,
                series=[live_series(), survey_series()],
                note_headings=("Samarbeten med området",),
            )
        )
    return charts


def funding_triples(cooperations: Cooperations, live: list, projects: list, ids: set) -> set:
    """Distinct (form, municipality, funding source, its name): partnerships (`live`, ids) by
    their funding, projects (`projects`, ids: other cooperation) by theirs and by their
    programme's, for each of the municipalities `ids` that owns the record or takes part in
    it as a confirmed Swedish party (`cooperations`), as the base of each chart
    (municipality_totals) counts them. One query of the records' funding and of the
    programmes' (the records themselves, their owners, parties and programmes, are read)."""
    columns = ("funded", "record", "funding", "funding_name")

    def funding_of(rows, funded: str, record: str, funding: str):
        return (
            rows.annotate(
                funded=Value(funded, output_field=CharField()),
                record=F(record),
                funding=F(funding),
                funding_name=F(f"{funding}__name"),
            )
            .values_list(*columns)
            .order_by()
        )

    partnership_funding = funding_of(
        Partnership.funding_sources.through.objects.filter(IsOneOf(F("partnership"), live)),
        "partnership",
        "partnership",
        "fundingsource",
    )
    project_funding = funding_of(
        Project.funding_sources.through.objects.filter(IsOneOf(F("project"), projects)),
        "project",
        "project",
        "fundingsource",
    )
    programme_funding = funding_of(
        Programme.objects.filter(funding_source__isnull=False),
        "programme",
        "pk",
        "funding_source",
    )
    by_programme: dict[int, list[int]] = {}
    for pk in projects:
        programme = cooperations.programmes.get(pk)
        if programme is not None:
            by_programme.setdefault(programme, []).append(pk)

    involved = {}

    def selected_in(is_project: bool, pk: int) -> set[int]:
        """The municipalities of `ids` that own or take part in a record."""
        key = (is_project, pk)
        if key not in involved:
            owner = cooperations.projects[pk] if is_project else cooperations.partnerships[pk][2]
            involved[key] = cooperations.involved(is_project, pk, owner) & ids
        return involved[key]

    triples = set()
    for funded, record, funding, name in partnership_funding.union(
        project_funding, programme_funding, all=True
    ):
        if funded == "partnership":
            form = cooperations.partnerships[record][0]
            funded_records = [(False, record)]
        else:
            form = CooperationKind.OTHER.value
            funded_records = (
                [(True, record)]
                if funded == "project"
                else [(True, pk) for pk in by_programme.get(record, ())]
            )
        for is_project, pk in funded_records:
            for municipality in selected_in(is_project, pk):
                triples.add((form, municipality, funding, name))
    return triples


def funding_charts(
    cooperations: Cooperations,
    live: list,
    projects: list,
    ids: set,
    engaged: dict,
    figures,
    group: str,
) -> list[Chart]:
    """Share of the municipalities with a form of cooperation that pay for it in each way,
    as the survey asked (andel kommuner), beside the survey's figures for the same
    respondents."""
    survey_group = survey_group_for(group)
    counts = Counter(
        (form, source, name)
        for form, _, source, name in funding_triples(cooperations, live, projects, ids)
    )
    bases = {
        CooperationKind.TWIN_TOWN: ("twin_town", "pågående vänorter"),
        CooperationKind.MUNICIPAL_PARTNERSHIP: ("partnership", "pågående kommunala partnerskap"),
        CooperationKind.OTHER: (
            "other_funded",
            "pågående andra samarbetsavtal eller projekt utanför vänorter och partnerskap",
        ),
    }
    survey_label = f"SKL:s enkät 2018 ({RESPONDENTS[survey_group]})"
    charts = []
    for kind in CooperationKind:
        key, having = bases[kind]
        total = engaged[key]
        sources: dict[int, dict] = {
            source: {"name": name, "count": count}
            for (form, source, name), count in counts.items()
            if form == kind
        }
        survey = {
            figure.funding_source_id: figure
            for figure in figures.figures
            if figure.topic == FigureTopic.FUNDING
            and figure.respondent_group == survey_group
            and figure.cooperation == kind
            and (figure.unit == FigureUnit.PERCENT or base_count(figure))
        }
        for source, figure in survey.items():
            sources.setdefault(source, {"name": figure.funding_source.name, "count": 0})
        rows = sorted(
            (
                ChartRow(
                    label=source["name"],
                    values=(share(source["count"], total), survey_percent(survey.get(source_id))),
                    notes=(
                        format_count(source["count"]),
                        survey_note(survey.get(source_id)),
                    ),
                )
                for source_id, source in sources.items()
            ),
            key=by_value_then_name,
        )
        plural = KIND_PLURALS[kind].lower()
        networks = (
            " Nätverk har ingen finansieringsform i portalen och räknas inte här."
            if kind == CooperationKind.OTHER
            else ""
        )
        who = format_count_of(total, "kommun eller region", "kommuner och regioner")
        charts.append(
            bar_chart(
                id=f"finansiering-{kind}",
                title=f"Finansiering, {plural}",
                description=(
                    f"Andel av {who} med {having} i portalen som finansierar dem på varje "
                    f"sätt, bredvid andelen i {survey_label}.{networks}"
                ),
                category_heading="Finansieringsform",
                rows=rows,
                series=[live_series(), survey_series(survey_label)],
                note_headings=("Antal i portalen", "Antal i enkäten"),
            )
        )
    return charts


def survey_note(figure: SurveyFigure | None) -> str:
    """ "4 av 10" for a count of those who answered; – for a printed percentage."""
    if figure is None or figure.unit != FigureUnit.COUNT:
        return "–"
    return f"{format_count(figure.value)} av {format_count(base_count(figure))}"


def decade_chart(published) -> Chart:
    """Every published partnership, ended or not, by the decade it started in."""
    counts: dict[tuple[str, int | None], int] = {}
    for row in (
        published.annotate(year=ExtractYear("start_date"))
        .values("kind", "year")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        decade = None if row["year"] is None else int(row["year"]) // 10 * 10
        counts[row["kind"], decade] = counts.get((row["kind"], decade), 0) + row["count"]
    decades = sorted({decade for _, decade in counts if decade is not None})
    labels = [
        (decade, f"{decade}-talet")
        for decade in (range(decades[0], decades[-1] + 1, 10) if decades else [])
    ]
    if any(decade is None for _, decade in counts):
        labels.append((None, "Okänt startår"))
    rows = []
    for decade, label in labels:
        by_kind = [counts.get((kind.value, decade), 0) for kind in CooperationKind]
        rows.append(
            ChartRow(
                label=label,
                values=(sum(by_kind),),
                notes=tuple(format_count(count) for count in by_kind),
            )
        )
    return bar_chart(
        id="startar-per-decennium",
        title="Samarbeten som startade per decennium",
        description=(
            "Antal publicerade vänorter, kommunala partnerskap och andra samarbetsavtal i "
            "portalen, pågående och avslutade, efter det decennium de startade. Projekt och "
            "nätverk räknas inte här."
        ),
        category_heading="Decennium",
        rows=rows,
        series=[live_series("Samarbeten i portalen")],
        unit=COUNT,
        note_headings=tuple(KIND_PLURALS[kind] for kind in CooperationKind),
    )


NOUNS = {
    "kommun": ("kommun", "kommuner"),
    "region": ("region", "regioner"),
    "": ("kommun eller region", "kommuner och regioner"),
}


def scope_text(form, count: int) -> str:
    """What the figures count, in words, for the page and for print (the form is hidden)."""
    data = getattr(form, "cleaned_data", {})
    county = data.get("county")
    kind = data.get("kind") or ""
    group = data.get("group")
    singular, plural = NOUNS.get(kind, NOUNS[""])
    who = plural
    if group:
        group_name = MunicipalityGroup(group).label
        # Only kommuner have a group: with regions chosen the selection is empty.
        who = (
            f"regioner i kommungruppen {group_name} (regioner har ingen kommungrupp)"
            if kind == "region"
            else f"kommuner i kommungruppen {group_name}"
        )
        singular, plural = ("region", "regioner") if kind == "region" else ("kommun", "kommuner")
    where = f"i {county.name}" if county else "i hela landet"
    return f"Publicerade {who} {where}, {count} {singular if count == 1 else plural}."


def group_coverage(form, municipalities) -> dict:
    """How many of the kommuner with a page (`municipalities`) in the chosen county have a
    municipality group."""
    data = getattr(form, "cleaned_data", {})
    kommuner = municipalities.filter(kind=MunicipalityKind.MUNICIPALITY)
    if data.get("county"):
        kommuner = kommuner.filter(county=data["county"])
    coverage = kommuner.aggregate(
        kommuner=Count("pk"), with_group=Count("pk", filter=~Q(municipality_group=""))
    )
    return {**coverage, "county": data.get("county")}
