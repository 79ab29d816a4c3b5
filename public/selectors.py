"""Reads that the public pages (and later exports and the API) share.

Each returns querysets with their related rows fetched up front, so a page costs the same
number of SQL queries however much content a municipality has.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from contacts.models import Organisation, Person
from networks.models import Membership, Network
from partnerships.models import Partnership, PartnershipParty
from portal.choices import CooperationKind
from portal.formatting import (
    PeriodStatus,
    derive_status,
    format_count_of,
    format_money,
    format_money_rounded,
)
from portal.models import FundingSource, Municipality
from portal.parties import current_parties, involvement_exists
from projects.models import ParticipantRole, Project, ProjectParticipant, Story
from public.seeking.selectors import municipality_partner_requests

#: Columns that pages listing projects by title and summary do not show.
NOT_IN_LISTS = ("description", "money_note")
#: Projects listed in one status group of a municipality page or a partnership on it; the
#: rest are a link away, in the project list filtered the same way.
PROJECTS_SHOWN = 10


def public_municipalities():
    """Municipalities and regions with a public page: published ones, and every other
    municipality or region with a published partnership, project or story of its own or as
    a confirmed Swedish party (its page is then made from those records alone)."""
    return Municipality.objects.filter(
        Q(is_published=True)
        | involvement_exists(Partnership.objects.published(), PartnershipParty, "partnership")
        | involvement_exists(Project.objects.published(), ProjectParticipant, "project")
        | Exists(Story.objects.published().filter(municipality=OuterRef("pk")))
    )


def listed_projects():
    """Projects as the municipality page lists them: title, period and summary only."""
    return Project.objects.published().defer(*NOT_IN_LISTS).select_related("programme")


def project_queryset():
    return (
        Project.objects.published()
        .select_related("programme", "photo", "municipality", "partnership__municipality")
        .prefetch_related(
            Prefetch(
                "project_participants",
                queryset=ProjectParticipant.objects.select_related(
                    "organisation__country", "organisation__municipality"
                ),
            ),
            "contacts__organisation",
            "partner_countries",
            "themes",
            "funding_sources",
            # Project.countries: the partnership's partners too.
            Prefetch(
                "partnership__parties",
                queryset=PartnershipParty.objects.select_related("organisation__country"),
            ),
        )
    )


def project_list_queryset():
    """What the public project list shows of each project: its own columns, its owner and
    its programme (no participants, countries or contacts: those are on its page)."""
    return (
        Project.objects.published().defer(*NOT_IN_LISTS).select_related("programme", "municipality")
    )


def partnership_list_queryset():
    """What the public partnership list shows of each: its own columns, its owner and its
    partners with their countries."""
    return (
        Partnership.objects.published()
        .defer("background", "steering_group", "earlier_projects_note")
        .select_related("municipality")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=PartnershipParty.objects.select_related("organisation__country"),
            )
        )
    )


def partnership_queryset():
    return (
        Partnership.objects.published()
        .select_related("municipality", "coordinated_by", "photo", "replaced_by__municipality")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=PartnershipParty.objects.select_related(
                    "organisation__country", "organisation__municipality"
                ),
            ),
            "contacts__organisation",
            "themes",
            "funding_sources",
            "exchange_programmes__organiser",
            Prefetch("replaces", queryset=Partnership.objects.published().order_by("name")),
            Prefetch("projects", queryset=listed_projects().order_by("-start_date", "title")),
        )
    )


def _count(queryset, group: str = "municipality") -> Subquery:
    """A correlated COUNT subquery: one per row, never a join that multiplies rows."""
    return Coalesce(
        Subquery(queryset.order_by().values(group).annotate(count=Count("pk")).values("count")[:1]),
        0,
    )


def _shared_count(through_model, record_field: str) -> Subquery:
    """How many published records of other owners a municipality takes part in as a
    confirmed Swedish party (each record once, however many of its organisations)."""
    return Coalesce(
        Subquery(
            current_parties(
                through_model.objects.filter(
                    party_municipality=OuterRef("pk"),
                    awaiting_confirmation=False,
                    **{f"{record_field}__is_published": True},
                )
            )
            .order_by()
            .values("party_municipality")
            .annotate(count=Count(record_field, distinct=True))
            .values("count")[:1]
        ),
        0,
    )


def published_municipalities():
    """Municipalities with a public page, with counts of what they publish: records of
    their own and those they take part in, networks only where they wrote their page."""
    return public_municipalities().annotate(
        partnership_count=_count(
            Partnership.objects.filter(municipality=OuterRef("pk"), is_published=True)
        )
        + _shared_count(PartnershipParty, "partnership"),
        project_count=_count(Project.objects.filter(municipality=OuterRef("pk"), is_published=True))
        + _shared_count(ProjectParticipant, "project"),
        network_count=_count(
            Membership.objects.filter(
                municipality=OuterRef("pk"),
                municipality__is_published=True,
                network__is_published=True,
            )
        ),
        story_count=_count(Story.objects.filter(municipality=OuterRef("pk"), is_published=True)),
    )


def _counts_by(queryset, group: str, counted: str = "pk") -> dict:
    """{group value: how many distinct `counted`} in one GROUP BY over the whole table."""
    return dict(
        queryset.order_by()
        .values_list(group)
        .annotate(count=Count(counted, distinct=counted != "pk"))
        .values_list(group, "count")
    )


def _shared_counts(through_model, record_field: str) -> dict:
    """{municipality id: published records of other owners it takes part in as a confirmed
    Swedish party}, as _shared_count counts them."""
    return _counts_by(
        current_parties(
            through_model.objects.filter(
                party_municipality__isnull=False,
                awaiting_confirmation=False,
                **{f"{record_field}__is_published": True},
            )
        ),
        "party_municipality",
        record_field,
    )


def municipalities_with_counts(municipalities) -> list:
    """The municipalities (a queryset) as a list, each with the counts that
    published_municipalities annotates, read in one GROUP BY per kind of record instead of
    six subqueries per municipality: for all of Sweden's about 300, the whole-table counts
    cost a fraction of 1 800 index scans."""
    partnerships = _counts_by(Partnership.objects.filter(is_published=True), "municipality")
    shared_partnerships = _shared_counts(PartnershipParty, "partnership")
    projects = _counts_by(Project.objects.filter(is_published=True), "municipality")
    shared_projects = _shared_counts(ProjectParticipant, "project")
    networks = _counts_by(
        Membership.objects.filter(municipality__is_published=True, network__is_published=True),
        "municipality",
    )
    stories = _counts_by(Story.objects.filter(is_published=True), "municipality")
    rows = list(municipalities)
    for municipality in rows:
        pk = municipality.pk
        municipality.partnership_count = partnerships.get(pk, 0) + shared_partnerships.get(pk, 0)
        municipality.project_count = projects.get(pk, 0) + shared_projects.get(pk, 0)
        municipality.network_count = networks.get(pk, 0)
        municipality.story_count = stories.get(pk, 0)
    return rows


def network_queryset():
    return Network.objects.published().annotate(
        member_count=Count(
            "memberships", filter=Q(memberships__municipality__is_published=True), distinct=True
        )
    )


def public_memberships(*, with_roles: bool = False) -> Prefetch:
    """A network's memberships of published municipalities, by name, as
    `network.public_memberships`: for its page, the API and the download."""
    memberships = (
        Membership.objects.filter(municipality__is_published=True)
        .select_related("municipality")
        .order_by("municipality__short_name")
    )
    if with_roles:
        memberships = memberships.prefetch_related("roles")
    return Prefetch("memberships", queryset=memberships, to_attr="public_memberships")


def public_organisations(exists=Exists):
    """Organisations that take part in something published. `exists` is the EXISTS
    expression to ask it with (the API asks row by row: api.queries.ExistsForEachRow)."""
    return Organisation.objects.filter(
        exists(
            PartnershipParty.objects.filter(
                organisation=OuterRef("pk"), partnership__is_published=True
            )
        )
        | exists(
            ProjectParticipant.objects.filter(
                organisation=OuterRef("pk"), project__is_published=True
            )
        )
    )


def with_public_involvement(organisations):
    """Prefetches what each organisation takes part in that residents may see, as the lists
    `public_parties` (partnerships, by name) and `public_participations` (projects, newest
    first). Two queries. (/sok/ reads a bounded number: public/search_involvement.py.)"""
    return organisations.prefetch_related(
        Prefetch(
            "partnershipparty_set",
            queryset=PartnershipParty.objects.filter(partnership__is_published=True)
            .select_related("partnership__municipality")
            .order_by("partnership__name"),
            to_attr="public_parties",
        ),
        Prefetch(
            "project_participations",
            queryset=ProjectParticipant.objects.filter(project__is_published=True)
            .select_related("project__municipality")
            .order_by("-project__start_date", "project__title"),
            to_attr="public_participations",
        ),
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
    #: The first PROJECTS_SHOWN projects of each status group ("ongoing", …, "unknown")…
    projects: dict = field(default_factory=dict)
    #: …and how many each group has.
    project_counts: dict = field(default_factory=dict)
    memberships: list = field(default_factory=list)
    stories: list = field(default_factory=list)
    partner_requests: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    contact_centre: object = None

    @property
    def is_empty(self) -> bool:
        """Nothing of its own published yet (contacts alone are not content)."""
        return not any(
            (
                self.municipal_partnerships,
                self.twin_towns,
                self.former_twin_towns,
                self.other_cooperation,
                self.former_other_cooperation,
                any(self.projects.values()),
                self.memberships,
                self.stories,
                self.partner_requests,
            )
        )

    @property
    def project_count(self) -> int:
        """Its projects that are not listed under one of its partnerships."""
        return sum(self.project_counts.values())

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
                "projects": self.projects[key],
                "count": self.project_counts[key],
                "not_shown": self.project_counts[key] - len(self.projects[key]),
                "status": STATUS_OF_GROUP[key] or "",
            }
            for key, heading in headings
            if self.projects.get(key)
        ]


#: What a project's line on a municipality page shows, and nothing more: its own columns,
#: and the programme's names.
PROJECT_LINE_FIELDS = (
    "slug",
    "title",
    "acronym",
    "kind",
    "summary",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "duration_months",
    "ends_on",
    "grant_amount",
    "grant_currency",
    "municipality_id",
    "partnership_id",
    "programme__name",
    "programme__short_name",
)


def project_lines():
    """Published projects with only the columns their line on a municipality page shows."""
    return (
        Project.objects.published()
        .select_related("programme")
        .only(*PROJECT_LINE_FIELDS)
        .order_by("-start_date", "title")
    )


def municipality_partnerships(municipality: Municipality):
    """The published partnerships a municipality owns or takes part in, with what its page
    shows of each (but contacts): parties, exchange programmes, the agreements it replaced,
    and its projects' lines. Five queries, or one with none."""
    return (
        Partnership.objects.published()
        .involving(municipality)
        .select_related("municipality", "coordinated_by", "photo", "replaced_by__municipality")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=PartnershipParty.objects.select_related(
                    "organisation__country", "organisation__municipality"
                ),
            ),
            "exchange_programmes__organiser",
            Prefetch("replaces", queryset=Partnership.objects.published().order_by("name")),
            Prefetch("projects", queryset=project_lines()),
        )
    )


