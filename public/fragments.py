"""Public pages assembled from cached fragments, each keyed by the version of what it shows.

The whole-page cache (operations/page_cache.py) keeps a page until anything at all changes. The
fragments here are finer: a municipality's page, a project's or a partnership's row in a
list, and a list's surroundings for one filter combination (its form, count, pagination and
the keys of its rows) each carry a version of their own, kept in the "versions" cache
beside the page cache's content version. A save, delete or many-to-many change moves on
only the versions of what it shows on (`touched`): an edited project moves the project's
own version and the versions of every municipality whose page lists it (its owner, its
Swedish parties, the parties of its partnership), so the next request renders those again
and reuses everything else. A change this module cannot place (a country, a theme, an
organisation, whose names are printed everywhere) moves `EVERYTHING`, which is part of
every key, as does `operations.page_cache.everything_changed`, sent by the bulk imports (`bulk()`).

Versions are moved twice: at once, and again when the transaction commits, so a fragment
rendered in between from the data before the commit is never found under the version that
holds after it. A version that is missing (a new record, a cleared cache) starts anew, so a
lost version can only cost a render, never show an old fragment. Keys also hold today's
date, for what is derived from it (a status, whether a partner request is still current).

When a cache does not answer, pages are rendered from the database and the fault logged,
as with the page cache. PUBLIC_FRAGMENT_CACHE_SECONDS=0 turns the fragments off.
"""

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from operations import page_cache
from operations.page_cache import in_bulk

logger = logging.getLogger(__name__)

#: Part of every key: moved by changes that may show anywhere (reference data, names).
EVERYTHING = "fragments:everything"
#: Part of every list's key: moved by changes that may change which records a list holds,
#: its count or its filter form.
LISTS = "fragments:lists"


class UnculledFileBasedCache(FileBasedCache):
    """Without Redis, the versions live in a folder every process of the machine reads. A
    version is a few bytes, one per record shown; Django's culling would list the whole
    folder on every write and drop random versions (the page cache's among them)."""

    def _cull(self):
        pass


def enabled() -> bool:
    return settings.PUBLIC_FRAGMENT_CACHE_SECONDS > 0


def fragment_cache():
    return caches["fragments"]


def version_key(kind: str, pk) -> str:
    return f"fragments:{kind}:{pk}"


def municipality_key(pk) -> str:
    return version_key("municipality", pk)


def new_version() -> str:
    return f"{time.time_ns():x}{secrets.token_hex(4)}"


def versions_of(keys: list[str]) -> dict[str, str]:
    """Each key's version; a missing one starts anew (and another process's wins)."""
    versions = caches["versions"]
    found = versions.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        fresh = {key: new_version() for key in missing}
        for key, value in fresh.items():
            versions.add(key, value, timeout=None)
        found.update(versions.get_many(missing))
        for key in missing:
            found.setdefault(key, fresh[key])
    return found


def move(keys) -> None:
    """New versions for `keys`, now and again when the transaction commits."""
    keys = sorted(set(keys))
    if not keys:
        return

    def set_new() -> None:
        try:
            value = new_version()
            caches["versions"].set_many(dict.fromkeys(keys, value), timeout=None)
        except Exception:
            logger.exception("The fragment cache could not be told that content changed.")

    set_new()
    transaction.on_commit(set_new)


def everything_changed() -> None:
    move([EVERYTHING])


def _everything_receiver(**kwargs) -> None:
    """operations.page_cache.everything_changed: a bulk import or the fixture loader."""
    everything_changed()


def _prefix(versions: dict) -> str:
    return f"fragments:{versions[EVERYTHING]}:{timezone.localdate().isoformat()}"


def _address(request) -> str:
    # Pages write absolute addresses (canonical, structured data): per scheme and host.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return hashlib.sha256(address.encode()).hexdigest()


