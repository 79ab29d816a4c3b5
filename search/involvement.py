"""What an organisation hit on /sok/ names of what it takes part in, and a person hit of
what they are the contact for: read as plain values for all the hits at once (a query a
kind, at most `limit` + 1 of each per hit) and written out in Python. A municipality's own organisation takes part in thousands of
projects; "kommun" finds hundreds of them; the template and the model objects this
replaces took more time than the search itself."""

import contextlib
import contextvars
import functools
from collections import defaultdict

from django.db import connections, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from partnerships.models import Partnership, PartnershipParty
from portal.models import Municipality
from projects.models import Project, ProjectParticipant

SLUG_MARKER = "slug-marker"
KIND_LABELS = {
    str(value): str(label) for value, label in Partnership._meta.get_field("kind").flatchoices
}


def _first_of_each(
    rows, order, limit: int, *columns: str, by: str = "organisation_id"
) -> dict[int, list[dict]]:
    """The first limit + 1 of `rows` for each organisation (or what `by` names), in `order`.

    Run inside `joined_by_key()`."""
    numbered = rows.annotate(place=Window(RowNumber(), partition_by=F(by), order_by=order)).filter(
        place__lte=limit + 1
    )
    grouped = defaultdict(list)
    for row in numbered.order_by(by, "place").values(by, *columns):
        grouped[row[by]].append(row)
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
    with joined_by_key(PartnershipParty.objects.db):
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
        organisation.involvement_html = _links(links, organisation.has_more, "Deltar i")
    return organisations


_joined_by_key = contextvars.ContextVar("joined_by_key", default=False)


@contextlib.contextmanager
def joined_by_key(using: str = "default"):
    """The hits' rows are a few thousand at most (a municipality's own organisation takes
    part in many projects), each joined to its record by key. PostgreSQL would rather hash
    the whole projects table for that (50 ms at 50 000 projects, against 15 ms by key), or
    start parallel workers for a query of 15 ms (25 ms with their start and merge), so
    inside this block it is told not to."""
    if _joined_by_key.get():  # already inside one
        yield
        return
    token = _joined_by_key.set(True)
    try:
        with transaction.atomic(using=using):
            if connections[using].vendor == "postgresql":
                with connections[using].cursor() as cursor:
                    cursor.execute(
                        "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; "
                        "SET LOCAL max_parallel_workers_per_gather = 0"
                    )
            yield
    finally:
        _joined_by_key.reset(token)


def _links(links: list, more: bool, lead: str):
    """`lead` and the links, separated by commas, "med flera" when there are more."""
    if not links:
        return ""
    return format_html(
        '<p class="meta">{}\n{}{}</p>',
        lead,
        mark_safe(", ".join(conditional_escape(link) for link in links)),
        " med flera" if more else "",
    )


def add_roles(people, limit: int) -> list:
    """Each person gets `roles_html`: links to at most `limit` published municipality pages
    (by name), partnerships (by name) and projects (newest first) they are the contact for,
    "med flera" when there are more."""
    ids = [person.pk for person in people]
    if not ids:
        return people
    with joined_by_key(Project.objects.db):
        municipalities = _first_of_each(
            Municipality.contacts.through.objects.filter(
                person__in=ids, municipality__is_published=True
            ),
            [F("municipality__short_name").asc(), F("pk").asc()],
            limit,
            "municipality__slug",
            "municipality__name",
            "municipality__display_name",
            by="person_id",
        )
        partnerships = _first_of_each(
            Partnership.contacts.through.objects.filter(
                person__in=ids, partnership__is_published=True
            ),
            [F("partnership__name").asc(), F("pk").asc()],
            limit,
            "partnership__slug",
            "partnership__name",
            "partnership__municipality__short_name",
            by="person_id",
        )
        projects = _first_of_each(
            Project.contacts.through.objects.filter(person__in=ids, project__is_published=True),
            [F("project__start_date").desc(), F("project__title").asc(), F("pk").asc()],
            limit,
            "project__slug",
            "project__acronym",
            "project__title",
            by="person_id",
        )
    for person in people:
        rows = [grouped.get(person.pk, []) for grouped in (municipalities, partnerships, projects)]
        person.has_more = any(len(kind) > limit for kind in rows)
        own_municipalities, own_partnerships, own_projects = (kind[:limit] for kind in rows)
        links = (
            [
                format_html(
                    '<a href="{}">{}</a>',
                    _address("portal:municipality_detail", row["municipality__slug"]),
                    row["municipality__display_name"] or row["municipality__name"],
                )
                for row in own_municipalities
            ]
            + [
                format_html(
                    '<a href="{}">{} – {}</a>',
                    _address("partnerships:detail", row["partnership__slug"]),
                    row["partnership__municipality__short_name"],
                    row["partnership__name"],
                )
                for row in own_partnerships
            ]
            + [
                format_html(
                    '<a href="{}">{}</a>',
                    _address("projects:detail", row["project__slug"]),
                    row["project__acronym"] or row["project__title"],
                )
                for row in own_projects
            ]
        )
        person.roles_html = _links(links, person.has_more, "Kontaktperson för")
    return people