def attach_contacts(partnerships: list) -> None:
    """Each partnership's contacts, by name, as `partnership.contact_people`: the pairs from
    the link table, then the people by primary key. (Joined in one query, PostgreSQL
    expects hundreds of people and reads all of them.)"""
    pairs = list(
        Partnership.contacts.through.objects.filter(
            partnership__in=[partnership.pk for partnership in partnerships]
        ).values_list("partnership_id", "person_id")
    )
    people = (
        Person.objects.select_related("organisation").in_bulk({person for _, person in pairs})
        if pairs
        else {}
    )
    for partnership in partnerships:
        partnership.contact_people = sorted(
            (people[person] for owner, person in pairs if owner == partnership.pk),
            key=lambda person: (person.name, person.pk),
        )


def status_groups(keys) -> tuple[dict[str, list], dict[str, int]]:
    """The first PROJECTS_SHOWN primary keys of each status group, from rows of
    (pk, start_date, ends_on) in the order the page lists them, and each group's size."""
    today = timezone.localdate()
    shown = {"ongoing": [], "planned": [], "finished": [], "unknown": []}
    counts = dict.fromkeys(shown, 0)
    names = {
        PeriodStatus.ONGOING: "ongoing",
        PeriodStatus.PLANNED: "planned",
        PeriodStatus.FINISHED: "finished",
        None: "unknown",
    }
    for pk, start_date, ends_on in keys:
        name = names[derive_status(start_date, ends_on, today)]
        counts[name] += 1
        if counts[name] <= PROJECTS_SHOWN:
            shown[name].append(pk)
    return shown, counts


