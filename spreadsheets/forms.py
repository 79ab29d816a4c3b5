"""The admin's import and export forms: a file is checked before any row is read.

The import form refuses, with a Swedish message and before anything is written, a file
that is too large or empty, that is not a spreadsheet (a PNG renamed .xlsx), a CSV that is
not UTF-8, and a file whose header row is not the resource's. The format is recognised
from the file's content, so the format menu may be left as it is.
"""

from django import forms
from django.conf import settings
from import_export.forms import ImportForm, SelectableFieldsExportForm

from portal.formatting import format_megabytes
from spreadsheets.formats import SpreadsheetFileError, describe_unknown_file, detect_format

#: The largest file the import accepts, in bytes; settings.SPREADSHEET_IMPORT_MAX_FILE_SIZE
#: overrides it. 5 MB holds tens of thousands of rows.
IMPORT_MAX_FILE_SIZE = 5 * 1024 * 1024


def max_file_size() -> int:
    return getattr(settings, "SPREADSHEET_IMPORT_MAX_FILE_SIZE", IMPORT_MAX_FILE_SIZE)


class SpreadsheetImportForm(ImportForm):
    @property
    def media(self):
        # The preview's errors in place instead of on hover (static/css/admin.css).
        return super().media + forms.Media(css={"all": ["css/admin.css"]})

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = list(formats)
        self.resource_classes = list(resources)
        self.fields["format"].required = False
        self.fields["import_file"].help_text = (
            f"Excel (xlsx), OpenDocument (ods) eller CSV sparad som UTF-8, högst "
            f"{format_megabytes(max_file_size())}. Formatet känns igen på filens innehåll. Första "
            "raden ska ha kolumnrubrikerna från en export; en rad med ett befintligt ID "
            "ändrar den posten, en rad utan ID blir en ny post."
        )

    def clean_import_file(self):
        import_file = self.cleaned_data["import_file"]
        if import_file.size > max_file_size():
            raise forms.ValidationError(
                f"Filen är för stor ({format_megabytes(import_file.size)}). Den får vara högst "
                f"{format_megabytes(max_file_size())}; dela upp den i flera filer.",
                code="too_large",
            )
        if import_file.size == 0:
            raise forms.ValidationError("Filen är tom.", code="empty")
        return import_file

    def clean(self):
        cleaned_data = super().clean()
        import_file = cleaned_data.get("import_file")
        if import_file is None or self.has_error("import_file"):
            return cleaned_data
        import_file.seek(0)
        data = import_file.read()
        import_file.seek(0)

        format_class = detect_format(data, self.formats)
        if format_class is None:
            self.add_error("import_file", describe_unknown_file(data))
            return cleaned_data
        cleaned_data["format"] = str(self.formats.index(format_class))

        try:
            dataset = format_class().create_dataset(data)
        except SpreadsheetFileError as error:
            self.add_error("import_file", str(error))
            return cleaned_data

        resource_class = self.resource_classes[self.resource_index(cleaned_data)]
        header_errors = resource_class().header_errors(dataset.headers or [])
        if header_errors:
            self.add_error("import_file", " ".join(header_errors))
        elif not len(dataset):
            self.add_error("import_file", "Filen har kolumnrubriker men inga rader att importera.")
        return cleaned_data

    def resource_index(self, cleaned_data) -> int:
        try:
            index = int(cleaned_data.get("resource") or 0)
        except ValueError:
            return 0
        return index if 0 <= index < len(self.resource_classes) else 0


class SpreadsheetExportForm(SelectableFieldsExportForm):
    """The library's export form, with each column's checkbox named by its Swedish header."""

    class Media:
        js = ["js/admin-a11y.js"]  # names the page's "select all" box (axe)

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return field.column_name if field else field_name
