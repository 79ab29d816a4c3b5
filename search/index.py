"""Writing the search documents: for some records of a kind, for everything, or at the end
of a batch (an import saves many rows; each record is written once)."""

import contextlib
import contextvars
import logging
from collections import defaultdict

from django.apps import apps
from django.db import connections, router

from portal.names import fold
from search.documents import SOURCES
from search.models import Kind, SearchDocument

logger = logging.getLogger(__name__)

CHUNK = 2000
CONFIG = "swedish"
#: The stored vector: the title weighs most, then the names (also without diacritics,
#: unstemmed, so "Koge" finds Køge and "Vaxjo" Växjö), then the longer texts.
VECTOR_SQL = (
    "setweight(to_tsvector('swedish', title), 'A')"
    " || setweight(to_tsvector('swedish', names), 'B')"
    " || setweight(to_tsvector('simple', folded_title || ' ' || folded_names), 'B')"
    " || setweight(to_tsvector('swedish', body), 'C')"
)
TEXT_FIELDS = ("is_public", "title", "names", "body", "folded_title", "folded_names")


def _database() -> str:
    return router.db_for_write(SearchDocument)


def _document(kind: str, pk: int, text) -> SearchDocument:
    names = "\n".join(name for name in dict.fromkeys(text.names) if name)
    return SearchDocument(
        kind=kind,
        object_id=pk,
        is_public=text.is_public,
        title=text.title,
        names=names,
        body="\n\n".join(part for part in text.body if part),
        folded_title=fold(text.title),
        folded_names=fold(names),
    )


def refresh(kind: str, ids) -> int:
    """Make the documents of these records of `kind` what the records say now: written
    when they changed (an unchanged row is not rewritten: dead rows slow the index down),
    deleted when the record is gone. Returns how many were written or deleted."""
    _label, build = SOURCES[kind]
    ids = sorted({int(pk) for pk in ids if pk is not None})
    database = _database()
    documents = SearchDocument.objects.using(database)
    changed = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        texts = build(chunk)
        gone = [pk for pk in chunk if pk not in texts]
        if gone:
            changed += documents.filter(kind=kind, object_id__in=gone).delete()[0]
        existing = {
            row[0]: row[1:]
            for row in documents.filter(kind=kind, object_id__in=list(texts)).values_list(
                "object_id", *TEXT_FIELDS
            )
        }
        wanted = [_document(kind, pk, text) for pk, text in texts.items()]
        wanted = [
            document
            for document in wanted
            if existing.get(document.object_id)
            != tuple(getattr(document, name) for name in TEXT_FIELDS)
        ]
        if not wanted:
            continue
        _write(database, kind, wanted)
        changed += len(wanted)
    return changed


#: PostgreSQL: documents inserted or replaced with their vector, in one statement (each
#: row written once: a second UPDATE for the vector would leave a dead row version).
UPSERT_SQL = f"""
INSERT INTO {SearchDocument._meta.db_table}
    (kind, object_id, {", ".join(TEXT_FIELDS)}, vector)
SELECT %s, object_id, {", ".join(TEXT_FIELDS)}, {VECTOR_SQL}
FROM unnest(%s::bigint[], %s::boolean[], %s::text[], %s::text[], %s::text[], %s::text[],
            %s::text[]) AS document(object_id, {", ".join(TEXT_FIELDS)})
ON CONFLICT (kind, object_id) DO UPDATE SET
    {", ".join(f"{name} = EXCLUDED.{name}" for name in (*TEXT_FIELDS, "vector"))}
"""


def _write(database: str, kind: str, documents: list[SearchDocument]) -> None:
    connection = connections[database]
    if connection.vendor != "postgresql":  # SQLite keeps no vector
        SearchDocument.objects.using(database).bulk_create(
            documents,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=list(TEXT_FIELDS),
        )
        return
    columns = [[document.object_id for document in documents]]
    columns += [[getattr(document, name) for document in documents] for name in TEXT_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(UPSERT_SQL, [kind, *columns])


def rebuild() -> int:
    """Every record's document (after the seeds, the scale data, `rebuild_search_index`)."""
    changed = 0
    for kind, (label, _build) in SOURCES.items():
        model = apps.get_model(label)
        ids = list(model._base_manager.values_list("pk", flat=True))
        changed += refresh(kind, ids) + _delete_missing(kind, ids)
    return changed


def _delete_missing(kind: str, ids) -> int:
    """Documents whose record is gone, deleted a chunk at a time (no huge IN list)."""
    known = sorted(
        set(SearchDocument.objects.filter(kind=kind).values_list("object_id", flat=True)) - set(ids)
    )
    deleted = 0
    for start in range(0, len(known), CHUNK):
        deleted += SearchDocument.objects.filter(
            kind=kind, object_id__in=known[start : start + CHUNK]
        ).delete()[0]
    return deleted


def build_when_empty(sender=None, using="default", **kwargs) -> None:
    """After `migrate`: a database whose records came before this app gets its documents."""
    if using != _database() or SearchDocument.objects.using(using).exists():
        return
    if any(
        apps.get_model(label)._base_manager.using(using).exists()
        for label, _build in SOURCES.values()
    ):
        logger.info("Building the search documents.")
        rebuild()


#: While `batch()` runs: {kind: keys} to refresh when it ends.
_pending: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "search_pending", default=None
)


def refresh_later(kind: str, ids) -> None:
    """Refresh these records' documents now, or at the end of the enclosing `batch()`."""
    pending = _pending.get()
    if pending is None:
        refresh(kind, ids)
    else:
        pending[kind].update(ids)


@contextlib.contextmanager
def batch():
    """Write each changed record's document once, at the end, however many of its rows
    are saved inside (an import, an admin form with its inlines)."""
    if _pending.get() is not None:  # already inside one
        yield
        return
    token = _pending.set(defaultdict(set))
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    for kind in Kind.values:
        if pending.get(kind):
            refresh(kind, pending[kind])