def municipality_page(municipality: Municipality) -> MunicipalityPage:
    """What the municipality's page lists: the partnerships and projects it owns or takes
    part in (those of others marked with who leads them) and, where it has written its own
    page (`is_published`), its networks, partner requests and contacts.

    Of its projects, the page reads every key with its period (a narrow row, from indexes)
    to count the status groups, then the lines of the first PROJECTS_SHOWN of each: a
    municipality with thousands of projects costs the same queries and renders as many
    lines as one with forty."""
    page = MunicipalityPage(municipality=municipality)
    partnerships = list(municipality_partnerships(municipality))
    for partnership in partnerships:
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
        partnership.heading = partnership.partners_display_for(municipality)
        partnership.led_by = (
            None if partnership.municipality_id == municipality.pk else partnership.municipality
        )
        live = partnership.is_live
        if partnership.kind == CooperationKind.MUNICIPAL_PARTNERSHIP:
            page.municipal_partnerships.append(partnership)
        elif partnership.kind == CooperationKind.TWIN_TOWN:
            (page.twin_towns if live else page.former_twin_towns).append(partnership)
        else:
            (page.other_cooperation if live else page.former_other_cooperation).append(partnership)
    page.municipal_partnerships.sort(key=lambda p: (not p.is_live, p.name))
    attach_contacts(page.municipal_partnerships)
    # Projects not already listed under one of the page's partnerships.
    own_projects = (
        Project.objects.published()
        .involving(municipality)
        .exclude(partnership__in=[partnership.pk for partnership in partnerships])
        .order_by("-start_date", "title", "pk")
    )
    shown, page.project_counts = status_groups(
        own_projects.values_list("pk", "start_date", "ends_on")
    )
    lines = (
        project_lines()
        .filter(pk__in=[pk for keys in shown.values() for pk in keys])
        .select_related("municipality")
        .only(*PROJECT_LINE_FIELDS, "municipality__name", "municipality__display_name")
        .annotate(
            lead_partner_name=lead_partner("name"),
            lead_partner_municipality=lead_partner("municipality"),
        )
        if any(shown.values())
        else Project.objects.none()
    )
    projects = {project.pk: project for project in lines}
    for project in projects.values():
        # Marked with who leads it, unless this page's municipality owns or leads it.
        ours = municipality.pk in (project.municipality_id, project.lead_partner_municipality)
        project.led_by = (
            None if ours else project.lead_partner_name or project.municipality.public_name
        )
    page.projects = {key: [projects[pk] for pk in keys] for key, keys in shown.items()}
    page.stories = list(story_queryset().filter(municipality=municipality).order_by("order"))
    if municipality.is_published:
        page.memberships = list(
            Membership.objects.filter(municipality=municipality, network__is_published=True)
            .select_related("network")
            .prefetch_related("roles")
            .order_by("network__name")
        )
        page.partner_requests = municipality_partner_requests(municipality)
        page.contacts = list(municipality.contacts.select_related("organisation"))
        page.contact_centre = municipality.contact_centre_or_none
    return page


