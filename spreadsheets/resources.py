"""The base of the portal's import and export resources.

A `SpreadsheetResource` is a django-import-export ModelResource with

- Swedish column headers, matched on import without regard to case or spaces, and a
  clear message for a missing or unknown column;
- the user's scope enforced row by row on import: django-import-export does not scope
  imports by the ModelAdmin, so a row may only create or change a record of one of the
  user's municipalities (access.scoping), and never touch an existing record outside
  them;
- one error list per row, keyed by column, in Swedish;
- duplicate rows (the same ID twice in a file) refused;
- unchanged rows skipped, so importing an export changes nothing and writes no history;
- the records a file names read with one query, and, where a resource asks for it
  (`create_in_bulk`), new records written together after the last row;
- a fast export path (`export_rows`) that streams rows from the queryset in chunks, each
  chunk's list cells (themes, participants …) read with one query per list, and formula
  escaping on every exported cell (spreadsheets.formats.escape_formula).

Apps subclass it with their fields; see projects/resources.py.
"""

from collections import defaultdict
from itertools import islice
from operator import attrgetter

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.encoding import force_str
from django.utils.safestring import mark_safe
from django.utils.text import capfirst, slugify
from import_export import resources
from import_export.fields import Field
from import_export.instance_loaders import ModelInstanceLoader
from import_export.resources import Diff
from simple_history.models import HistoricalRecords

from access.roles import is_national_editor
from access.scoping import can_edit, can_view, is_scoped, municipality_ids
from operations.page_cache import content_changed
from portal.formatting import DatePrecision
from spreadsheets.bulk_import import copy_into_history, copy_links_into_history
from spreadsheets.fields import ChildListField, ListField, remember_written
from spreadsheets.formats import (
    FORMULA_STARTS,
    SpreadsheetFileError,
    escape_formula,
    unescape_formula,
)
from spreadsheets.widgets import (
    ChoiceWidget,
    DateCellWidget,
    IntegerCellWidget,
    is_blank,
    quoted,
)

EXPORT_CHUNK_SIZE = 2000
#: Rows per INSERT when an import writes records together (create_records).
BULK_BATCH_SIZE = 500


def normalise_header(header) -> str:
    return " ".join(str(header or "").split()).casefold()


#: The history entry of a record written by a spreadsheet import.
CHANGE_REASON = "Kalkylbladsimport"


