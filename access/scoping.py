"""Row-level scope: which records a user may see and change.

A national editor (superuser or the group "Nationell redaktör") reaches every record. A
municipality coordinator reaches the records of the municipalities assigned to them
(CoordinatorAssignment): the municipality itself and what hangs from it; and sees, without
changing, the partnerships and projects of others that their municipalities take part in
(portal.parties). Shared records
(organisations, networks, reference data) are readable by every coordinator; a
coordinator may change an organisation or network they added, or an organisation that
belongs to their municipality.

Every admin path (change lists, forms, choices, autocomplete, inlines, actions, history,
import and export) goes through `visible`, `editable` and `can_edit`, so the rule lives
in querysets, not in templates.
"""

from django.apps import apps
from django.db import models
from django.db.models import Q

from access.roles import is_national_editor
from portal.parties import is_swedish_party

# The path from a model to the municipality that owns it.
OWNER_PATHS = {
    "portal.municipality": "pk",
    "portal.photo": "municipality",
    "portal.coordinatorassignment": "municipality",
    "contacts.contactcentre": "municipality",
    "partnerships.partnership": "municipality",
    "partnerships.partnershipparty": "partnership__municipality",
    "partnerships.exchangeprogramme": "partnership__municipality",
    "projects.project": "municipality",
    "projects.projectparticipant": "project__municipality",
    "projects.story": "municipality",
    "networks.membership": "municipality",
    "networks.membershiprole": "membership__municipality",
    # A request from abroad (no municipality) belongs to no coordinator: national editors only.
    "seeking.partnerrequest": "municipality",
    "seeking.soughtregion": "partner_request__municipality",
}

# Records other Swedish municipalities take part in (portal.parties): their coordinators
# see them, read-only, and so their parts; only the owner's coordinators change them.
# model → (the participant model, its field naming the record, the path to the record).
TAKEN_PART_IN = {
    "partnerships.partnership": ("partnerships.PartnershipParty", "partnership", "pk"),
    "partnerships.partnershipparty": (
        "partnerships.PartnershipParty",
        "partnership",
        "partnership",
    ),
    "partnerships.exchangeprogramme": (
        "partnerships.PartnershipParty",
        "partnership",
        "partnership",
    ),
    "projects.project": ("projects.ProjectParticipant", "project", "pk"),
    "projects.projectparticipant": ("projects.ProjectParticipant", "project", "project"),
}

# Shared records a coordinator may change when they added them (or, with a path, when
# they belong to the coordinator's municipality).
SHARED_EDITABLE = {
    "contacts.organisation": "municipality",
    "contacts.organisationname": "organisation__municipality",
    "networks.network": None,
}