def lead_partner(field: str) -> Subquery:
    """A field of a project's lead partner's organisation ("name", "municipality"), for a
    list that shows who leads it."""
    return Subquery(
        ProjectParticipant.objects.filter(
            project=OuterRef("pk"), role=ParticipantRole.LEAD_PARTNER
        ).values(f"organisation__{field}")[:1]
    )


#: The funding source whose grants the municipality page's summary adds up.
EU_FUNDS = "eu-medel"


@dataclass
class GrantTotal:
    """Money granted from one funding source in one currency, and to how many projects."""

    source: FundingSource | None
    currency: str
    total: Decimal
    projects: int

    @property
    def total_display(self) -> str:
        return format_money(self.total, self.currency)

    @property
    def total_rounded(self) -> str:
        return format_money_rounded(self.total, self.currency)


def grant_totals(projects) -> list[GrantTotal]:
    """Granted money of a queryset of projects by funding source and currency, in two
    queries whatever the data: the totals, then the funding sources (a handful of rows)."""
    rows = projects.grant_totals()
    sources = FundingSource.objects.in_bulk()
    return [
        GrantTotal(
            source=sources.get(row["grant_source_id"]),
            currency=row["grant_currency"],
            total=row["total"],
            projects=row["projects"],
        )
        for row in rows
    ]


