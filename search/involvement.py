"""What an organisation hit on /sok/ names of what it takes part in: read as plain values
for all the hits at once (two queries, at most `limit` + 1 a kind per organisation) and
written out in Python. A municipality's own organisation takes part in thousands of
projects; "kommun" finds hundreds of them; the template and the model objects this
replaces took more time than the search itself."""

import functools
from collections import defaultdict

from django.db import connections, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from partnerships.models import Partnership, PartnershipParty
from projects.models import ProjectParticipant

SLUG_MARKER = "slug-marker"
KIND_LABELS = {
    str(value): str(label) for value, label in Partnership._meta.get_field("kind").flatchoices
}


def _first_of_each(rows, order, limit: int, *columns: str) -> dict[int, list[dict]]:
    """The first limit + 1 of `rows` for each organisation, in `order`.

    The organisations' rows are a few thousand at most (a municipality's own organisation
    takes part in many projects), each joined to its record by key. PostgreSQL would rather
    hash the whole projects table for that (50 ms at 50 000 projects, against 15 ms by key),
    so it is told not to."""
    numbered = rows.annotate(
        place=Window(RowNumber(), partition_by=F("organisation_id"), order_by=order)
    ).filter(place__lte=limit + 1)
    grouped = defaultdict(list)
    using = numbered.db
    with transaction.atomic(using=using):
        if connections[using].vendor == "postgresql":
            with connections[using].cursor() as cursor:
                cursor.execute("SET LOCAL enable_hashjoin = off")
                cursor.execute("SET LOCAL enable_mergejoin = off")
        query = numbered.order_by("organisation_id", "place").values("organisation_id", *columns)
        for row in query:
            grouped[row["organisation_id"]].append(row)
    return grouped


@functools.cache
def _address_pattern(name: str) -> tuple[str, str]:
    before, _marker, after = reverse(name, args=[SLUG_MARKER]).partition(SLUG_MARKER)
    return before, after


def _address(name: str, slug: str) -> str:
    """reverse(name, args=[slug]) for a slug (letters, digits, - and _: nothing to quote),
    without resolving the URL patterns again for each of hundreds of links."""
    before, after = _address_pattern(name)
    return f"{before}{slug}{after}"


def add_involvement(organisations, limit: int) -> list:
    """Each organisation gets `involvement_html`: links to at most `limit` published
    partnerships (by name) and projects (newest first) it takes part in, "med flera" when
    there are more."""
    ids = [organisation.pk for organisation in organisations]
    if not ids:
        return organisations
    parties = _first_of_each(
        PartnershipParty.objects.filter(organisation__in=ids, partnership__is_published=True),
        [F("partnership__name").asc(), F("pk").asc()],
        limit,
        "partnership__slug",
        "partnership__kind",
        "partnership__name",
        "partnership__municipality__short_name",
    )
    participations = _first_of_each(
        ProjectParticipant.objects.filter(organisation__in=ids, project__is_published=True),
        [F("project__start_date").desc(), F("project__title").asc(), F("pk").asc()],
        limit,
        "project__slug",
        "project__acronym",
        "project__title",
        "project__municipality__short_name",
    )
    for organisation in organisations:
        own_parties = parties.get(organisation.pk, [])
        own_projects = participations.get(organisation.pk, [])
        organisation.has_more = len(own_parties) > limit or len(own_projects) > limit
        links = [
            format_html(
                '<a href="{}">{} {} – {}</a>',
                _address("partnerships:detail", row["partnership__slug"]),
                KIND_LABELS.get(row["partnership__kind"], "").lower(),
                row["partnership__municipality__short_name"],
                row["partnership__name"],
            )
            for row in own_parties[:limit]
        ] + [
            format_html(
                '<a href="{}">{}</a> <span class="nowrap">({})</span>',
                _address("projects:detail", row["project__slug"]),
                row["project__acronym"] or row["project__title"],
                row["project__municipality__short_name"],
            )
            for row in own_projects[:limit]
        ]
        organisation.involvement_html = (
            format_html(
                '<p class="meta">Deltar i\n{}{}</p>',
                mark_safe(", ".join(conditional_escape(link) for link in links)),
                " med flera" if organisation.has_more else "",
            )
            if links
            else ""
        )
    return organisations
