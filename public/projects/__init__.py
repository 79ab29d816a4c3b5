"""The public pages of projects: lists, filters, downloads, detail pages."""