def cached_record_page(request, kind: str, slug: str, find, render) -> HttpResponse:
    """The page of the record of `kind` (e.g. "municipality") at `slug`, kept under the
    record's version: `find()` gives the record or raises Http404 (the page's own query),
    `render(record)` the response. Which record a slug names is kept too (a slug changes
    only with EVERYTHING), so a repeat request costs cache reads and no query."""
    if not enabled():
        return render(find())
    try:
        prefix = _prefix(versions_of([EVERYTHING]))
        slug_key = f"{prefix}:slug:{kind}:{slug}"
        pk = fragment_cache().get(slug_key)
    except Exception:
        logger.exception("The fragment cache does not answer; rendering from the database.")
        return render(find())
    record = None
    if pk is None:
        record = find()
        pk = record.pk
        try:
            fragment_cache().set(slug_key, pk, settings.PUBLIC_FRAGMENT_CACHE_SECONDS)
        except Exception:
            logger.exception("The fragment cache could not store %s.", request.path)
    try:
        record_key = version_key(kind, pk)
        version = versions_of([record_key])[record_key]
        key = f"{prefix}:page:{kind}:{pk}:{version}:{_address(request)}"
        content = fragment_cache().get(key)
    except Exception:
        logger.exception("The fragment cache does not answer; rendering from the database.")
        return render(record or find())
    if content is not None:
        return HttpResponse(content)
    response = render(record or find())
    if response.status_code == 200 and not response.streaming:
        try:
            fragment_cache().set(key, response.content, settings.PUBLIC_FRAGMENT_CACHE_SECONDS)
        except Exception:
            logger.exception("The fragment cache could not store %s.", request.path)
    return response


def list_key(request) -> str:
    """The key of a list's surroundings for this filter combination and page: moved by any
    change that may change which records the list holds."""
    versions = versions_of([EVERYTHING, LISTS])
    return f"{_prefix(versions)}:list:{versions[LISTS]}:{_address(request)}"


def rows(kind: str, keys: list, objects: dict, load, render) -> list[str]:
    """The rendered rows of the records `keys` (of `kind`, e.g. "project"), in that order:
    each from the cache under its record's version, or rendered by `render(record)` from
    `objects` (pk: record) or, for those not there, from `load(missing keys)`."""
    found, cache_keys = None, {}
    if enabled() and keys:
        try:
            record_keys = {pk: version_key(kind, pk) for pk in keys}
            versions = versions_of([EVERYTHING, *record_keys.values()])
            prefix = _prefix(versions)
            cache_keys = {
                pk: f"{prefix}:row:{kind}:{pk}:{versions[record_keys[pk]]}" for pk in keys
            }
            found = fragment_cache().get_many(list(cache_keys.values()))
        except Exception:
            logger.exception("The fragment cache does not answer; rendering rows anew.")
            found = None
    cached = {pk: found[cache_keys[pk]] for pk in keys if found and cache_keys[pk] in found}
    missing = [pk for pk in keys if pk not in cached]
    absent = [pk for pk in missing if pk not in objects]
    if absent:
        objects = {**objects, **load(absent)}
    rendered = {pk: render(objects[pk]) for pk in missing if pk in objects}
    if found is not None and rendered:
        try:
            fragment_cache().set_many(
                {cache_keys[pk]: html for pk, html in rendered.items()},
                settings.PUBLIC_FRAGMENT_CACHE_SECONDS,
            )
        except Exception:
            logger.exception("The fragment cache could not store %s rows.", kind)
    return [cached.get(pk) or rendered[pk] for pk in keys if pk in cached or pk in rendered]


# What a change touches ------------------------------------------------------------------


@dataclass
class Touched:
    municipalities: set = field(default_factory=set)
    records: set = field(default_factory=set)
    lists: bool = False
    everything: bool = False

    def add(self, other: "Touched") -> "Touched":
        self.municipalities |= other.municipalities
        self.records |= other.records
        self.lists |= other.lists
        self.everything |= other.everything
        return self

    def keys(self) -> list[str]:
        if self.everything:
            return [EVERYTHING]
        keys = [municipality_key(pk) for pk in self.municipalities if pk is not None]
        keys += sorted(self.records)
        if self.lists:
            keys.append(LISTS)
        return keys


def _party_municipalities(model, record_field: str, pk) -> set:
    if pk is None:
        return set()
    return set(
        model.objects.filter(**{record_field: pk}, party_municipality__isnull=False)
        .values_list("party_municipality", flat=True)
        .distinct()
    )


def partnership_touched(pk, *, owner=None) -> Touched:
    """A partnership shows on its owner's and its Swedish parties' pages; the one that
    replaced it names it on its own."""
    from partnerships.models import Partnership, PartnershipParty

    touched = Touched(lists=True)
    if pk is None:
        return touched
    row = Partnership.objects.filter(pk=pk).values("municipality", "replaced_by").first()
    if row:
        touched.municipalities.add(row["municipality"])
        if row["replaced_by"]:
            touched.add(partnership_touched(row["replaced_by"]))
    touched.municipalities.add(owner)
    touched.municipalities |= _party_municipalities(PartnershipParty, "partnership", pk)
    touched.records.add(version_key("partnership", pk))
    return touched


