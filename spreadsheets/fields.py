"""Resource fields for relations written as a list in one cell.

Both kinds use a widget derived from django-import-export's ManyToManyWidget, so the
library saves them after the record itself (`Resource.save_m2m`). `differs` tells whether
a row would change the relation, so an unchanged row is skipped and leaves no history.

`export_texts` writes the cells of many records with one `values()` query, without
building a model instance per related row; the export reads the lists that way, chunk by
chunk (SpreadsheetResource.iter_queryset).

On a record the import has just created, the cell it wrote is kept on the record
(`remember_written`), so that the preview's diff shows it without reading the relation
back.

For records the import creates in bulk (SpreadsheetResource.create_in_bulk), `new_rows`
gives a cell's link or child rows, unsaved, for one bulk_create per relation.
"""

import functools
from collections import defaultdict

from django.db.models import Model
from import_export.fields import Field

from access.scoping import ask_confirmation
from portal.parties import PartyRowMixin


def remember_written(field, instance, cell: str) -> None:
    instance.__dict__.setdefault("_spreadsheet_written", {})[field.attribute] = cell


def written_cell(field, instance):
    """The cell the import wrote for a record (or, before it wrote, the record's cell as the
    import found it: SpreadsheetResource reads every list of the records a file names at
    once), or None."""
    cell = getattr(instance, "_spreadsheet_written", {}).get(field.attribute)
    if cell is None:
        cell = getattr(instance, "_spreadsheet_found", {}).get(field.attribute)
    return cell


def known_current(field, instance):
    """What the relation held when the import read the record (`current()`), or None."""
    return getattr(instance, "_spreadsheet_current", {}).get(field.attribute)


def forget_current(field, instance) -> None:
    """After a write to the relation: what was read of it is no longer what it holds."""
    getattr(instance, "_spreadsheet_current", {}).pop(field.attribute, None)
    getattr(instance, "_prefetched_objects_cache", {}).pop(field.attribute, None)


class ListField(Field):
    """A many-to-many relation as names: "Miljö; Kultur"."""

    def export(self, instance, **kwargs):
        cell = written_cell(self, instance)
        return cell if cell is not None else super().export(instance, **kwargs)

    def export_texts(self, model, ids) -> dict:
        """Record id → cell, for the records with these ids."""
        relation = model._meta.get_field(self.attribute)
        source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        key = self.widget.key
        rows = relation.remote_field.through.objects.filter(**{f"{source}_id__in": ids})
        labels = defaultdict(list)
        for record_id, label, fallback in rows.values_list(
            f"{source}_id", f"{target}__{key.label_field}", f"{target}__{key.fallback_field}"
        ):
            labels[record_id].append(key.label_from(label, fallback))
        return {record_id: self.widget.join(texts) for record_id, texts in labels.items()}

    def save(self, instance, row, is_m2m=False, **kwargs):
        """A record the import has just created has nothing to replace: its names are
        added (with the same m2m_changed signals as set()), and an empty cell writes
        nothing, without reading the relation first."""
        if is_m2m and not self.readonly and getattr(instance, "_spreadsheet_created", False):
            cleaned = self.clean(row, **kwargs)
            if cleaned:
                getattr(instance, self.attribute).add(*cleaned)
            remember_written(self, instance, self.written_cell(cleaned))
            return
        if is_m2m and not self.readonly and instance.pk is not None:
            cleaned = self.clean(row, **kwargs)
            if {obj.pk for obj in cleaned} != self.current_keys(instance):
                super().save(instance, row, is_m2m, **kwargs)  # set(): only what differs
                forget_current(self, instance)
            remember_written(self, instance, self.written_cell(cleaned))
            return
        super().save(instance, row, is_m2m, **kwargs)

    def current(self, instance) -> set:
        """The keys of the records the relation holds (from prefetched records, if any)."""
        return {obj.pk for obj in getattr(instance, self.attribute).all()}

    def current_keys(self, instance) -> set:
        """As `current()`, from what the import read with the record when it did."""
        known = known_current(self, instance)
        return self.current(instance) if known is None else known

    def written_cell(self, cleaned) -> str:
        """The cell as the export writes these related records."""
        key = self.widget.key
        return self.widget.join(key.label(obj) for obj in cleaned)

    def new_rows(self, instance, cleaned, user=None) -> list:
        """The link rows (unsaved) between a new `instance` and the cell's records."""
        relation = instance._meta.get_field(self.attribute)
        through = relation.remote_field.through
        source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        unique = {obj.pk: obj for obj in cleaned}
        return [through(**{source: instance, target: obj}) for obj in unique.values()]

    def differs(self, instance, row) -> bool:
        wanted = {obj.pk for obj in self.clean(row)}
        if instance.pk is None:
            return bool(wanted)
        return wanted != self.current_keys(instance)


