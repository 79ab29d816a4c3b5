"""Spreadsheet import and export from the admin change list, in the user's scope.

Export: the change list's queryset (with its filters and search, and the ModelAdmin's
scope) is written by `export_file`: rows stream from the database in chunks straight into
the file, never into a tablib Dataset, and the file is sent as a StreamingHttpResponse
while it is written, in every format.

Import: django-import-export's two steps (preview, then confirm), with the checks of
`SpreadsheetImportForm`, the importing user handed to the resource (which enforces the
scope row by row) and every row written or none. Between the two steps the upload waits in
a folder of its own under a random name (`ImportUploadStorage`); the confirmation names
it, and only a name (and format) that this session's own preview made is ever read or
removed: a forged, repeated or stale confirmation gets a Swedish message and changes nothing.
"""

import os
import tempfile
import time
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from import_export.admin import ImportExportMixin
from import_export.signals import post_export
from import_export.tmp_storages import TempFolderStorage

from access.scoping import visible
from spreadsheets.formats import FORMATS, SpreadsheetFormat, reading_once
from spreadsheets.forms import SpreadsheetExportForm, SpreadsheetImportForm


def export_file(file_format, resource, queryset, *, selected_fields=None, filename: str):
    """A streamed HTTP response with the export, written row by row from the queryset."""
    headers = resource.get_export_headers(selected_fields)
    rows = resource.export_rows(queryset, selected_fields)
    response = StreamingHttpResponse(
        file_format.iter_chunks(headers, rows, title=resource.get_display_name()),
        content_type=file_format.get_content_type(),
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


UPLOAD_FOLDER = os.path.join(tempfile.gettempdir(), "portal-imports")
#: Uploads whose preview was never confirmed are removed after this long.
UPLOAD_LIFETIME_SECONDS = 24 * 3600
#: The previews a session may confirm: (file name, format) pairs, the newest last.
PREVIEWS_SESSION_KEY = "spreadsheet_import_previews"
PREVIEWS_KEPT = 10
STALE_CONFIRMATION = (
    "Importen gjordes inte: filen från förhandsgranskningen finns inte längre, till exempel "
    "för att den redan har importerats. Inget har ändrats. Ladda upp filen igen."
)


class ImportUploadStorage(TempFolderStorage):
    """An upload between preview and confirmation, in UPLOAD_FOLDER under a random name."""

    def save(self, data: bytes) -> None:
        remove_stale_uploads()
        os.makedirs(UPLOAD_FOLDER, mode=0o700, exist_ok=True)
        self.name = self.name or uuid.uuid4().hex
        with open(self.get_full_path(), "wb") as file:
            file.write(data)

    def get_full_path(self):
        return os.path.join(UPLOAD_FOLDER, os.path.basename(self.name))


def remove_stale_uploads(now: float | None = None) -> None:
    cutoff = (now or time.time()) - UPLOAD_LIFETIME_SECONDS
    try:
        entries = list(os.scandir(UPLOAD_FOLDER))
    except FileNotFoundError:
        return
    for entry in entries:
        try:
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                os.remove(entry.path)
        except FileNotFoundError:
            pass  # another worker removed it first


class SpreadsheetAdminMixin(ImportExportMixin):
    """Import and export from the change list, in the user's scope."""

    formats = FORMATS
    import_form_class = SpreadsheetImportForm
    export_form_class = SpreadsheetExportForm
    tmp_storage_class = ImportUploadStorage

    def get_confirm_form_initial(self, request, import_form):
        """The preview offers a confirmation: the session remembers what it may confirm."""
        initial = super().get_confirm_form_initial(request, import_form)
        if initial:
            preview = [initial["import_file_name"], str(initial["format"]), self.model._meta.label]
            previews = request.session.get(PREVIEWS_SESSION_KEY, [])[-(PREVIEWS_KEPT - 1) :]
            request.session[PREVIEWS_SESSION_KEY] = [*previews, preview]
        return initial

    def import_action(self, request, **kwargs):
        # The form's check and the preview read the upload once between them.
        with reading_once():
            return super().import_action(request, **kwargs)

    def process_import(self, request, **kwargs):
        """The confirmation: only of a preview this session made, and only once."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        name = request.POST.get("import_file_name", "")
        preview = [name, request.POST.get("format", ""), self.model._meta.label]
        previews = request.session.get(PREVIEWS_SESSION_KEY, [])
        if preview not in previews:
            messages.error(request, STALE_CONFIRMATION)
            return self._back_to_import()
        request.session[PREVIEWS_SESSION_KEY] = [item for item in previews if item != preview]
        # Claim the upload before reading it: of two confirmations at once (a double click
        # during a long import) only the one that renames it goes on.
        claimed = f"{name}.claimed"
        try:
            os.rename(
                ImportUploadStorage(name=name).get_full_path(),
                ImportUploadStorage(name=claimed).get_full_path(),
            )
        except FileNotFoundError:
            messages.error(request, STALE_CONFIRMATION)
            return self._back_to_import()
        request.POST = request.POST.copy()
        request.POST["import_file_name"] = claimed
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            messages.error(request, STALE_CONFIRMATION)
            return self._back_to_import()

    def _back_to_import(self):
        return HttpResponseRedirect(
            reverse(self.import_url_name(), current_app=self.admin_site.name)
        )

    def get_resource_kwargs(self, request, *args, **kwargs):
        kwargs = super().get_resource_kwargs(request, *args, **kwargs)
        kwargs["user"] = request.user
        return kwargs

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # With IMPORT_EXPORT_USE_TRANSACTIONS a row that fails validation rolls back the
        # whole import, also at the confirm step.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between preview and confirmation; nothing was saved.
            messages.error(
                request,
                "Importen avbröts eftersom några rader inte gick att spara. Inget har "
                "ändrats. Ladda upp filen igen för att se vad som är fel.",
            )
            return self._back_to_import()
        return super().process_result(result, request)

    def import_url_name(self) -> str:
        app_label, model_name = self.get_model_info()
        return f"admin:{app_label}_{model_name}_import"

    def get_export_filename(self, request, queryset, file_format):
        name = slugify(str(self.model._meta.verbose_name_plural))
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        """Every admin export (the export page, with or without its form) ends here."""
        if not isinstance(file_format, SpreadsheetFormat):
            return super()._do_file_export(file_format, request, queryset, export_form)
        if not self.has_export_permission(request):
            raise PermissionDenied
        resource_class = self.choose_export_resource_class(export_form, request)
        resource = resource_class(
            **self.get_export_resource_kwargs(request, export_form=export_form)
        )
        response = export_file(
            file_format,
            resource,
            visible(queryset, request.user),
            selected_fields=self.get_export_resource_fields_from_form(export_form),
            filename=self.get_export_filename(request, queryset, file_format),
        )
        post_export.send(sender=None, model=self.model)
        return response
