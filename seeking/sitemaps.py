from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from seeking.models import PartnerRequest


class PartnerRequestSitemap(Sitemap):
    """Current, published requests only: an expired one leaves the sitemap on its own."""

    def items(self):
        return PartnerRequest.objects.public().only("slug", "updated_at").order_by("slug")

    def lastmod(self, item):
        return item.updated_at

    def location(self, item):
        return reverse("seeking:detail", args=[item.slug])