def project_touched(pk) -> Touched:
    """A project shows on its owner's and its Swedish parties' pages, and under its
    partnership on that partnership's pages."""
    from projects.models import Project, ProjectParticipant

    touched = Touched(lists=True)
    if pk is None:
        return touched
    touched.records.add(version_key("project", pk))
    row = Project.objects.filter(pk=pk).values("municipality", "partnership").first()
    if row:
        touched.municipalities.add(row["municipality"])
        if row["partnership"]:
            touched.add(partnership_touched(row["partnership"]))
    touched.municipalities |= _party_municipalities(ProjectParticipant, "project", pk)
    return touched


def person_touched(pk) -> Touched:
    """A contact person shows on the pages of the municipalities they are a contact of,
    and under the (municipal) partnerships they are a contact of."""
    from partnerships.models import Partnership
    from portal.models import Municipality

    touched = Touched()
    touched.municipalities |= set(
        Municipality.contacts.through.objects.filter(person=pk).values_list(
            "municipality", flat=True
        )
    )
    for partnership in Partnership.contacts.through.objects.filter(person=pk).values_list(
        "partnership", flat=True
    ):
        touched.add(partnership_touched(partnership))
    touched.lists = False
    return touched


def _membership_municipalities(**lookup) -> set:
    from networks.models import Membership

    return set(Membership.objects.filter(**lookup).values_list("municipality", flat=True))


def _partner_request_municipalities(pk) -> set:
    from seeking.models import PartnerRequest

    return set(
        PartnerRequest.objects.filter(pk=pk, municipality__isnull=False).values_list(
            "municipality", flat=True
        )
    )


#: Fields of a municipality that other pages print or filter by (its names in lists and
#: on its partners' pages, whether it has a page): a change of one moves EVERYTHING.
MUNICIPALITY_SHARED_FIELDS = (
    "slug",
    "name",
    "display_name",
    "short_name",
    "kind",
    "county_id",
    "is_published",
)


def _municipality_touched(instance, phase: str) -> Touched:
    """Its own page; every page when a name or its publication changed (before_save
    compares) or it is deleted."""
    if phase != "before" and (
        phase == "delete" or getattr(instance, "_fragments_shared_changed", True)
    ):
        return Touched(everything=True)
    return Touched(municipalities={instance.pk})


def touched(instance, phase: str) -> Touched:
    """What a saved or deleted `instance` shows on; phase "before" (pre_save, pre_delete:
    where it was) or "after"/"delete" (post_save, post_delete: where it is now)."""
    label = instance._meta.label
    if label in IGNORED:
        return Touched()
    if label == "portal.Municipality":
        return _municipality_touched(instance, phase)
    if label == "projects.Project":
        result = project_touched(instance.pk)
        result.municipalities.add(instance.municipality_id)
        if instance.partnership_id:
            result.add(partnership_touched(instance.partnership_id))
        return result
    if label == "projects.ProjectParticipant":
        result = project_touched(instance.project_id)
        result.municipalities.add(instance.party_municipality_id)
        return result
    if label == "projects.ProjectFacet":
        return Touched(lists=True)
    if label == "partnerships.Partnership":
        result = partnership_touched(instance.pk, owner=instance.municipality_id)
        if instance.replaced_by_id:
            result.add(partnership_touched(instance.replaced_by_id))
        return result
    if label == "partnerships.PartnershipParty":
        result = partnership_touched(instance.partnership_id)
        result.municipalities.add(instance.party_municipality_id)
        return result
    if label == "partnerships.ExchangeProgramme":
        return partnership_touched(instance.partnership_id)
    if label in ("projects.Story", "networks.Membership", "contacts.ContactCentre"):
        return Touched(municipalities={instance.municipality_id})
    if label == "networks.MembershipRole":
        return Touched(municipalities=_membership_municipalities(pk=instance.membership_id))
    if label == "networks.Network":
        return Touched(municipalities=_membership_municipalities(network=instance.pk))
    if label == "seeking.PartnerRequest":
        return Touched(municipalities={instance.municipality_id})
    if label == "seeking.SoughtRegion":
        return Touched(municipalities=_partner_request_municipalities(instance.partner_request_id))
    if label == "contacts.Person":
        return person_touched(instance.pk)
    # Reference data and organisations: their names are printed on pages of every kind.
    return Touched(everything=True)


