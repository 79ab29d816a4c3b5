"""What the bulk imports (twin towns, project lists) share: slugs for the rows they create
and INSERTs in batches with a history entry for each row."""

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
