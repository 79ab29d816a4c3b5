from collections import Counter
from itertools import groupby

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_safe

from contacts.models import Organisation, OrganisationName, Person
from partnerships.models import Partnership
from portal import fragments
from portal import search as site_search
from portal.filters import MAX_QUERY_LENGTH
from portal.maps import municipality_partner_map
from portal.models import Concept, ConceptCategory, Municipality, MunicipalityKind
from portal.selectors import (
    cut_lists,
    municipalities_with_counts,
    municipality_page,
    municipality_summary,
    public_organisations,
    public_people,
    published_municipalities,
    with_public_involvement,
    with_public_roles,
)
from portal.structured_data import municipality_data
from projects.models import Project, Story

RECENT_COUNT = 6
SEARCH_LIMIT = 25
#: What an organisation or a person hit names of what it takes part in, at most, of each
#: kind; "med flera" says there is more (a municipality's own organisation takes part in
#: thousands of projects).
INVOLVEMENT_LIMIT = 10


def home(request):
    """The ways in, and the records changed last: only the columns the page shows."""
    recent_projects = (
        Project.objects.published()
        .select_related("municipality")
        .only("slug", "title", "acronym", "municipality__short_name")
        .order_by("-updated_at", "title")[:RECENT_COUNT]
    )
    recent_partnerships = (
        Partnership.objects.published()
        .select_related("municipality")
        .only("slug", "name", "kind", "municipality__short_name")
        .order_by("-updated_at", "name")[:RECENT_COUNT]
    )
    return render(
        request,
        "portal/home.html",
        {
            "municipality_count": Municipality.objects.public().count(),
            "recent_projects": recent_projects,
            "recent_partnerships": recent_partnerships,
        },
    )


def municipality_list(request):
    """The published municipalities by county, and how many of all Sweden's have a page."""
    municipalities = municipalities_with_counts(
        Municipality.objects.public()
        .select_related("county")
        .only("slug", "name", "display_name", "short_name", "kind", "county__name", "county__code")
        .order_by("county__name", "short_name")
    )
    totals = dict(Municipality.objects.order_by().values_list("kind").annotate(count=Count("pk")))
    published = Counter(municipality.kind for municipality in municipalities)
    counties = [
        (county, list(members))
        for county, members in groupby(municipalities, key=lambda municipality: municipality.county)
    ]
    return render(
        request,
        "portal/municipality_list.html",
        {
            "counties": counties,
            # The same rows with the same counts as a queryset that callers may filter
            # (tests do); the template never reads it, so it costs no query.
            "municipalities": published_municipalities().order_by("county__name", "short_name"),
            "municipality_count": published[MunicipalityKind.MUNICIPALITY],
            "municipality_total": totals.get(MunicipalityKind.MUNICIPALITY, 0),
            "region_count": published[MunicipalityKind.REGION],
            "nav": "kommuner",
        },
    )


def municipality_detail(request, slug):
    """The page is kept whole under the municipality's fragment version, which moves
    whenever anything it shows changes (portal/fragments.py): a repeat request costs cache
    reads and no query."""
    return fragments.cached_record_page(
        request,
        "municipality",
        slug,
        find=lambda: get_object_or_404(
            Municipality.objects.public().select_related("county", "contact_centre"), slug=slug
        ),
        render=lambda municipality: render_municipality_page(request, municipality),
    )


def render_municipality_page(request, municipality):
    page = municipality_page(municipality)
    return render(
        request,
        "portal/municipality_detail.html",
        {
            "page": page,
            "summary": municipality_summary(page),
            "municipality": municipality,
            "partner_map": municipality_partner_map(municipality),
            "structured_data": municipality_data(request, municipality),
            "nav": "kommuner",
            # Parameters of includes this page leaves off, given so that the templates do
            # not look them up in vain: a miss raises (and is logged) once per map link.
            "show_municipality": False,
            "national": False,
            "contact_for": None,
        },
    )


