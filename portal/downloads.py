"""Every public list as a file (CSV, XLSX or JSON) for the filters the reader has chosen.

A list page links to `<list>/ladda-ner.<format>?<its valid filters>`. The download view
filters with the list's own FilterSet and hands the rows to the file as they come from the
database (`QuerySet.iterator` in chunks, related rows prefetched per chunk), so 50 000 rows
start arriving at once and never sit whole in memory.

Each app names its columns (`projects/downloads.py` …): a Swedish header for the
spreadsheets, an English key for JSON, and a function of the object. Text cells are
escaped against formula injection as in the admin's exports. People's e-mail and phone come
only through `Person.public_email` / `public_phone` (personal data).
"""

import datetime
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import re_path, reverse
from django.utils import timezone
from django.views import View

from portal.spreadsheets.formats import CSV, XLSX, escape_formula

#: Rows fetched from the database at a time, each chunk with its own prefetch queries.
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
            filterset.qs.iterator(chunk_size=CHUNK_SIZE),
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

    def rows(self, objects, *, page_url: str, escape: bool) -> Iterator[list]:
        columns = self.columns
        for obj in objects:
            row = [column.value(obj) for column in columns]
            row.append(f"{page_url}{obj.slug}/")
            yield [escape_formula(value) for value in row] if escape else row

    @classmethod
    def urlpattern(cls):
        return re_path(
            r"^ladda-ner\.(?P<file_format>csv|xlsx|json)$", cls.as_view(), name="download"
        )
