"""The sitemap: /sitemap.xml is an index of one sitemap per section (/sitemap-<section>.xml),
each split by Django into files of at most `limit` addresses (?p=2, ?p=3, …)."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property

from networks.models import Network
from partnerships.models import Partnership
from projects.models import Project
from public.seeking.sitemaps import PartnerRequestSitemap
from public.selectors import public_municipalities

SLUG_PLACEHOLDER = "slug-placeholder"


class StaticSitemap(Sitemap):
    def items(self):
        return [
            "portal:home",
            "portal:municipality_list",
            "partnerships:list",
            "projects:list",
            "networks:list",
            "stories:list",
            "seeking:list",
            "portal:map",
            "portal:statistics",
            "portal:glossary",
            "portal:accessibility",
        ]

    def location(self, item):
        return reverse(item)


class RecordSitemap(Sitemap):
    """The detail pages of the records residents may see (`records()`, the model's own
    rule), read as (slug, updated_at) pairs in primary-key order: one query per file, and a
    new record lands on the last page instead of moving every later one."""

    limit = 5_000
    url_name = ""

    def records(self):
        raise NotImplementedError

    def items(self):
        return self.records().order_by("pk").values_list("slug", "updated_at")

    @cached_property
    def path_around_slug(self) -> tuple[str, str]:
        """The detail page's path before and after the slug, from one reverse() a file
        rather than one an address (a third of the time): a slug's letters, digits, - and
        _ go into a path as they are, so joining gives what reverse() would."""
        before, _placeholder, after = reverse(self.url_name, args=[SLUG_PLACEHOLDER]).rpartition(
            SLUG_PLACEHOLDER
        )
        return before, after

    def location(self, item):
        slug, _updated_at = item
        before, after = self.path_around_slug
        return f"{before}{slug}{after}"

    def lastmod(self, item):
        _slug, updated_at = item
        return updated_at

    def get_latest_lastmod(self):
        """For the index: one aggregate, not every item read."""
        return self.records().aggregate(latest=Max("updated_at"))["latest"]


class MunicipalitySitemap(RecordSitemap):
    url_name = "portal:municipality_detail"

    def records(self):
        return public_municipalities()


class PartnershipSitemap(RecordSitemap):
    url_name = "partnerships:detail"

    def records(self):
        return Partnership.objects.published()


class ProjectSitemap(RecordSitemap):
    url_name = "projects:detail"

    def records(self):
        return Project.objects.published()


class NetworkSitemap(RecordSitemap):
    url_name = "networks:detail"

    def records(self):
        return Network.objects.published()


SITEMAPS = {
    "sidor": StaticSitemap,
    "kommuner": MunicipalitySitemap,
    "samarbeten": PartnershipSitemap,
    "projekt": ProjectSitemap,
    "natverk": NetworkSitemap,
    "soker-partner": PartnerRequestSitemap,
}
