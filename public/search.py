"""The site search page (/sok/)."""

from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from contacts.models import Organisation, OrganisationName, Person
from networks.models import Network
from partnerships.models import Partnership
from projects.models import Project, Story
from public import search_involvement as involvement
from public.filters import MAX_QUERY_LENGTH
from public.selectors import public_municipalities
from search import query as documents
from search.models import Kind
from seeking.models import PartnerRequest

#: Hits shown of each kind. A full group links to its list with the same words, where there
#: is one: /sok/ is a way in, the lists are where a long result is read (and filtered).
SEARCH_LIMIT = 10
#: What an organisation or a person hit names of what it takes part in, at most, of each
#: kind; "med flera" says there is more (a municipality's own organisation takes part in
#: thousands of projects).
INVOLVEMENT_LIMIT = 10
#: The groups of hits, in the page's order: (heading, key, kind of search document).
GROUPS = [
    ("Kommuner", "municipalities", Kind.MUNICIPALITY),
    ("Samarbeten", "partnerships", Kind.PARTNERSHIP),
    ("Projekt", "projects", Kind.PROJECT),
    ("Nätverk", "networks", Kind.NETWORK),
    ("Söker partner", "partner_requests", Kind.PARTNER_REQUEST),
]
#: The list a full group links to, and the link's text.
LISTS = {
    "partnerships": ("partnerships:list", "Visa alla samarbeten som matchar"),
    "projects": ("projects:list", "Visa alla projekt som matchar"),
    "networks": ("networks:list", "Visa alla nätverk som matchar"),
    "partner_requests": ("seeking:list", "Visa alla partnersökningar som matchar"),
    "stories": ("stories:list", "Visa alla berättelser som matchar"),
}


class Hits(list):
    """A group's hits; `more_url` and `more_text` lead to its whole list when it is full."""

    more_url = ""
    more_text = ""


def _hits(key: str, items, query: str) -> Hits:
    hits = Hits(items)
    if len(hits) >= SEARCH_LIMIT and key in LISTS:
        name, hits.more_text = LISTS[key]
        hits.more_url = f"{reverse(name)}?{urlencode({'q': query})}"
    return hits


#: What a hit of each kind shows, besides its snippet's texts: read without the rest.
PERIOD = ("start_date", "start_precision", "end_date", "end_precision")
OWNER = ("municipality", "municipality__short_name")


def searched_kinds() -> dict:
    """Each kind's public records (what a hit may be), read with the fields the page shows,
    and the texts a snippet is cut from when PostgreSQL's headline marks nothing."""

    def shown(queryset, snippet: tuple, *fields: str) -> tuple:
        return queryset.only("slug", *snippet, *fields), snippet

    return {
        Kind.MUNICIPALITY: shown(public_municipalities(), ("intro",), "name", "display_name"),
        Kind.PARTNERSHIP: shown(
            Partnership.objects.published().select_related("municipality"),
            ("background", "name"),
            "kind",
            *PERIOD,
            *OWNER,
        ),
        Kind.PROJECT: shown(
            Project.objects.published().select_related("municipality"),
            ("summary", "description", "title"),
            "acronym",
            *PERIOD,
            *OWNER,
        ),
        Kind.NETWORK: shown(Network.objects.published(), ("description", "name"), "category"),
        Kind.PARTNER_REQUEST: (
            PartnerRequest.objects.public().select_related("municipality", "organisation__country"),
            ("description", "title"),
        ),
    }


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
        organisations = involvement.public_organisations(
            named_organisations, SEARCH_LIMIT, INVOLVEMENT_LIMIT
        )
        named_people = Person.objects.filter(Q(name__icontains=query) | Q(title__icontains=query))
        people = involvement.public_people(named_people, SEARCH_LIMIT, INVOLVEMENT_LIMIT)
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
        groups = [(label, key, _hits(key, items, query)) for label, key, items in groups]
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
