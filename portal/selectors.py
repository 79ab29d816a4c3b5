"""Reads that the public pages (and later exports and the API) share.

Each returns querysets with their related rows fetched up front, so a page costs the same
number of SQL queries however much content a municipality has.
"""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from networks.models import Membership
from partnerships.models import Partnership, PartnershipParty
from portal.choices import CooperationKind
from portal.formatting import PeriodStatus
from portal.models import Municipality
from projects.models import Project, ProjectParticipant, Story

#: Columns no public page shows: the search vector, and the long description on pages that
#: list projects by title and summary.
NOT_LISTED = ("search_vector",)
NOT_IN_LISTS = ("search_vector", "description", "money_note")
#: Projects listed in one status group of a municipality page or a partnership on it; the
#: rest are a link away, in the project list filtered the same way.
PROJECTS_SHOWN = 10


def listed_projects():
    """Projects as the municipality page lists them: title, period and summary only."""
    return Project.objects.published().defer(*NOT_IN_LISTS)


def project_queryset():
    return (
        Project.objects.published()
        .defer(*NOT_LISTED)
        .select_related("programme", "photo", "municipality", "partnership")
        .prefetch_related(
            Prefetch(
                "project_participants",
                queryset=ProjectParticipant.objects.select_related("organisation__country"),
            ),
            "contacts__organisation",
            "partner_countries",
            "themes",
            "funding_sources",
        )
    )


def partnership_queryset():
    return (
        Partnership.objects.published()
        .defer(*NOT_LISTED)
        .select_related("municipality", "coordinated_by", "photo", "replaced_by")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=PartnershipParty.objects.select_related("organisation__country"),
            ),
            "contacts__organisation",
            "themes",
            "funding_sources",
            "exchange_programmes__organiser",
            Prefetch("replaces", queryset=Partnership.objects.published().order_by("name")),
            Prefetch("projects", queryset=listed_projects().order_by("-start_date", "title")),
        )
    )


def _count(queryset) -> Subquery:
    """A correlated COUNT subquery: one per row, never a join that multiplies rows."""
    return Coalesce(
        Subquery(
            queryset.order_by()
            .values("municipality")
            .annotate(count=Count("pk"))
            .values("count")[:1]
        ),
        0,
    )


def published_municipalities():
    """Municipalities with a public page, with counts of what they publish."""
    return Municipality.objects.published().annotate(
        partnership_count=_count(
            Partnership.objects.filter(municipality=OuterRef("pk"), is_published=True)
        ),
        project_count=_count(
            Project.objects.filter(municipality=OuterRef("pk"), is_published=True)
        ),
        network_count=_count(
            Membership.objects.filter(municipality=OuterRef("pk"), network__is_published=True)
        ),
        story_count=_count(Story.objects.filter(municipality=OuterRef("pk"), is_published=True)),
    )


STATUS_OF_GROUP = {
    "ongoing": PeriodStatus.ONGOING,
    "planned": PeriodStatus.PLANNED,
    "finished": PeriodStatus.FINISHED,
    "unknown": None,
}


def split_by_status(projects) -> dict[str, list]:
    groups = {"ongoing": [], "planned": [], "finished": [], "unknown": []}
    names = {
        PeriodStatus.ONGOING: "ongoing",
        PeriodStatus.PLANNED: "planned",
        PeriodStatus.FINISHED: "finished",
        None: "unknown",
    }
    for project in projects:
        groups[names[project.status]].append(project)
    return groups


@dataclass
class MunicipalityPage:
    municipality: Municipality
    municipal_partnerships: list = field(default_factory=list)
    twin_towns: list = field(default_factory=list)
    former_twin_towns: list = field(default_factory=list)
    other_cooperation: list = field(default_factory=list)
    former_other_cooperation: list = field(default_factory=list)
    projects: dict = field(default_factory=dict)
    memberships: list = field(default_factory=list)
    stories: list = field(default_factory=list)
    contacts: list = field(default_factory=list)

    @property
    def project_sections(self) -> list[dict]:
        """Each status group: its heading, the first PROJECTS_SHOWN projects, how many there
        are, and the status that filters the project list to all of them."""
        headings = [
            ("ongoing", "Pågående projekt"),
            ("planned", "Planerade projekt"),
            ("finished", "Avslutade projekt"),
            ("unknown", "Projekt utan känd period"),
        ]
        return [
            {
                "heading": heading,
                "projects": self.projects[key][:PROJECTS_SHOWN],
                "count": len(self.projects[key]),
                "status": STATUS_OF_GROUP[key] or "",
            }
            for key, heading in headings
            if self.projects.get(key)
        ]


def municipality_page(municipality: Municipality) -> MunicipalityPage:
    page = MunicipalityPage(municipality=municipality)
    for partnership in partnership_queryset().filter(municipality=municipality):
        groups = split_by_status(partnership.projects.all())
        # The partnership's own page lists them all.
        partnership.project_count = sum(len(group) for group in groups.values())
        partnership.projects_by_status = {
            key: group[:PROJECTS_SHOWN] for key, group in groups.items()
        }
        # What partnership_projects.html lists (it has no group for unknown periods).
        partnership.projects_shown = sum(
            len(partnership.projects_by_status[key]) for key in ("ongoing", "planned", "finished")
        )
        partnership.projects_not_shown = partnership.project_count - partnership.projects_shown
        live = partnership.is_live
        if partnership.kind == CooperationKind.MUNICIPAL_PARTNERSHIP:
            page.municipal_partnerships.append(partnership)
        elif partnership.kind == CooperationKind.TWIN_TOWN:
            (page.twin_towns if live else page.former_twin_towns).append(partnership)
        else:
            (page.other_cooperation if live else page.former_other_cooperation).append(partnership)
    page.municipal_partnerships.sort(key=lambda p: (not p.is_live, p.name))
    page.projects = split_by_status(
        listed_projects().filter(municipality=municipality, partnership=None)
    )
    page.memberships = list(
        Membership.objects.filter(municipality=municipality, network__is_published=True)
        .select_related("network")
        .prefetch_related("roles")
        .order_by("network__name")
    )
    page.stories = list(story_queryset().filter(municipality=municipality).order_by("order"))
    page.contacts = list(municipality.contacts.select_related("organisation"))
    return page


def story_queryset():
    return Story.objects.published().select_related(
        "municipality", "partner__country", "partner_country", "photo", "partnership", "initiative"
    )