def glossary(request):
    concepts = Concept.objects.select_related("source__publisher")
    groups = [
        (label, [concept for concept in concepts if concept.category == value])
        for value, label in ConceptCategory.choices
    ]
    sources = {concept.source for concept in concepts if concept.source}
    return render(
        request,
        "portal/glossary.html",
        {
            "groups": [(label, items) for label, items in groups if items],
            "sources": sorted(sources, key=str),
            "nav": "begrepp",
        },
    )


def accessibility(request):
    return render(request, "portal/accessibility.html")


#: How many name matches are checked for publication (by name order). A query matching more
#: names ("kommun" among organisations) shows the public ones among the first so many.
MAX_NAME_MATCHES = 1000


def first_public(named, public, limit: int) -> list:
    """The first `limit` rows by name of `named` that are also in `public`, in two queries
    whatever the data: the names first (trigram indexes), then which of the first
    MAX_NAME_MATCHES are public. Asked in one query, PostgreSQL would first list everyone
    attached to anything published (400 ms for "kommun" among 20 000 people)."""
    keys = list(named.order_by("name", "pk").values_list("pk", flat=True)[:MAX_NAME_MATCHES])
    return list(public.filter(pk__in=keys).order_by("name", "pk")[:limit])


def search(request):
    # A NUL can't be in PostgreSQL text, and no one searches for control characters.
    query = "".join(char for char in request.GET.get("q", "") if char >= " ").strip()
    too_long = len(query) > MAX_QUERY_LENGTH
    query = query[:MAX_QUERY_LENGTH]
    groups = []
    if query:
        # Full-text with ranking and snippets on PostgreSQL, substrings on SQLite: portal/search.py
        named_organisations = Organisation.objects.filter(
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Q(
                pk__in=OrganisationName.objects.filter(name__icontains=query).values("organisation")
            )
        )
        organisations = cut_lists(
            first_public(
                named_organisations,
                with_public_involvement(
                    public_organisations().select_related("country"), INVOLVEMENT_LIMIT
                ),
                SEARCH_LIMIT,
            ),
            INVOLVEMENT_LIMIT,
            "public_parties",
            "public_participations",
        )
        named_people = Person.objects.filter(Q(name__icontains=query) | Q(title__icontains=query))
        people = cut_lists(
            first_public(
                named_people,
                with_public_roles(
                    public_people().select_related("organisation"), INVOLVEMENT_LIMIT
                ),
                SEARCH_LIMIT,
            ),
            INVOLVEMENT_LIMIT,
            "public_municipalities",
            "public_partnerships",
            "public_projects",
        )
        stories = (
            Story.objects.published()
            .select_related("municipality")
            .filter(Q(title__icontains=query) | Q(teaser__icontains=query))
        )
        groups = [
            ("Kommuner", "municipalities", site_search.search_municipalities(query, SEARCH_LIMIT)),
            ("Samarbeten", "partnerships", site_search.search_partnerships(query, SEARCH_LIMIT)),
            ("Projekt", "projects", site_search.search_projects(query, SEARCH_LIMIT)),
            ("Nätverk", "networks", site_search.search_networks(query, SEARCH_LIMIT)),
            (
                "Söker partner",
                "partner_requests",
                site_search.search_partner_requests(query, SEARCH_LIMIT),
            ),
            (
                "Organisationer",
                "organisations",
                organisations,
            ),
            ("Personer", "people", people),
            ("Berättelser", "stories", list(stories.order_by("title")[:SEARCH_LIMIT])),
        ]
    return render(
        request,
        "portal/search.html",
        {
            "search_query": query,
            "too_long": too_long,
            "max_length": MAX_QUERY_LENGTH,
            "groups": [group for group in groups if group[2]],
            "total": sum(len(group[2]) for group in groups),
            # A group shows at most SEARCH_LIMIT hits: then the total is a lower bound.
            "total_is_lower_bound": any(len(group[2]) >= SEARCH_LIMIT for group in groups),
            "limit": SEARCH_LIMIT,
        },
    )


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /sok/",
        # The lists as files: each is a whole export, for people, not crawlers.
        "Disallow: /*/ladda-ner.",
        "Disallow: /api/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def bare(request):
    """A view that does nothing: the ceiling bench/load.py measures pages against."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
