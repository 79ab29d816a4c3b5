"""The organisations and people /sok/ shows, and what each takes part in.

A name that matches is shown when its record is on a published page: an organisation that
takes part in a published partnership or project, a person who is the contact of a published
municipality, partnership or project. Those rows are also what the hit names, so both are
read at once: for each matching name (in name order, a few dozen at a time until enough are
public), at most `limit` + 1 rows of each kind, through an index per key (a LATERAL join on
PostgreSQL). A municipality's own organisation takes part in thousands of projects and
"kommun" matches hundreds of them; reading all their rows to sort them took longer than the
search itself. An organisation's projects are its most recently added participations,
shown newest first.

The links are written out in Python from plain values.
"""

import functools
from collections import defaultdict

from django.db import connections, router
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from contacts.models import Organisation, Person
from partnerships.models import Partnership, PartnershipParty
from portal.models import Municipality
from projects.models import Project, ProjectParticipant

#: How many name matches are looked at, at most (by name order): a query matching more names
#: ("kommun" among organisations) shows the public ones among the first so many.
MAX_NAME_MATCHES = 1000

SLUG_MARKER = "slug-marker"
KIND_LABELS = {
    str(value): str(label) for value, label in Partnership._meta.get_field("kind").flatchoices
}


def _table(model) -> str:
    return model._meta.db_table


@functools.cache
def _relations() -> dict:
    """Each kind of involvement: (the key column, the rows joined to their published record,
    the columns read, their order). Table names from the models; built on first use."""
    municipality, partnership, project = (_table(m) for m in (Municipality, Partnership, Project))
    return {
        "parties": (
            "x.organisation_id",
            f"{_table(PartnershipParty)} x JOIN {partnership} r ON r.id = x.partnership_id "
            f"JOIN {municipality} m ON m.id = r.municipality_id",
            "r.is_published",
            "r.slug, r.kind, r.name, m.short_name AS owner",
            "r.name, x.id",
        ),
        "participations": (
            "x.organisation_id",
            f"{_table(ProjectParticipant)} x JOIN {project} r ON r.id = x.project_id "
            f"JOIN {municipality} m ON m.id = r.municipality_id",
            "r.is_published",
            "r.slug, r.acronym, r.title, r.start_date, m.short_name AS owner",
            # The index (organisation, id): the newest few of thousands, without reading all.
            "x.id DESC",
        ),
        "municipalities": (
            "x.person_id",
            f"{Municipality.contacts.through._meta.db_table} x "
            f"JOIN {municipality} r ON r.id = x.municipality_id",
            "r.is_published",
            "r.slug, r.name, r.display_name",
            "r.short_name, x.id",
        ),
        "partnerships": (
            "x.person_id",
            f"{Partnership.contacts.through._meta.db_table} x "
            f"JOIN {partnership} r ON r.id = x.partnership_id "
            f"JOIN {municipality} m ON m.id = r.municipality_id",
            "r.is_published",
            "r.slug, r.name, m.short_name AS owner",
            "r.name, x.id",
        ),
        "projects": (
            "x.person_id",
            f"{Project.contacts.through._meta.db_table} x JOIN {project} r ON r.id = x.project_id",
            "r.is_published",
            "r.slug, r.acronym, r.title, r.start_date",
            "r.start_date DESC, r.title, x.id",
        ),
    }


def first_rows(relation: str, keys: list[int], limit: int, using: str) -> dict[int, list[dict]]:
    """At most `limit` rows of `relation` for each of `keys` that has any, in its order."""
    if not keys:
        return {}
    key, source, condition, columns, order = _relations()[relation]
    connection = connections[using]
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT k.key, x.* FROM unnest(%s::bigint[]) AS k(key) CROSS JOIN LATERAL "
            f"(SELECT {columns} FROM {source} WHERE {key} = k.key AND {condition} "
            f"ORDER BY {order} LIMIT {int(limit)}) AS x"
        )
        params = [list(keys)]
    else:  # the same rows, numbered (SQLite has no LATERAL)
        sql = (
            f"SELECT * FROM (SELECT {key} AS key, {columns}, "
            f"row_number() OVER (PARTITION BY {key} ORDER BY {order}) AS place "
            f"FROM {source} WHERE {key} IN ({', '.join(['%s'] * len(keys))}) AND {condition}) "
            f"WHERE place <= {int(limit)} ORDER BY key, place"
        )
        params = list(keys)
    grouped = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        for row in cursor.fetchall():
            grouped[row[0]].append(dict(zip(names, row, strict=True)))
    return grouped


