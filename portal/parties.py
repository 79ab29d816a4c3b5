"""Swedish municipalities and regions taking part in another's partnership or project.

A partnership or project has one owning municipality or region (`municipality`, whose
coordinators edit it) and any number of other Swedish parties. A Swedish party is a
participant (`ProjectParticipant`) or party (`PartnershipParty`) whose organisation is a
Swedish municipality or region itself: an organisation in Sweden of kind kommun or region
that belongs to a municipality (`Organisation.municipality`). Its role, budget and years
are those of the participant row, like any partner's.

Each participant and party row carries, in `party_municipality`, the municipality it makes
the record shared with: the organisation's municipality when the organisation is a Swedish
party and that municipality is not the record's owner, else nothing. It is derived, kept by
`refresh_party_municipalities` whenever a row, its record's owner or its organisation
changes, and set by the imports that write rows in bulk (`party_municipality_id`); the
queries below read it through one index instead of joining organisations, which at 50 000
projects made the municipality list and the statistics several times slower.

A party named by a coordinator who does not coordinate that municipality waits for its
coordinators to confirm (`awaiting_confirmation`); until then the record is not on its
page, in its filter or in its figures. Everything that asks "what does this municipality
take part in" goes through `involving_q`, so pages, filters, statistics, downloads, the
API and the admin's scope agree.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, F, Model, OuterRef, Q, Subquery
from django.utils import timezone

from portal.countries import SWEDEN

#: Organisation kinds that, in Sweden and tied to a municipality, are that municipality.
SWEDISH_PARTY_KINDS = ("kommun", "region")


def swedish_party_q(prefix: str = "") -> Q:
    """Organisations that are a Swedish municipality or region taking part."""
    return Q(
        **{
            f"{prefix}country_id": SWEDEN,
            f"{prefix}kind__in": SWEDISH_PARTY_KINDS,
            f"{prefix}municipality__isnull": False,
        }
    )


def is_swedish_party(organisation) -> bool:
    return (
        organisation.country_id == SWEDEN
        and organisation.kind in SWEDISH_PARTY_KINDS
        and organisation.municipality_id is not None
    )


def party_municipality_id(organisation, owner_id):
    """What a row naming `organisation` in a record owned by `owner_id` shares it with."""
    if is_swedish_party(organisation) and organisation.municipality_id != owner_id:
        return organisation.municipality_id
    return None


def refresh_party_municipalities(rows, *, newly_shared_wait: bool = False) -> int:
    """Recompute `party_municipality` for a queryset of participant or party rows (after
    an organisation or a record's owner changed). A few UPDATEs whatever the number of rows.

    With `newly_shared_wait` (an organisation turned out to be, or to be another, Swedish
    municipality), a row that now shares its record with a municipality it did not before
    waits for that municipality's confirmation, as if the municipality had just been named."""
    # The organisations' model, as the rows name it (contacts stands above this module).
    Organisation = rows.model._meta.get_field("organisation").related_model
    record_field = "project" if hasattr(rows.model, "project_id") else "partnership"
    swedish = Organisation.objects.filter(swedish_party_q())
    shared = rows.filter(organisation__in=swedish).exclude(
        organisation__municipality=F(f"{record_field}__municipality")
    )
    cleared = rows.filter(party_municipality__isnull=False).exclude(pk__in=shared.values("pk"))
    count = cleared.update(party_municipality=None)
    if newly_shared_wait:
        shared.filter(
            Q(party_municipality__isnull=True)
            | ~Q(party_municipality=F("organisation__municipality"))
        ).update(awaiting_confirmation=True)
    count += shared.update(
        party_municipality=Subquery(
            swedish.filter(pk=OuterRef("organisation")).values("municipality")[:1]
        )
    )
    return count


def party_municipality_field():
    from django.db import models

    return models.ForeignKey(
        "portal.Municipality",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="delad med kommunen",
        help_text="Den svenska kommun eller region som raden gör posten gemensam med "
        "(härlett från organisationen och postens ägare).",
    )


def _lookup(municipalities) -> tuple[str, object]:
    """One municipality (instance or id) is compared with =, several (ids, a queryset)
    with IN. For an OuterRef, use `involvement_exists`."""
    if isinstance(municipalities, int | Model | F):
        return "", municipalities
    return "__in", municipalities


def confirmed_parties(through_model, municipalities, *, include_awaiting: bool = False):
    """The rows of `through_model` (ProjectParticipant or PartnershipParty) by which the
    municipalities take part, confirmed ones only unless `include_awaiting`."""
    suffix, value = _lookup(municipalities)
    rows = current_parties(through_model.objects.filter(**{f"party_municipality{suffix}": value}))
    return rows if include_awaiting else rows.filter(awaiting_confirmation=False)


def _has_years(model) -> bool:
    return any(field.name == "until_year" for field in model._meta.concrete_fields)


def current_parties(rows):
    """Party rows that have not ended: a party "till och med 2018" (Region Kronoberg's in
    the JB Marks partnership) no longer takes part."""
    if _has_years(rows.model):
        rows = rows.exclude(until_year__lt=timezone.localdate().year)
    return rows


def has_ended(row) -> bool:
    until = getattr(row, "until_year", None)
    return until is not None and until < timezone.localdate().year


def involving_q(
    through_model, record_field: str, municipalities, *, include_awaiting: bool = False
) -> Q:
    """Records owned by the municipalities, or that they take part in as Swedish parties:
    `pk IN (owned UNION taking part)`, so no row is repeated and each half uses its own
    index. (An OR of the two makes PostgreSQL scan every record and misjudge how many match.)"""
    suffix, value = _lookup(municipalities)
    record_model = through_model._meta.get_field(record_field).related_model
    owned = record_model._default_manager.filter(**{f"municipality{suffix}": value})
    parties = confirmed_parties(through_model, municipalities, include_awaiting=include_awaiting)
    return Q(pk__in=owned.order_by().values("pk").union(parties.order_by().values(record_field)))


def confirmed_municipality(row):
    """The municipality a participant or party row is, when it is a confirmed Swedish
    party (select_related organisation__municipality); None otherwise."""
    if row.awaiting_confirmation or not is_swedish_party(row.organisation):
        return None
    return row.organisation.municipality


def other_municipalities_among(rows: Iterable, owner_id) -> list:
    """The confirmed Swedish parties among `rows` other than the owner, once each, by name."""
    found = {}
    for row in rows:
        municipality = confirmed_municipality(row)
        if municipality is not None and municipality.pk != owner_id and not has_ended(row):
            found[municipality.pk] = municipality
    return sorted(found.values(), key=lambda municipality: municipality.short_name)


def swedish_parties_among(rows: Iterable) -> list:
    """The participant or party rows (prefetched, with organisations) that are Swedish
    municipalities or regions taking part."""
    return [row for row in rows if is_swedish_party(row.organisation)]


def involvement_exists(records, through_model, record_field: str, outer: str = "pk"):
    """For a query over municipalities: whether the municipality (`OuterRef(outer)`) owns
    one of `records` or takes part in one as a confirmed Swedish party. Two EXISTS, since
    an OuterRef inside the participants' IN subquery would refer to the records, not to
    the municipality."""
    owned = Exists(records.filter(municipality=OuterRef(outer)))
    taking_part = Exists(
        current_parties(
            through_model.objects.filter(
                awaiting_confirmation=False,
                party_municipality=OuterRef(outer),
                **{f"{record_field}__in": records.values("pk")},
            )
        )
    )
    return owned | taking_part


# --- What partnerships and projects, and their participant rows, share -------------------


class SharedRecordQuerySetMixin:
    """`published()` and `involving()` for a record with participant rows (`party_rows`,
    their related name: "parties", "project_participants")."""

    party_rows = ""

    def published(self):
        """Public: published, whether or not its municipality has written a page."""
        return self.filter(is_published=True)

    def involving(self, municipalities, *, include_awaiting: bool = False):
        """Owned by the municipalities or with them as confirmed Swedish parties."""
        relation = self.model._meta.get_field(self.party_rows)
        return self.filter(
            involving_q(
                relation.related_model,
                relation.field.name,
                municipalities,
                include_awaiting=include_awaiting,
            )
        )


class SharedRecordMixin:
    """For Partnership and Project: their Swedish parties, from prefetched rows, and the
    rows' shared municipality kept when the owner changes."""

    party_rows = ""

    def _party_rows(self):
        return getattr(self, self.party_rows).all()

    @property
    def swedish_parties(self) -> list:
        """The rows that are Swedish municipalities or regions."""
        return swedish_parties_among(self._party_rows())

    @property
    def other_municipalities(self) -> list:
        """The other Swedish municipalities and regions taking part, confirmed, by name."""
        return other_municipalities_among(self._party_rows(), self.municipality_id)

    def refresh_parties(self) -> None:
        """Its owner may have changed: which rows share it with another municipality."""
        refresh_party_municipalities(self._party_rows())

    @classmethod
    def from_db(cls, db, field_names, values):
        record = super().from_db(db, field_names, values)
        record._loaded_owner_id = record.__dict__.get("municipality_id", _UNKNOWN)
        return record

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._loaded_owner_id = self.__dict__.get("municipality_id", _UNKNOWN)

    def save(self, *args, **kwargs):
        """Saved with another owner than it was read with (or new): which rows share it
        with another municipality is worked out again (two UPDATEs); otherwise nothing
        about the rows has changed and they are left alone."""
        owner_changed = getattr(self, "_loaded_owner_id", _UNKNOWN) != self.municipality_id
        super().save(*args, **kwargs)
        if owner_changed:
            self.refresh_parties()
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "municipality" in update_fields:
            self._loaded_owner_id = self.municipality_id  # what the database now holds


#: The owner a record was read with, when it was not read (new, or the column deferred).
_UNKNOWN = object()


class PartyRowMixin:
    """For ProjectParticipant and PartnershipParty (`record_field`: "project",
    "partnership"): the shared municipality derived on every save."""

    record_field = ""

    def save(self, *args, **kwargs):
        self.derive_party_municipality()
        super().save(*args, **kwargs)

    def derive_party_municipality(self) -> None:
        """What save() sets: whom this row shares its record with (also for bulk_create)."""
        owner_id = getattr(self, self.record_field).municipality_id
        self.party_municipality_id = party_municipality_id(self.organisation, owner_id)

    @property
    def swedish_municipality(self):
        """The Swedish municipality or region this row is, once confirmed; else None."""
        return confirmed_municipality(self)