def municipality_ids(user) -> frozenset[int]:
    """The municipalities a coordinator is assigned to (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if not hasattr(user, "_coordinated_municipality_ids"):
        user._coordinated_municipality_ids = frozenset(
            user.coordinator_assignments.order_by().values_list("municipality_id", flat=True)
        )
    return user._coordinated_municipality_ids


def _label(model) -> str:
    return model._meta.label_lower


def _owner_q(model, path: str, ids) -> Q:
    """Rows whose owner (at the end of path) is one of ids. A path through another table
    ("project__municipality") is a subquery on that table's own index ("project_id IN
    (the municipalities' projects)"), not a join of every row with it."""
    if path == "pk":
        return Q(pk__in=ids)
    first, _, rest = path.partition("__")
    if not rest:
        return Q(**{f"{path}__in": ids})
    related = model._meta.get_field(first).related_model
    owned = related._base_manager.filter(_owner_q(related, rest, ids)).values("pk")
    return Q(**{f"{first}__in": owned})


def _added_by_q(model, user) -> Q:
    """Rows whose first history entry is this user's."""
    historical = model.history.model
    return Q(
        pk__in=historical.objects.filter(history_type="+", history_user=user).values(
            model._meta.pk.attname
        )
    )


def _person_q(user, ids) -> Q:
    """People attached to the municipalities' pages, partnerships, projects or
    organisations, or added by the user. One small subquery per way of being attached,
    each on its own index, rather than one query joining all the contact tables."""
    person = apps.get_model("contacts", "Person")
    organisation = apps.get_model("contacts", "Organisation")
    attached = (
        person.municipalities.through.objects.filter(municipality__in=ids),
        person.partnerships.through.objects.filter(partnership__municipality__in=ids),
        person.projects.through.objects.filter(project__municipality__in=ids),
    )
    condition = Q(organisation__in=organisation.objects.filter(municipality__in=ids).values("pk"))
    for rows in attached:
        condition |= Q(pk__in=rows.values("person_id"))
    return condition | _added_by_q(person, user)


def is_scoped(model) -> bool:
    return _label(model) in OWNER_PATHS or _label(model) == "contacts.person"


def _taken_part_in_q(label: str, ids) -> Q:
    """Rows of records the municipalities take part in, confirmed or awaiting confirmation
    (their coordinators must see what they are asked to confirm)."""
    from portal.parties import confirmed_parties

    through, field, path = TAKEN_PART_IN[label]
    records = confirmed_parties(apps.get_model(through), ids, include_awaiting=True).values(field)
    return Q(**{f"{path}__in": records})


def _owned_or_taken_part_in_q(label: str, ids) -> Q:
    """Rows of records the municipalities own or take part in: `IN (owned UNION taking
    part)` (as portal.parties.involving_q), so that each half uses its own index; an OR
    of the two makes PostgreSQL read every record."""
    from portal.parties import confirmed_parties

    through, field, path = TAKEN_PART_IN[label]
    through_model = apps.get_model(through)
    record_model = through_model._meta.get_field(field).related_model
    owned = record_model._base_manager.filter(
        _owner_q(record_model, OWNER_PATHS[_label(record_model)], ids)
    )
    taking_part = confirmed_parties(through_model, ids, include_awaiting=True)
    records = owned.order_by().values("pk").union(taking_part.order_by().values(field))
    return Q(**{f"{path}__in": records})


def visible(queryset: models.QuerySet, user) -> models.QuerySet:
    """What the user may see."""
    if is_national_editor(user):
        return queryset
    label = _label(queryset.model)
    ids = municipality_ids(user)
    if label in TAKEN_PART_IN:
        return queryset.filter(_owned_or_taken_part_in_q(label, ids))
    if label in OWNER_PATHS:
        return queryset.filter(_owner_q(queryset.model, OWNER_PATHS[label], ids))
    if label == "contacts.person":
        return queryset.filter(_person_q(user, ids))
    return queryset  # shared reference data: readable by every coordinator


def editable(queryset: models.QuerySet, user) -> models.QuerySet:
    """What the user may change or delete."""
    if is_national_editor(user):
        return queryset
    label = _label(queryset.model)
    if label in SHARED_EDITABLE:
        path = SHARED_EDITABLE[label]
        condition = _added_by_q(queryset.model, user)
        if path:
            condition |= _owner_q(queryset.model, path, municipality_ids(user))
        return queryset.filter(condition)
    if label in OWNER_PATHS:
        return queryset.filter(_owner_q(queryset.model, OWNER_PATHS[label], municipality_ids(user)))
    return visible(queryset, user)


def owner_municipality_id(obj):
    """The id of the municipality that owns obj, following its owner path, or None."""
    path = OWNER_PATHS.get(_label(obj))
    if path is None:
        return None
    if path == "pk":
        return obj.pk
    *hops, last = path.split("__")
    target = obj
    for hop in hops:
        target = getattr(target, hop, None)
        if target is None:
            return None
    return getattr(target, f"{last}_id", None)


def _check(obj, user, narrow) -> bool:
    if is_national_editor(user):
        return True
    label = _label(obj)
    if label in OWNER_PATHS:
        # Follows the object's own values, so a historical version or a deleted record
        # is judged by the municipality it belonged to.
        if owner_municipality_id(obj) in municipality_ids(user):
            return True
        if narrow is visible and label in TAKEN_PART_IN and obj.pk is not None:
            taken_part_in = _taken_part_in_q(label, municipality_ids(user))
            return type(obj)._default_manager.filter(taken_part_in, pk=obj.pk).exists()
        return False
    if obj.pk is None:
        return True
    return narrow(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


def can_view(obj, user) -> bool:
    return _check(obj, user, visible)


def can_edit(obj, user) -> bool:
    return _check(obj, user, editable)


def needs_confirmation(organisation, *, owner_id, user) -> bool:
    """Whether a party row naming `organisation` waits for its municipality's word: it is
    another Swedish municipality or region than the record's owner, named by a user who
    neither coordinates it nor edits nationally (None: the command line, trusted)."""
    if user is None or is_national_editor(user) or not is_swedish_party(organisation):
        return False
    if organisation.municipality_id == owner_id:
        return False
    return organisation.municipality_id not in municipality_ids(user)


def ask_confirmation(row, user) -> None:
    """For a new party row (portal.parties.PartyRowMixin), or one naming another
    organisation: whether it waits for the named municipality's word (`needs_confirmation`).
    Every path that writes rows for a user calls it: the admin's forms and inlines and the
    spreadsheet import."""
    owner_id = getattr(row, row.record_field).municipality_id
    row.awaiting_confirmation = needs_confirmation(row.organisation, owner_id=owner_id, user=user)