class TolerantInstanceLoader(ModelInstanceLoader):
    """Finds the existing record a row is about. A key cell that cannot be read (an
    unknown municipality) means "no record"; the field itself then reports the error,
    beside its column.

    With one ID column, the records the whole file names are read with one query at the
    first row, rather than one query a row; a record named again (a duplicate row, which
    the resource refuses) is read anew, so that no two rows share an instance."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self._found = None
        self._handed_out = set()

    def get_instance(self, row):
        fields = self.resource.fields
        id_fields = self.resource.get_import_id_fields()
        if any(is_blank(row.get(fields[name].column_name)) for name in id_fields):
            return None  # a row without an ID is a new record: nothing to look up
        try:
            if len(id_fields) != 1 or self.dataset is None:
                return super().get_instance(row)
            key = fields[id_fields[0]].clean(row)
            if key in self._handed_out:
                return super().get_instance(row)
            self._handed_out.add(key)
            return self.found().get(key)
        except ValueError:
            return None

    def found(self) -> dict:
        """ID → record, for every ID in the file."""
        if self._found is None:
            field = self.resource.fields[self.resource.get_import_id_fields()[0]]
            keys = set()
            for row in self.dataset.dict:
                try:
                    keys.add(field.clean(row))
                except ValueError:
                    continue
            records = self.get_queryset().filter(**{f"{field.attribute}__in": keys})
            records = records.select_related(*self.resource.found_relation_fields)
            records = records.prefetch_related(*self.resource.list_prefetches())
            self._found = {}
            list_fields = self.resource.list_fields()
            for record in records:
                # Each list as plain values: as the export writes it (the preview's "before")
                # and as the rows compare it (whether a row changes it). The prefetched rows
                # themselves go: the library copies each record deeply, and with them it
                # would copy the whole graph of related objects.
                record._spreadsheet_found = {f.attribute: f.export(record) for f in list_fields}
                record._spreadsheet_current = {f.attribute: f.current(record) for f in list_fields}
                record._prefetched_objects_cache = {}
                self._found[getattr(record, field.attribute)] = record
        return self._found


def _diff_text(value) -> str:
    """A value as diff_match_patch's diff_prettyHtml escapes it."""
    return (
        force_str(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", "&para;<br>")
    )


class _Diff(Diff):
    """The library's Diff with the same HTML, without diff_match_patch where there is
    nothing to compare: a value unchanged, or a new record's (all of it inserted); an
    empty value is shown empty."""

    def as_html(self):
        # An empty cell is empty, not the word "None" (the library's force_str(None)).
        self.left = ["" if value is None else value for value in self.left]
        self.right = ["" if value is None else value for value in self.right]
        html, changed = [], []
        # As the library, up to the shorter list.
        for index, (left, right) in enumerate(zip(self.left, self.right, strict=False)):
            left, right = force_str("" if left != right and self.new else left), force_str(right)
            if left == right:
                html.append(mark_safe(f"<span>{_diff_text(right)}</span>" if right else ""))
            elif not left:
                html.append(
                    mark_safe(f'<ins style="background:#e6ffe6;">{_diff_text(right)}</ins>')
                )
            else:
                html.append(None)
                changed.append(index)
        if changed:
            full = super().as_html()
            for index in changed:
                html[index] = full[index]
        return html


class _NoDiff:
    """The library's Diff, for an import nobody sees the differences of."""

    def __init__(self, resource, instance, new):
        pass

    def compare_with(self, resource, instance):
        pass

    def as_html(self):
        return []


class SpreadsheetResource(resources.ModelResource):
    #: The field naming the municipality that owns a record; None for shared records.
    owner_field: str | None = "municipality"
    #: The field a new record's ID (slug) is made from when the ID cell is empty.
    slug_source: str | None = None
    #: Columns an import file must have besides the ID columns (resource field names).
    required_fields: tuple[str, ...] = ()
    #: Foreign keys whose record the widget has just found in the table (NaturalKey reads
    #: it once per import) and that take part in no constraint or unique rule of the
    #: model: full_clean leaves them out when they are set, which skips only its query
    #: asking whether that record exists (the database's foreign key still holds).
    found_relation_fields: tuple[str, ...] = ()
    #: What the error says when a row names an existing record outside the user's scope.
    refused_message = (
        "Det finns redan en post med detta ID, och den hör inte till dina kommuner. "
        "Ge raden ett annat ID."
    )

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_bulk = False  # every row through save(), so history records it
        import_id_fields = ["slug"]
        instance_loader_class = TolerantInstanceLoader
        chunk_size = EXPORT_CHUNK_SIZE

    @property
    def create_in_bulk(self) -> bool:
        """With Meta.use_bulk, rows that create a record are written together after the
        last row, a few INSERTs per table in batches (the records, their lists, their
        history; `create_records`), and the preview, rolled back anyway, writes none of
        them. A row that changes a record still saves it at once (save_instance), but
        without a savepoint of its own: a failed write fails the import, all or nothing.
        Only for a model whose save() does nothing on creation that
        `after_create_records` does not do."""
        return self._meta.use_bulk

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._exporters = {}
        self._seen_keys = {}
        self._taken_slugs = None
        self._created = []
        self._changed = []
        self._dry_run = False
        self._import_fields = None

    @classmethod
    def get_display_name(cls):
        return capfirst(str(cls._meta.model._meta.verbose_name_plural))

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        """The library's save_m2m passes no user; the child lists need it (a party named
        by someone who does not coordinate it waits for confirmation)."""
        if is_m2m and isinstance(field, ChildListField):
            kwargs.setdefault("user", self.user)
        super().import_field(field, instance, row, is_m2m, **kwargs)

    # Headers

    def column_names(self) -> list[str]:
        return [field.column_name for field in self.get_import_fields()]

    def required_columns(self) -> list[str]:
        names = [*self.get_import_id_fields(), *self.required_fields]
        return [self.fields[name].column_name for name in dict.fromkeys(names)]

    def header_errors(self, headers) -> list[str]:
        """What is wrong with a file's header row, in Swedish; empty when it is fine."""
        known = {normalise_header(name): name for name in self.column_names()}
        seen, errors = set(), []
        for header in headers:
            key = normalise_header(header)
            if key not in known:
                errors.append(f"Okänd kolumn ”{header}”.")
            elif key in seen:
                errors.append(f"Kolumnen ”{known[key]}” står mer än en gång.")
            seen.add(key)
        missing = [name for name in self.required_columns() if normalise_header(name) not in seen]
        if missing:
            names = ", ".join(f"”{name}”" for name in missing)
            errors.append(f"Kolumner som saknas: {names}.")
        if errors:
            errors.append(
                "Första raden ska ha kolumnrubrikerna från en export: "
                + ", ".join(self.column_names())
                + "."
            )
        return errors

    def before_import(self, dataset, **kwargs):
        if self.user is None:
            self.user = kwargs.get("user")
        if self.user is None:
            raise ValueError("An import needs the importing user, for the scope check.")
        errors = self.header_errors(dataset.headers or [])
        if errors:
            raise SpreadsheetFileError(" ".join(errors))
        known = {normalise_header(name): name for name in self.column_names()}
        headers = [known[normalise_header(header)] for header in dataset.headers]
        rows = [tuple(unescape_formula(value) for value in row) for row in dataset]
        dataset.wipe()
        dataset.headers = headers
        dataset.extend(rows)
        self._seen_keys = {}

    # Rows

    def get_queryset(self):
        # Every record, not only the user's: a row about another municipality's record
        # must be recognised (and refused), not taken for a new one.
        return self._meta.model._default_manager.all()

    def get_import_fields(self):
        # Asked for several times a row; a resource's fields do not change once made.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def list_prefetches(self) -> list:
        """The list fields' relations, to read with the records a file names: each child
        with the records its cell names (a participant's organisation)."""
        model = self._meta.model
        prefetches = []
        for field in self.list_fields():
            if isinstance(field, ChildListField):
                child_model = model._meta.get_field(field.attribute).related_model
                related = [
                    name
                    for name in field.widget.fields
                    if child_model._meta.get_field(name).is_relation
                ]
                children = child_model._default_manager.select_related(*related)
                prefetches.append(Prefetch(field.attribute, queryset=children))
            else:
                prefetches.append(field.attribute)
        return prefetches

    def list_fields(self):
        return [
            field
            for field in self.get_import_fields()
            if isinstance(field, ListField | ChildListField) and not field.readonly
        ]

    def import_key(self, instance):
        """What identifies the record within one file; None when the row has no ID."""
        return instance.slug or None

    def id_field_name(self) -> str:
        return self.fields[self.get_import_id_fields()[0]].attribute

    def sees_only_some(self) -> bool:
        """Whether the user sees only some of the records (a coordinator)."""
        return not is_national_editor(self.user) and is_scoped(self._meta.model)

    def unknown_id_message(self, row) -> str:
        field = self.fields[self.get_import_id_fields()[0]]
        label = self._meta.model._meta.get_field(self.slug_source).verbose_name
        return (
            f"Hittar ingen av dina poster med ID {quoted(row.get(field.column_name))}. En ny "
            f"post får sitt ID av sitt {label}: lämna ID tomt på rader med nya poster."
        )

    def scope_error(self, instance) -> str | None:
        """Why the user may not save this record, or None."""
        if self.owner_field is None or is_national_editor(self.user):
            return None
        owner_id = getattr(instance, f"{self.owner_field}_id")
        if owner_id is None or owner_id in municipality_ids(self.user):
            return None
        owner = getattr(instance, self.owner_field)
        return (
            f"Du kan bara importera rader för de kommuner du samordnar; {owner.name} är "
            "inte en av dem."
        )

    def import_instance(self, instance, row, **kwargs):
        # The history says where the change came from, as the twin-town import's does.
        instance._change_reason = CHANGE_REASON
        opts = self._meta.model._meta
        if instance.pk is not None:
            if not can_edit(instance, self.user):
                instance._spreadsheet_refused = True
                if self.slug_source and not can_view(instance, self.user):
                    # Said as of an ID in use by no one: whether another municipality's
                    # draft has this ID is none of the user's business.
                    raise ValidationError({self.id_field_name(): self.unknown_id_message(row)})
                raise ValidationError({self.id_field_name(): self.refused_message})
            if not self.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
                instance._spreadsheet_refused = True
                raise ValidationError(
                    {self.id_field_name(): "Du får lägga till men inte ändra poster."}
                )

        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        cleaned_lists = instance.__dict__.setdefault("_spreadsheet_cleaned", {})
        for field in self.list_fields():
            if field.column_name in row:
                try:
                    cleaned_lists[field] = field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]

        if self.owner_field and self.owner_field not in errors:
            problem = self.scope_error(instance)
            if problem:
                errors[self.owner_field] = [problem]

        if (
            instance.pk is None
            and self.slug_source
            and instance.slug
            and self.id_field_name() not in errors
            and self.sees_only_some()
        ):
            # A coordinator's new record gets its ID from its name: an ID they type is one
            # of theirs or unknown, whether or not someone else's record has it.
            errors[self.id_field_name()] = [self.unknown_id_message(row)]
        if self.slug_source and not instance.slug and self.slug_source not in errors:
            instance.slug = self.unique_slug(instance)

        key = self.import_key(instance)
        if key is not None:
            first = self._seen_keys.setdefault(key, kwargs.get("row_number"))
            if first != kwargs.get("row_number"):
                errors.setdefault(self.id_field_name(), []).append(
                    f"Samma post som på rad {first}. Varje post får bara stå på en rad i filen."
                )

        if hasattr(instance, "normalise_period"):
            instance.normalise_period()
        self.check_instance(instance, errors)
        if errors:
            raise ValidationError(errors)

    def check_instance(self, instance, errors: dict) -> None:
        """Add rules across columns to `errors` (attribute → messages), before the model's
        own validation; an error here keeps the model's check of those fields quiet."""

    def taken_slugs(self) -> set[str]:
        """The IDs in use: read once, at the first row that needs a new ID, and kept
        current as the import saves records (save_instance)."""
        if self._taken_slugs is None:
            manager = self._meta.model._default_manager
            self._taken_slugs = set(manager.order_by().values_list("slug", flat=True))
            # Records created in bulk are not in the table yet: earlier rows' new IDs.
            self._taken_slugs.update(
                instance.slug for instance in self._created if getattr(instance, "slug", None)
            )
        return self._taken_slugs

    def unique_slug(self, instance) -> str:
        """A new record's ID from its `slug_source`, numbered when it is taken. Only a new
        record gets one (a row without an ID finds no record), so every ID in use counts."""
        base = slugify(str(getattr(instance, self.slug_source) or ""))[:90].strip("-") or "post"
        taken = self.taken_slugs()
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return slug

    def get_diff_class(self):
        # Only a preview (a dry run) shows what each row changes; an import that writes
        # leads back to the list, so it compares nothing.
        return _Diff if self._dry_run else _NoDiff

    def import_data_inner(self, dataset, dry_run, *args, **kwargs):
        self._created, self._changed, self._dry_run = [], [], dry_run
        return super().import_data_inner(dataset, dry_run, *args, **kwargs)

    def save_instance(self, instance, is_create, row, **kwargs):
        # The list fields add to a record created here without reading its relations first.
        instance._spreadsheet_created = is_create
        if is_create and self.create_in_bulk:
            self.before_save_instance(instance, row, **kwargs)
            instance._spreadsheet_lists = {}  # list field → its cleaned cell (save_m2m)
            self._created.append(instance)
            if self._taken_slugs is not None and getattr(instance, "slug", None):
                self._taken_slugs.add(instance.slug)
            return
        if hasattr(instance._meta, "simple_history_manager_attribute"):
            # One history entry per row, written after the lists (save_m2m), rather than
            # one for the save and one more for each list the row sets.
            instance.skip_history_when_saving = True
        if self.create_in_bulk:  # the library would keep it for a bulk_update
            self.before_save_instance(instance, row, **kwargs)
            self.do_instance_save(instance, is_create)
            self.after_save_instance(instance, row, **kwargs)
        else:
            super().save_instance(instance, is_create, row, **kwargs)
        if self._taken_slugs is not None and getattr(instance, "slug", None):
            self._taken_slugs.add(instance.slug)

    def save_m2m(self, instance, row, **kwargs):
        lists = getattr(instance, "_spreadsheet_lists", None)
        if lists is not None:  # a record created in bulk after the last row
            cleaned_lists = instance.__dict__.pop("_spreadsheet_cleaned", {})
            for field in self.list_fields():
                if field.column_name in row:
                    cleaned = cleaned_lists[field] if field in cleaned_lists else field.clean(row)
                    lists[field] = cleaned
                    remember_written(field, instance, field.written_cell(cleaned))
            return
        try:
            if self.create_in_bulk:  # the library saves no lists in bulk mode
                for field in self.list_fields():
                    self.import_field(field, instance, row, True)
            else:
                super().save_m2m(instance, row, **kwargs)
        finally:
            skipped = instance.__dict__.pop("skip_history_when_saving", False)
        if skipped and not self._dry_run:  # a preview's history is rolled back unseen
            if self.create_in_bulk:
                self._changed.append(instance)  # its entry after the last row
            else:
                self.record_history(instance, created=instance._spreadsheet_created)

    def record_history(self, instance, *, created: bool) -> None:
        """The row's history entry, as django-simple-history writes one on save (by the
        importing user, with CHANGE_REASON), with the record's lists as they now are."""
        manager = getattr(type(instance), instance._meta.simple_history_manager_attribute)
        entries = manager.bulk_history_create(
            [instance], update=not created, default_user=self.user
        )
        for entry in entries or ():
            # The lists' entries as simple_history's own save writes them (its
            # many-to-many models are kept on the HistoricalRecords class).
            HistoricalRecords.create_historical_record_m2ms(HistoricalRecords(), entry, instance)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        created, self._created = self._created, []
        changed, self._changed = self._changed, []
        if self._dry_run or result.has_errors():
            return
        if created:
            self.create_records(created)
        if changed:
            # One entry ("~") for each record a row changed, with its lists, as each save
            # would have written it: every record stands on one row of the file.
            model = self._meta.model
            entries = self.copy_into_history(model, [instance.pk for instance in changed], "~")
            if entries:
                self.history_lists(model, entries)

    def create_records(self, instances: list) -> None:
        """Write the records that rows created, with their lists and a history entry each
        (by the importing user, with CHANGE_REASON, the lists included), as save() and
        save_m2m would have row by row, in a few INSERTs per table."""
        model = self._meta.model
        model._default_manager.bulk_create(instances, batch_size=BULK_BATCH_SIZE)
        links, children = defaultdict(list), defaultdict(list)
        for instance in instances:
            for field, cleaned in instance.__dict__.pop("_spreadsheet_lists").items():
                rows = field.new_rows(instance, cleaned, self.user)
                (children if isinstance(field, ChildListField) else links)[field].extend(rows)
        for field, rows in links.items():
            through = model._meta.get_field(field.attribute).remote_field.through
            through._default_manager.bulk_create(rows, batch_size=BULK_BATCH_SIZE)
        entries = self.copy_into_history(model, [instance.pk for instance in instances])
        if entries:
            self.history_lists(model, entries)
        for field, rows in children.items():
            child_model = model._meta.get_field(field.attribute).related_model
            child_model._default_manager.bulk_create(rows, batch_size=BULK_BATCH_SIZE)
            self.copy_into_history(child_model, [row.pk for row in rows])
        self.after_create_records(instances)

    def copy_into_history(self, model, ids: list, kind: str = "+") -> dict:
        """The history entries of records just written in bulk ("+" created, "~" changed):
        record id → entry id."""
        if not hasattr(model._meta, "simple_history_manager_attribute"):
            return {}
        return copy_into_history(model, ids, user=self.user, reason=CHANGE_REASON, kind=kind)

    def history_lists(self, model, entries: dict) -> None:
        """The many-to-many rows of new history entries, as simple_history's own save
        writes them (create_historical_record_m2ms): each tracked list as it now is."""
        history_model = getattr(model, model._meta.simple_history_manager_attribute).model
        for field in history_model._history_m2m_fields:
            copy_links_into_history(
                field, HistoricalRecords.m2m_models[field], list(entries.values())
            )

    def after_create_records(self, instances: list) -> None:
        """What the signals of save() would have done for records created in bulk: the
        public pages (and their fragments) renewed once the import is committed."""
        transaction.on_commit(content_changed)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        for field in self.get_import_fields():
            if field.readonly or not field.attribute or field.column_name not in row:
                continue
            if isinstance(field, ListField | ChildListField):
                if field.differs(original, row):
                    return False
            elif field.get_value(instance) != field.get_value(original):
                return False
        return True

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            if getattr(instance, "_spreadsheet_refused", False):
                raise ValidationError(import_validation_errors)
            errors = dict(import_validation_errors or {})
            # As the library's validate_instance, but the relations found by their
            # widget are left out of full_clean (see found_relations), and so is the
            # uniqueness of the ID: the row's record was looked up by it, and a new
            # record's ID is one the file and the table do not hold (unique_slug,
            # import_instance's duplicate check).
            if self._meta.clean_model_instances:
                exclude = [*errors, *self.found_relations(instance), *self.unread(instance)]
                try:
                    instance.full_clean(exclude=exclude, validate_unique=False)
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
                if validate_unique:
                    known = [*exclude, *errors, *self.unique_known()]
                    try:
                        instance.validate_unique(exclude=known)
                    except ValidationError as error:
                        errors = error.update_error_dict(errors)
            if errors:
                raise ValidationError(errors)
        except ValidationError as error:
            raise ValidationError(self.errors_by_column(error)) from None

    def unread(self, instance) -> list[str]:
        """An existing record's fields that the file has no column for: as the record was
        read, so validating them again would only ask the database whether the rows they
        point to still exist (a project's partnership, once a row)."""
        if instance.pk is None:
            return []
        read = {field.attribute for field in self.get_import_fields() if field.attribute}
        return [field.name for field in instance._meta.concrete_fields if field.name not in read]

    def unique_known(self) -> list[str]:
        """Fields whose uniqueness the import itself ensures: a single ID column."""
        id_fields = self.get_import_id_fields()
        return [self.id_field_name()] if len(id_fields) == 1 else []

    def found_relations(self, instance) -> list[str]:
        return [
            name
            for name in self.found_relation_fields
            if getattr(instance, f"{name}_id") is not None
        ]

    def errors_by_column(self, error: ValidationError) -> dict:
        """Errors keyed by the column they are about, so the preview shows them there."""
        columns = {}
        for field in self.fields.values():
            if field.attribute:
                columns.setdefault(field.attribute, field.column_name)
                columns.setdefault(f"{field.attribute}_id", field.column_name)
        by_column = {}
        for key, messages in error.message_dict.items():
            if key == NON_FIELD_ERRORS:
                column = key
            elif key in columns:
                column = columns[key]
            else:
                try:
                    column = capfirst(str(self._meta.model._meta.get_field(key).verbose_name))
                except FieldDoesNotExist:
                    column = key
            by_column.setdefault(column, []).extend(messages)
        return by_column

    # Export

    def export_columns(self, selected_fields=None) -> tuple[list[str], list[str] | None]:
        """The relations to join and the columns to read for an export, so the query
        leaves out what no cell shows (timestamps, a municipality's long introductions).
        The columns are None (read everything) when a field reads more than its attribute.
        """
        opts = self._meta.model._meta
        relations, columns = [], {opts.pk.name}
        for field in self.get_export_fields(selected_fields):
            if isinstance(field, ListField | ChildListField):
                continue  # read per chunk, see iter_queryset
            name = self.get_field_name(field)
            if field.dehydrate_method or hasattr(self, f"dehydrate_{name}"):
                return relations, None
            try:
                model_field = opts.get_field(field.attribute or "")
            except FieldDoesNotExist:
                return relations, None
            columns.add(model_field.name)
            if model_field.many_to_one or model_field.one_to_one:
                relations.append(model_field.name)
                key = getattr(field.widget, "key", None)
                if key is None:
                    return relations, None
                columns.add(f"{model_field.name}__{key.label_field}")
                columns.add(f"{model_field.name}__{key.fallback_field}")
        return relations, sorted(columns)

    def prepare_export_queryset(self, queryset, selected_fields=None):
        relations, columns = self.export_columns(selected_fields)
        queryset = queryset.prefetch_related(None).select_related(None)
        if relations:
            queryset = queryset.select_related(*relations)
        if columns is not None:
            queryset = queryset.only(*columns)
        return queryset

    def filter_export(self, queryset, **kwargs):
        return self.prepare_export_queryset(queryset, kwargs.get("export_fields"))

    def before_export(self, queryset, **kwargs):
        self._export_selection = kwargs.get("export_fields")

    def iter_queryset(self, queryset):
        """The records in chunks; each chunk's list cells read with one query per list
        (see ListField.export_texts) and kept on the record for `export_resource`."""
        if not hasattr(queryset, "iterator"):
            yield from queryset
            return
        model = queryset.model
        list_fields = [
            field
            for field in self.get_export_fields(getattr(self, "_export_selection", None))
            if isinstance(field, ListField | ChildListField)
        ]
        chunk_size = self.get_chunk_size()
        records = queryset.iterator(chunk_size=chunk_size)
        while chunk := list(islice(records, chunk_size)):
            ids = [record.pk for record in chunk]
            texts = {field: field.export_texts(model, ids) for field in list_fields}
            for record in chunk:
                record._spreadsheet_texts = {
                    field: cells.get(record.pk, "") for field, cells in texts.items()
                }
                yield record

    def _exporter(self, field):
        name = self.get_field_name(field)
        method = field.get_dehydrate_method(name)
        method = method if callable(method) else getattr(self, method, None)
        if method is not None:
            return method
        if isinstance(field, ListField | ChildListField):

            def export_list(instance):
                texts = getattr(instance, "_spreadsheet_texts", None)
                return texts[field] if texts and field in texts else field.export(instance)

            return export_list
        if type(field).export is not Field.export or not field.attribute or "__" in field.attribute:
            return field.export
        get, render = attrgetter(field.attribute), field.widget.render
        return lambda instance: render(get(instance))

    def export_resource(self, instance, selected_fields=None, **kwargs):
        key = tuple(selected_fields) if selected_fields else None
        exporters = self._exporters.get(key)
        if exporters is None:
            exporters = [self._exporter(field) for field in self.get_export_fields(key)]
            self._exporters[key] = exporters
        cells = [export(instance) for export in exporters]
        return [
            escape_formula(cell) if type(cell) is str and cell[:1] in FORMULA_STARTS else cell
            for cell in cells
        ]

    def export_rows(self, queryset, selected_fields=None):
        """The rows of an export, one list of cell values per record, streamed."""
        self._export_selection = selected_fields
        for instance in self.iter_queryset(self.prepare_export_queryset(queryset, selected_fields)):
            yield self.export_resource(instance, selected_fields)


class PeriodResource(SpreadsheetResource):
    """Columns for a PeriodModel: dates as date cells, each with its precision (År, Månad,
    Dag), so "2014" stays a year and "januari 2017" a month through the round trip."""

    start_date = Field("start_date", "Start", DateCellWidget())
    start_precision = Field(
        "start_precision",
        "Startens precision",
        ChoiceWidget(DatePrecision.choices),
        default=DatePrecision.YEAR,
    )
    end_date = Field("end_date", "Slut", DateCellWidget())
    end_precision = Field(
        "end_precision",
        "Slutets precision",
        ChoiceWidget(DatePrecision.choices),
        default=DatePrecision.YEAR,
    )
    duration_months = Field("duration_months", "Längd i månader", IntegerCellWidget())

    def check_instance(self, instance, errors: dict) -> None:
        super().check_instance(instance, errors)
        start, end = instance.start_date, instance.end_date
        if start and end and end < start and not {"start_date", "end_date"} & errors.keys():
            errors["end_date"] = ["Slutet kan inte ligga före starten."]
