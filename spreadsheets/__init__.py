"""Spreadsheet import and export (django-import-export) for the admin."""
