"""The public site: home, municipality pages, feeds, sitemaps (the lists are each app's own)."""
