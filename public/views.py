from collections import Counter
from itertools import groupby

from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_safe

from maps.partner_map import municipality_partner_map
from partnerships.models import Partnership
from portal.models import Concept, ConceptCategory, Municipality, MunicipalityKind
from projects.models import Project
from public import fragments
from public.selectors import (
    municipalities_with_counts,
    municipality_page,
    municipality_summary,
    public_municipalities,
    published_municipalities,
)
from public.structured_data import municipality_data
from stats.statistics import (
    GROUP_NOTE_ID,
    StatisticsFilter,
    compute_statistics,
    group_coverage,
    scope_text,
)

RECENT_COUNT = 6


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
            "municipality_count": public_municipalities().count(),
            "recent_projects": recent_projects,
            "recent_partnerships": recent_partnerships,
        },
    )


def municipality_list(request):
    """The published municipalities by county, and how many of all Sweden's have a page."""
    municipalities = municipalities_with_counts(
        public_municipalities()
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
    whenever anything it shows changes (public/fragments.py): a repeat request costs cache
    reads and no query."""
    return fragments.cached_record_page(
        request,
        "municipality",
        slug,
        find=lambda: get_object_or_404(
            public_municipalities().select_related("county", "contact_centre"), slug=slug
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


def statistics_page(request):
    filterset = StatisticsFilter(request.GET or None, queryset=public_municipalities())
    municipalities = filterset.qs
    form = filterset.form
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"{form[name].auto_id}-fel"}
            )
    group_field = form.fields["group"].widget.attrs
    group_field["aria-describedby"] = " ".join(
        filter(None, [group_field.get("aria-describedby"), GROUP_NOTE_ID])
    )
    kind = form.cleaned_data.get("kind") if filterset.is_bound else None
    stats = compute_statistics(municipalities, kind=kind or None)
    return render(
        request,
        "portal/statistics.html",
        {
            "filter": filterset,
            "is_filtered": any(request.GET.values()),
            "stats": stats,
            "scope": scope_text(form, stats.municipality_count),
            "group_coverage": group_coverage(form, public_municipalities()),
            "group_note_id": GROUP_NOTE_ID,
            "nav": "statistik",
        },
    )
