"""What the bulk imports (twin towns, project lists) share: slugs for the rows they create,
INSERTs in batches with a history entry for each row, and the admin's two steps, a preview
kept in the session and its confirmation."""

import uuid

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
