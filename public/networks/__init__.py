"""The public pages of networks: lists, filters, downloads, detail pages."""
