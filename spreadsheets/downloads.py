"""Every public list as a file (CSV, XLSX or JSON) for the filters the reader has chosen.

A list page links to `<list>/ladda-ner.<format>?<its valid filters>`. The download view
filters with the list's own FilterSet and hands the rows to the file as they come from the
database (`QuerySet.iterator` in chunks, related rows read per chunk), so 50 000 rows
start arriving at once and never sit whole in memory.

Related rows are read per chunk in one of two ways. `listed` prefetches them the usual way
into plain lists. Where that is too slow (the project list: Django's prefetch makes a new
instance of every theme, country and organisation for every row that names it, most of a
50 000-row download's time), the view reads the chunk's link-table ids instead and hands out
shared instances: `Table` holds a small table (themes, countries …) once per download, or
the organisations a chunk names once per chunk, and `many_to_many_ids` reads the links.

Each app names its columns (`public/projects/downloads.py` …): a Swedish header for the
spreadsheets, an English key for JSON, and a function of the object. Text cells are
escaped against formula injection as in the admin's exports. People's e-mail and phone come
only through `Person.public_email` / `public_phone` (personal data).
"""

import datetime
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any, NamedTuple

from django.db.models import F, Prefetch, QuerySet
from django.db.models.lookups import In
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import re_path, reverse
from django.utils import timezone
from django.views import View

from spreadsheets.formats import CSV, FORMULA_STARTS, XLSX, escape_formula

#: Rows fetched from the database at a time, each chunk with its own queries for related rows.
CHUNK_SIZE = 1000
#: A list item in a text cell: "Kisumu (Kenya); Voi (Kenya)".
SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    key: str  # JSON
    header: str  # CSV and XLSX
    value: Callable[[Any], Any]


def listed(lookup: str, queryset: QuerySet, name: str = "") -> Prefetch:
    """Prefetches `lookup` into the plain list `listed_<name or lookup>`. A download reads
    related rows as lists: `obj.themes.all()` would build a manager and a queryset for every
    row (most of a 50 000-row download's time), a list attribute costs nothing."""
    return Prefetch(lookup, queryset=queryset, to_attr=f"listed_{name or lookup}")


def in_chunks(queryset: QuerySet) -> Iterator[list]:
    """The queryset's objects in lists of CHUNK_SIZE, read through one server-side cursor."""
    size = CHUNK_SIZE
    objects = queryset.iterator(chunk_size=size)
    while chunk := list(islice(objects, size)):
        yield chunk


class Table:
    """The rows of a queryset by primary key, in the queryset's order (its model's ordering,
    as the database sorts it), to hand out as related lists that are ordered like a
    prefetch of the same queryset would order them."""

    def __init__(self, queryset: Iterable):
        self.rows = {row.pk: row for row in queryset}
        self.position = {pk: position for position, pk in enumerate(self.rows)}

    def __getitem__(self, pk):
        return self.rows[pk]

    def get(self, pk):
        return self.rows.get(pk)

    def lists(self, pairs: Iterable[tuple[Any, Any]]) -> dict[Any, list]:
        """`(owner id, row id)` pairs as each owner's rows, in the table's order."""
        ids = defaultdict(list)
        for owner_id, pk in pairs:
            ids[owner_id].append(pk)
        position = self.position.__getitem__
        rows = self.rows
        return {
            owner_id: [rows[pk] for pk in sorted(pks, key=position)]
            for owner_id, pks in ids.items()
        }


class PartyRow(NamedTuple):
    """A participant or party row (ProjectParticipant, PartnershipParty) as a download reads
    it: what `portal.parties` and the columns read of the model's row, without the cost of
    a model instance for each of some 175 000 rows."""

    organisation: Any
    role: str
    awaiting_confirmation: bool
    until_year: int | None = None

    @staticmethod
    def values(owner: str, *, until_year: bool = False) -> tuple[str, ...]:
        """The `values_list` fields that `by_owner` reads."""
        fields = (f"{owner}_id", "organisation_id", "role", "awaiting_confirmation")
        return (*fields, "until_year") if until_year else fields

    @classmethod
    def by_owner(cls, values: Iterable[tuple], organisations: Table) -> dict[Any, list]:
        """Rows of `values_list(*PartyRow.values(owner))`, in their order, by owner."""
        rows, make, organisation = defaultdict(list), cls._make, organisations.rows.__getitem__
        for owner_id, organisation_id, *rest in values:
            if len(rest) == 2:
                rest.append(None)  # a participant: no last year
            rows[owner_id].append(make((organisation(organisation_id), *rest)))
        return rows


