"""The site search page (/sok/)."""

from django.db.models import Q
from django.shortcuts import render

from contacts.models import Organisation, OrganisationName, Person
from networks.models import Network
from partnerships.models import Partnership
from portal.filters import MAX_QUERY_LENGTH
from portal.models import Municipality
from portal.selectors import (
    public_organisations,
    public_people,
)
from projects.models import Project, Story
from search import query as documents
from search.involvement import add_involvement, add_roles, joined_by_key
from search.models import Kind
from seeking.models import PartnerRequest

SEARCH_LIMIT = 25
#: What an organisation or a person hit names of what it takes part in, at most, of each
#: kind; "med flera" says there is more (a municipality's own organisation takes part in
#: thousands of projects).
INVOLVEMENT_LIMIT = 10
#: How many name matches are checked for publication (by name order). A query matching more
#: names ("kommun" among organisations) shows the public ones among the first so many.
MAX_NAME_MATCHES = 1000
CHECKED = 100

#: The groups of hits, in the page's order: (heading, key, kind of search document).
GROUPS = [
    ("Kommuner", "municipalities", Kind.MUNICIPALITY),
    ("Samarbeten", "partnerships", Kind.PARTNERSHIP),
    ("Projekt", "projects", Kind.PROJECT),
    ("Nätverk", "networks", Kind.NETWORK),
    ("Söker partner", "partner_requests", Kind.PARTNER_REQUEST),
]


def searched_kinds() -> dict:
    """Each kind's public records (what a hit may be) and the texts a snippet is cut from
    when PostgreSQL's headline marks nothing."""
    return {
        Kind.MUNICIPALITY: (Municipality.objects.public(), ("intro",)),
        Kind.PARTNERSHIP: (
            Partnership.objects.published().select_related("municipality"),
            ("background", "name"),
        ),
        Kind.PROJECT: (
            Project.objects.published().select_related("municipality"),
            ("summary", "description", "title"),
        ),
        Kind.NETWORK: (Network.objects.published(), ("description", "name")),
        Kind.PARTNER_REQUEST: (
            PartnerRequest.objects.public().select_related("municipality", "organisation__country"),
            ("description", "title"),
        ),
    }


def first_public(named, public, limit: int) -> list:
    """The first `limit` rows by name of `named` that are also in `public`: the names first
    (trigram indexes), then the public rows among the first MAX_NAME_MATCHES, CHECKED at a
    time in name order until `limit` are found. Asked in one query, or for all the names at
    once, PostgreSQL lists everyone attached to anything published first (400 ms for
    "kommun" among 20 000 people, 40 ms among 3 000 organisations); a hundred names are
    checked one by one through the indexes in 3 ms, and the public ones read at once."""
    keys = list(named.order_by("name", "pk").values_list("pk", flat=True)[:MAX_NAME_MATCHES])
    found = []
    for start in range(0, len(keys), CHECKED):
        chunk = keys[start : start + CHECKED]
        shown = public.in_bulk(chunk)
        found += [shown[key] for key in chunk if key in shown]
        if len(found) >= limit:
            break
    return found[:limit]


def search(request):
    # A NUL can't be in PostgreSQL text, and no one searches for control characters.
    query = "".join(char for char in request.GET.get("q", "") if char >= " ").strip()
    too_long = len(query) > MAX_QUERY_LENGTH
    query = query[:MAX_QUERY_LENGTH]
    groups = []
    if query:
        found = documents.search(searched_kinds(), query, SEARCH_LIMIT)
        groups = [(label, key, found[kind]) for label, key, kind in GROUPS]
        named_organisations = Organisation.objects.filter(
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Q(
                pk__in=OrganisationName.objects.filter(name__icontains=query).values("organisation")
            )
        )
        organisations = first_public(
            named_organisations, public_organisations().select_related("country"), SEARCH_LIMIT
        )
        named_people = Person.objects.filter(Q(name__icontains=query) | Q(title__icontains=query))
        people = first_public(
            named_people, public_people().select_related("organisation"), SEARCH_LIMIT
        )
        if organisations or people:
            with joined_by_key():  # one transaction for both
                add_involvement(organisations, INVOLVEMENT_LIMIT)
                add_roles(people, INVOLVEMENT_LIMIT)
        stories = (
            Story.objects.published()
            .select_related("municipality")
            .filter(Q(title__icontains=query) | Q(teaser__icontains=query))
        )
        groups += [
            ("Organisationer", "organisations", organisations),
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


def search_kind(kind: str, query: str, limit: int) -> list:
    """The hits of one kind, as /sok/ lists them."""
    return documents.search({kind: searched_kinds()[kind]}, query, limit)[kind]