class ChildListField(Field):
    """Child records (participants, parties, roles) as a list: "Tempe (Partner); …".

    Saving changes only the children that differ from the cell: a child the cell no
    longer names is deleted, a changed one updated, a new one created. What the cell does
    not show (a participant's note) is kept on the children that stay. Every write goes
    through `save()`/`delete()`, so the children's history records the import too.
    """

    def export(self, instance, **kwargs):
        cell = written_cell(self, instance)
        return cell if cell is not None else super().export(instance, **kwargs)

    def export_texts(self, model, ids) -> dict:
        """Record id → cell, for the records with these ids."""
        relation = model._meta.get_field(self.attribute)
        parent = f"{relation.field.name}_id"
        children = relation.related_model._default_manager.filter(**{f"{parent}__in": ids})
        grouped = defaultdict(list)
        for values in children.order_by().values(parent, *self.widget.export_values):
            grouped[values[parent]].append(values)
        return {record_id: self.widget.join(rows) for record_id, rows in grouped.items()}

    def _children(self, instance) -> list:
        if instance.pk is None or getattr(instance, "_spreadsheet_created", False):
            return []  # a record not saved yet, or just created by this import
        return list(getattr(instance, self.attribute).all())

    def current(self, instance) -> set:
        """The children as the cell compares them (from prefetched children, if any)."""
        return {self._compared(child) for child in self._children(instance)}

    def _compared(self, item) -> tuple:
        """A child's (or an item's) `widget.fields`, a related record by its key."""
        get = item.get if isinstance(item, dict) else functools.partial(getattr, item)
        values = (get(name) for name in self.widget.fields)
        return tuple(value.pk if isinstance(value, Model) else value for value in values)

    def differs(self, instance, row) -> bool:
        wanted = {self._compared(item) for item in self.clean(row)}
        known = known_current(self, instance)
        return wanted != (self.current(instance) if known is None else known)

    def save(self, instance, row, is_m2m=False, **kwargs):
        if self.readonly or not is_m2m:
            return
        key, *values = self.widget.fields
        wanted = {item[key]: item for item in self.clean(row)}
        if {self._compared(item) for item in wanted.values()} == known_current(self, instance):
            # As the import read them: nothing to write, and no children to read again.
            remember_written(self, instance, self.written_cell(wanted.values()))
            return
        current = {getattr(child, key): child for child in self._children(instance)}

        written = False
        for name, child in current.items():
            if name not in wanted:
                child.delete()
                written = True
        changed = [
            (current[name], item)
            for name, item in wanted.items()
            if name in current and any(getattr(current[name], v) != item[v] for v in values)
        ]
        # A role only one child may hold (a lead partner) moves in two steps: the old
        # holder gives it up before the new one takes it.
        single_roles = getattr(self.widget, "single_roles", ())
        changed.sort(key=lambda pair: pair[1].get("role") in single_roles)
        for child, item in changed:
            for name in values:
                setattr(child, name, item[name])
            child.save()
            written = True
        for name, item in wanted.items():
            if name not in current:
                self.new_child(instance, item, kwargs.get("user")).save()
                written = True
        if written:
            forget_current(self, instance)
        remember_written(self, instance, self.written_cell(wanted.values()))

    def new_child(self, instance, item: dict, user):
        """A child of `instance` (unsaved) from one item of the cell."""
        relation = instance._meta.get_field(self.attribute)
        child = relation.related_model(**item, **{relation.field.name: instance})
        if isinstance(child, PartyRowMixin):
            # A Swedish municipality named by someone who does not coordinate it waits
            # for its word (portal.parties), as in the admin's forms.
            ask_confirmation(child, user)
        return child

    def written_cell(self, cleaned) -> str:
        """The cell as the export writes these children."""
        return self.widget.join([self.export_values(item) for item in cleaned])

    def new_rows(self, instance, cleaned, user=None) -> list:
        """The children (unsaved) of a new `instance`, one per record the cell names; a
        party row with the municipality it shares the record with, as its save() sets."""
        key = self.widget.fields[0]
        children = [
            self.new_child(instance, item, user)
            for item in {item[key]: item for item in cleaned}.values()
        ]
        for child in children:
            if hasattr(child, "derive_party_municipality"):
                child.derive_party_municipality()
        return children

    def export_values(self, item: dict) -> dict:
        """A child's `export_values` ("organisation__name" …) read from its item."""
        values = {}
        for lookup in self.widget.export_values:
            first, *rest = lookup.split("__")
            value = item.get(first)
            for part in rest:
                value = None if value is None else getattr(value, part)
            values[lookup] = value
        return values