def _public_in_name_order(named, limit: int, relations: tuple, read_limit: int, using: str):
    """The keys of the first `limit` records of `named` (by name) that have rows in any of
    `relations`, and those rows: {relation: {key: rows}}. The names are checked a few dozen
    at a time, more each round, until enough are found."""
    keys = list(named.order_by("name", "pk").values_list("pk", flat=True)[:MAX_NAME_MATCHES])
    found, rows = [], {relation: {} for relation in relations}
    start, size = 0, limit + limit // 5 + 1
    while start < len(keys) and len(found) < limit:
        chunk = keys[start : start + size]
        start, size = start + size, size * 4
        for relation in relations:
            rows[relation].update(first_rows(relation, chunk, read_limit, using))
        found += [key for key in chunk if any(key in rows[relation] for relation in relations)]
    return found[:limit], rows


@functools.cache
def _address_pattern(name: str) -> tuple[str, str]:
    before, _marker, after = reverse(name, args=[SLUG_MARKER]).partition(SLUG_MARKER)
    return before, after


def _address(name: str, slug: str) -> str:
    """reverse(name, args=[slug]) for a slug (letters, digits, - and _: nothing to quote),
    without resolving the URL patterns again for each of hundreds of links."""
    before, after = _address_pattern(name)
    return f"{before}{slug}{after}"


def _newest_first(rows: list[dict]) -> list[dict]:
    """Projects by start, newest first, those without a start last; then by title."""
    rows = sorted(rows, key=lambda row: row["title"])
    # Stable, also reversed; a date or its ISO text (SQLite) sorts the same as text.
    return sorted(rows, key=lambda row: str(row["start_date"] or ""), reverse=True)


def public_organisations(named, limit: int, involvement_limit: int) -> list:
    """The first `limit` organisations of `named` (by name) that take part in something
    published, with their country; each gets `involvement_html`: links to at most
    `involvement_limit` published partnerships (by name) and projects (the most recently
    added, newest first), "med flera" when there are more."""
    using = router.db_for_read(Organisation)
    keys, rows = _public_in_name_order(
        named, limit, ("parties", "participations"), involvement_limit + 1, using
    )
    records = Organisation.objects.using(using).select_related("country").in_bulk(keys)
    organisations = [records[key] for key in keys if key in records]
    for organisation in organisations:
        parties = rows["parties"].get(organisation.pk, [])
        projects = rows["participations"].get(organisation.pk, [])
        organisation.has_more = (
            len(parties) > involvement_limit or len(projects) > involvement_limit
        )
        links = [
            format_html(
                '<a href="{}">{} {} – {}</a>',
                _address("partnerships:detail", row["slug"]),
                KIND_LABELS.get(row["kind"], "").lower(),
                row["owner"],
                row["name"],
            )
            for row in parties[:involvement_limit]
        ] + [
            format_html(
                '<a href="{}">{}</a> <span class="nowrap">({})</span>',
                _address("projects:detail", row["slug"]),
                row["acronym"] or row["title"],
                row["owner"],
            )
            for row in _newest_first(projects[:involvement_limit])
        ]
        organisation.involvement_html = _links(links, organisation.has_more, "Deltar i")
    return organisations


def public_people(named, limit: int, involvement_limit: int) -> list:
    """The first `limit` people of `named` (by name) who are the contact of something
    published, with their organisation; each gets `roles_html`: links to at most
    `involvement_limit` published municipality pages (by name), partnerships (by name) and
    projects (newest first) they are the contact for, "med flera" when there are more."""
    using = router.db_for_read(Person)
    kinds = ("municipalities", "partnerships", "projects")
    keys, rows = _public_in_name_order(named, limit, kinds, involvement_limit + 1, using)
    records = Person.objects.using(using).select_related("organisation").in_bulk(keys)
    people = [records[key] for key in keys if key in records]
    for person in people:
        own = [rows[kind].get(person.pk, []) for kind in kinds]
        person.has_more = any(len(kind) > involvement_limit for kind in own)
        municipalities, partnerships, projects = (kind[:involvement_limit] for kind in own)
        links = (
            [
                format_html(
                    '<a href="{}">{}</a>',
                    _address("portal:municipality_detail", row["slug"]),
                    row["display_name"] or row["name"],
                )
                for row in municipalities
            ]
            + [
                format_html(
                    '<a href="{}">{} – {}</a>',
                    _address("partnerships:detail", row["slug"]),
                    row["owner"],
                    row["name"],
                )
                for row in partnerships
            ]
            + [
                format_html(
                    '<a href="{}">{}</a>',
                    _address("projects:detail", row["slug"]),
                    row["acronym"] or row["title"],
                )
                for row in projects
            ]
        )
        person.roles_html = _links(links, person.has_more, "Kontaktperson för")
    return people


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