def municipality_summary(page: MunicipalityPage) -> str:
    """The line that opens a municipality page, computed from what the page already holds
    plus one query for the EU grants: "3 kommunala partnerskap, 1 vänort, 9 projekt,
    5 nätverk; 3 miljoner SEK i beviljade EU-medel". Only what is current is counted:
    partnerships that have not ended and memberships that go on this year."""
    year = timezone.localdate().year
    parts = []
    live_partnerships = sum(1 for p in page.municipal_partnerships if p.is_live)
    if live_partnerships:
        parts.append(
            format_count_of(live_partnerships, "kommunalt partnerskap", "kommunala partnerskap")
        )
    if page.twin_towns:
        parts.append(format_count_of(len(page.twin_towns), "vänort", "vänorter"))
    if page.other_cooperation:
        parts.append(
            format_count_of(len(page.other_cooperation), "annat samarbete", "andra samarbeten")
        )
    partnerships = [
        *page.municipal_partnerships,
        *page.twin_towns,
        *page.former_twin_towns,
        *page.other_cooperation,
        *page.former_other_cooperation,
    ]
    projects = page.project_count + sum(partnership.project_count for partnership in partnerships)
    if projects:
        parts.append(format_count_of(projects, "projekt", "projekt"))
    networks = sum(1 for m in page.memberships if m.until_year is None or m.until_year >= year)
    if networks:
        parts.append(format_count_of(networks, "nätverk", "nätverk"))
    line = ", ".join(parts)
    eu = [
        total
        for total in grant_totals(Project.objects.published().involving(page.municipality))
        if total.source is not None and total.source.slug == EU_FUNDS
    ]
    if eu:
        money = " och ".join(total.total_rounded for total in eu)
        line = f"{line}; {money} i beviljade EU-medel" if line else f"{money} i beviljade EU-medel"
    return line


def story_queryset():
    return Story.objects.published().select_related(
        "municipality",
        "partner__country",
        "partner_country",
        "photo",
        "partnership__municipality",
        "initiative",
    )
