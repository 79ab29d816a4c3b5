from import_export.admin import ImportExportMixin


class SpreadsheetAdminMixin(ImportExportMixin):
    """Import and export from the change list, in the user's scope."""
