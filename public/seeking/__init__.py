"""The public pages of seeking: lists, filters, downloads, detail pages."""
