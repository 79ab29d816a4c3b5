from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from seeking.models import PartnerRequest


class PartnerRequestSitemap(Sitemap):
    """Current, published requests only: an expired one leaves the sitemap on its own.
    Read as (slug, updated_at) pairs, like public.sitemaps.RecordSitemap (which this app
    cannot subclass: public.sitemaps imports this module)."""

    limit = 5_000

    def records(self):
        return PartnerRequest.objects.public()

    def items(self):
        return self.records().order_by("pk").values_list("slug", "updated_at")

    def location(self, item):
        slug, _updated_at = item
        return reverse("seeking:detail", args=[slug])

    def lastmod(self, item):
        _slug, updated_at = item
        return updated_at

    def get_latest_lastmod(self):
        return self.records().aggregate(latest=Max("updated_at"))["latest"]