class AnyOf(In):
    """`column IN (ids)` for a chunk's thousand ids, written `column = ANY(%s)` with the ids
    as one array parameter on PostgreSQL: Django prepares an IN list's values and psycopg
    parses its placeholders one by one, which cost as much as reading the rows.
    `filter(AnyOf(F("project_id"), ids))`; the ids must be of the column's type already."""

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, self.rhs)


def many_to_many_ids(objects: list, field_name: str) -> list[tuple[Any, Any]]:
    """The `(object id, related id)` pairs of a many-to-many field for `objects`, read from
    the link table alone."""
    field = type(objects[0])._meta.get_field(field_name)
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    return list(
        field.remote_field.through.objects.filter(
            AnyOf(F(source), [obj.pk for obj in objects])
        ).values_list(source, target)
    )


def year_of(date) -> int | None:
    return date.year if date else None


def names(items: Iterable) -> str:
    return SEPARATOR.join(str(item) for item in items)


def people(persons: Iterable) -> str:
    """Contact people as text, with e-mail and phone only where the person allows it."""
    described = []
    for person in persons:
        parts = [person.name, person.title, person.public_email, person.public_phone_display]
        described.append(", ".join(part for part in parts if part))
    return SEPARATOR.join(described)


class JSONFormat:
    """A JSON array of objects, written an object at a time."""

    extension = "json"

    def get_content_type(self) -> str:
        return "application/json; charset=utf-8"

    def iter_chunks(self, keys: list[str], rows: Iterable, *, title="") -> Iterator[bytes]:
        pending, first = [], True
        yield b"["
        for row in rows:
            item = json.dumps(dict(zip(keys, row, strict=True)), ensure_ascii=False, default=_json)
            pending.append(("\n" if first else ",\n") + item)
            first = False
            if len(pending) == CHUNK_SIZE:
                yield "".join(pending).encode("utf-8")
                pending.clear()
        pending.append("\n]\n")
        yield "".join(pending).encode("utf-8")


def _json(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        # Amounts keep their decimals exactly; a JSON number would be a float to most readers.
        return format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


FORMATS = {"csv": CSV(), "xlsx": XLSX(), "json": JSONFormat()}


class ListDownloadView(View):
    """The rows of a public list, filtered by its FilterSet, as a streamed file."""

    filterset_class = None
    columns: tuple[Column, ...] = ()
    #: The file's name before the date ("natverk"), and the sheet's title ("Nätverk").
    name = ""
    title = ""
    #: Where the reader goes back to: the list's URL name.
    list_url_name = ""

    #: The detail page's URL name; each row ends with the page's address.
    detail_url_name = ""

    def get_queryset(self):
        raise NotImplementedError

    def get(self, request, file_format: str):
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            return render(
                request,
                "includes/download_error.html",
                {"form": filterset.form, "list_url_name": self.list_url_name},
                status=400,
            )
        writer = FORMATS[file_format]
        as_json = isinstance(writer, JSONFormat)
        heads = [column.key if as_json else column.header for column in self.columns]
        heads.append("url" if as_json else "Sida på webbplatsen")
        rows = self.rows(
            self.objects(filterset.qs),
            page_url=request.build_absolute_uri(reverse(self.detail_url_name, args=["-"]))[:-2],
            escape=not as_json,
        )
        response = StreamingHttpResponse(
            writer.iter_chunks(heads, rows, title=self.title),
            content_type=writer.get_content_type(),
        )
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="{self.name}-{stamp}.{writer.extension}"'
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def objects(self, queryset) -> Iterable:
        """The filtered objects, read a chunk at a time with what their columns show."""
        return queryset.iterator(chunk_size=CHUNK_SIZE)

    def rows(self, objects, *, page_url: str, escape: bool) -> Iterator[list]:
        columns = self.columns
        for obj in objects:
            row = [column.value(obj) for column in columns]
            row.append(f"{page_url}{obj.slug}/")
            if escape:
                # Most cells start with a letter: the first character is the quick test.
                row = [
                    escape_formula(value)
                    if type(value) is str and value[:1] in FORMULA_STARTS
                    else value
                    for value in row
                ]
            yield row

    @classmethod
    def urlpattern(cls):
        return re_path(
            r"^ladda-ner\.(?P<file_format>csv|xlsx|json)$", cls.as_view(), name="download"
        )
