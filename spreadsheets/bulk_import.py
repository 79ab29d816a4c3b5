"""What the bulk imports (twin towns, project lists) share: slugs for the rows they create,
INSERTs in batches with a history entry for each row, and the admin's two steps, a preview
kept in the session and its confirmation."""

import uuid

from django.conf import settings
from django.db import connections, router
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from portal.names import fold


def unique_slug(base: str, taken: set[str], *, suffix: str = "", fallback: str = "post") -> str:
    """ "Køge" → koge, or koge-dk when koge is taken, then koge-dk-2 … (added to `taken`)."""
    base = (slugify(fold(base)) or fallback)[:80].strip("-")
    if suffix and base in taken:
        base = f"{base}-{suffix}"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def copy_into_history(model, ids, *, user, reason: str, kind: str = "+") -> dict:
    """History entries of records just written in bulk, as django-simple-history's save
    writes them (by `user`, with `reason`), but copied by the database from the records'
    own rows: one INSERT … SELECT per batch, no Python object per entry. Returns record id
    → the id of its new entry (for the entries' many-to-many rows)."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return {}
    history_model = getattr(model, model._meta.simple_history_manager_attribute).model
    connection = connections[router.db_for_write(history_model)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in history_model.tracked_fields)
    meta = history_model._meta
    date = meta.get_field("history_date").get_db_prep_value(timezone.now(), connection)
    user_id = getattr(user, "pk", None)
    pk_column, history_pk = quote(model._meta.pk.column), quote(meta.pk.column)
    entries = {}
    with connection.cursor() as cursor:
        for batch, placeholders in _batches(ids):
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}, history_date, "
                f"history_change_reason, history_type, "
                f"{quote(meta.get_field('history_user').column)}) "
                f"SELECT {columns}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {pk_column} IN ({placeholders}) "
                f"RETURNING {history_pk}, {pk_column}",
                [date, reason, kind, user_id, *batch],
            )
            entries.update((record_id, entry_id) for entry_id, record_id in cursor.fetchall())
    return entries


def copy_links_into_history(field, m2m_history_model, entry_ids: list) -> None:
    """The many-to-many rows of the history entries `entry_ids` (copy_into_history) for
    the relation `field`: the records' link rows as they are now, copied by the database,
    as simple_history's create_historical_record_m2ms writes them one entry at a time."""
    through, record_model = field.remote_field.through, field.model
    connection = connections[router.db_for_write(m2m_history_model)]
    quote = connection.ops.quote_name
    names = [f.name for f in through._meta.concrete_fields]
    target_columns = ", ".join(
        quote(m2m_history_model._meta.get_field(name).column) for name in names
    )
    source_columns = ", ".join(
        f"link.{quote(through._meta.get_field(name).column)}" for name in names
    )
    entries = getattr(record_model, record_model._meta.simple_history_manager_attribute).model
    link_record = quote(through._meta.get_field(field.m2m_field_name()).column)
    record_pk = quote(record_model._meta.pk.column)
    history_pk = quote(entries._meta.pk.column)
    history_column = quote(m2m_history_model._meta.get_field("history").column)
    with connection.cursor() as cursor:
        for batch, placeholders in _batches(entry_ids):
            cursor.execute(
                f"INSERT INTO {quote(m2m_history_model._meta.db_table)} "
                f"({target_columns}, {history_column}) "
                f"SELECT {source_columns}, entry.{history_pk} "
                f"FROM {quote(through._meta.db_table)} link "
                f"JOIN {quote(entries._meta.db_table)} entry "
                f"ON entry.{record_pk} = link.{link_record} "
                f"WHERE entry.{history_pk} IN ({placeholders})",
                batch,
            )


#: Records per INSERT … SELECT of copy_into_history (SQLite allows 32 766 parameters).
HISTORY_BATCH_SIZE = 1000


def _batches(ids):
    """The ids in batches of HISTORY_BATCH_SIZE, each with its "%s, %s, …" for an IN list."""
    ids = list(ids)
    for start in range(0, len(ids), HISTORY_BATCH_SIZE):
        batch = ids[start : start + HISTORY_BATCH_SIZE]
        yield batch, ", ".join(["%s"] * len(batch))


def create_with_history(model, objects: list, user, reason: str) -> None:
    """INSERT in batches, with a history entry ("+", by user, `reason`) for each row."""
    bulk_create_with_history(
        objects, model, batch_size=500, default_user=user, default_change_reason=reason
    )


class StalePlanError(Exception):
    """The register changed between the dry run and the import; nothing was written."""


PREVIEW_GONE = (
    "Förhandsgranskningen finns inte längre (den har gått ut eller ersatts av en nyare). "
    "Inget har importerats; ladda upp filen igen."
)
REGISTER_CHANGED = (
    "Registret har ändrats sedan förhandsgranskningen. Inget har importerats; granska den "
    "nya rapporten och bekräfta igen."
)


def stage_preview(request, session_key: str, plan, **stored) -> str:
    """Keep what a preview showed in the session (plain data, never a plan the browser posts
    back) under a fresh token, which the confirmation must bring. Returns the token."""
    token = uuid.uuid4().hex
    request.session[session_key] = {"token": token, "expected": len(plan.to_import), **stored}
    return token


def confirm_staged(request, *, session_key, upload_url, plan_again, report, run_import, done_url):
    """The confirmation of a staged import (twin towns, project lists): only of the preview
    this session made, and once; planned again against the register as it is now, and when
    that would import something else, the new report instead of an import.

    `plan_again(stored)` gives the plan, `report(plan, stored)` the report's response,
    `run_import(plan, stored)` imports and gives the success message."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponseRedirect

    if request.method != "POST":
        return HttpResponseRedirect(upload_url)
    stored = request.session.get(session_key)
    if not stored or stored.get("token") != request.POST.get("token"):
        messages.error(request, PREVIEW_GONE)
        return HttpResponseRedirect(upload_url)
    plan = plan_again(stored)
    if len(plan.to_import) != stored["expected"]:
        messages.warning(request, REGISTER_CHANGED)
        stored["expected"] = len(plan.to_import)
        request.session[session_key] = stored
        return report(plan, stored)
    try:
        message = run_import(plan, stored)
    except (StalePlanError, PermissionDenied) as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(upload_url)
    del request.session[session_key]
    messages.success(request, message)
    return HttpResponseRedirect(done_url)