#: Models no public page shows.
IGNORED = {"portal.CoordinatorAssignment"}


def _related_touched(instance) -> Touched:
    """What a many-to-many change shows on, from one of its two sides: the records that
    list the other side (a project's themes), not the other side's own pages."""
    label = instance._meta.label
    if label == "portal.Municipality":
        return Touched(municipalities={instance.pk})
    if label == "projects.Project":
        return project_touched(instance.pk)
    if label == "partnerships.Partnership":
        return partnership_touched(instance.pk)
    if label == "seeking.PartnerRequest":
        return Touched(municipalities={instance.municipality_id})
    if label in RELATED_ONLY:
        return Touched()
    return Touched(everything=True)


#: Records whose own pages are not kept as fragments: a link to one of them changes the
#: pages of the other side only.
RELATED_ONLY = {
    "contacts.Person",
    "contacts.Organisation",
    "portal.Country",
    "portal.Theme",
    "portal.FundingSource",
}


def _apply(result: Touched) -> None:
    keys = result.keys()
    if keys:
        move(keys)


def _stored(instance):
    """The row as the database holds it before this change (None for a new one)."""
    if instance._state.adding or instance.pk is None:
        return None
    return type(instance)._base_manager.filter(pk=instance.pk).first()


def _ours(model) -> bool:
    return model._meta.app_label in OUR_APP_LABELS and not hasattr(model, "instance_type")


def before_save(sender, instance, raw=False, **kwargs) -> None:
    """Where the record showed before the save (an old owner, an old party)."""
    if raw or not _ours(sender):
        return

    def find() -> Touched:
        stored = _stored(instance)
        if stored is None:
            return Touched()
        if sender._meta.label == "portal.Municipality":
            instance._fragments_shared_changed = any(
                getattr(stored, name) != getattr(instance, name)
                for name in MUNICIPALITY_SHARED_FIELDS
            )
            return Touched(municipalities={instance.pk})
        return touched(stored, "after")

    _guarded(find)


def after_save(sender, instance, raw=False, created=False, **kwargs) -> None:
    if not _ours(sender):
        return
    if raw:  # fixtures: related rows may not be there yet
        if not in_bulk():
            everything_changed()
        return
    if created and sender._meta.label == "portal.Municipality":
        instance._fragments_shared_changed = True
    _guarded(lambda: touched(instance, "after"))


def before_delete(sender, instance, **kwargs) -> None:
    if _ours(sender):
        _guarded(lambda: touched(instance, "before"))


def after_delete(sender, instance, **kwargs) -> None:
    if _ours(sender):
        _guarded(lambda: touched(instance, "delete"))


def relation_changed(sender, instance, action, model, pk_set, **kwargs) -> None:
    if not _ours(sender):
        return

    def find() -> Touched:
        result = _related_touched(instance)
        if pk_set:
            for related in model._base_manager.filter(pk__in=pk_set):
                result.add(_related_touched(related))
        result.lists = result.lists or not sender._meta.label.endswith("_contacts")
        return result

    _guarded(find)


def _guarded(find) -> None:
    """Move what `find()` says; if finding fails, everything (never a stale fragment).
    Also with the fragments turned off, so that turning them on finds no old ones."""
    if in_bulk():
        return
    try:
        result = find()
    except Exception:
        logger.exception("Could not tell which fragments a change touches; renewing all.")
        result = Touched(everything=True)
    _apply(result)


OUR_APP_LABELS: set[str] = set()


def connect(app_configs) -> None:
    """Connect the receivers to every model of the portal's apps (portal/apps.py)."""
    from django.db.models.signals import (
        m2m_changed,
        post_delete,
        post_save,
        pre_delete,
        pre_save,
    )

    for app_config in app_configs:
        OUR_APP_LABELS.add(app_config.label)
        for model in app_config.get_models():
            uid = f"fragments-{model._meta.label}"
            pre_save.connect(before_save, sender=model, dispatch_uid=f"{uid}-pre-save")
            post_save.connect(after_save, sender=model, dispatch_uid=f"{uid}-save")
            pre_delete.connect(before_delete, sender=model, dispatch_uid=f"{uid}-pre-delete")
            post_delete.connect(after_delete, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(relation_changed, dispatch_uid="fragments-m2m")
    page_cache.everything_changed.connect(
        _everything_receiver, weak=False, dispatch_uid="fragments-everything"
    )
