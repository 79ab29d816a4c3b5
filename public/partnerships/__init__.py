"""The public pages of partnerships: lists, filters, downloads, detail pages."""
