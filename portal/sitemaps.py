from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from networks.models import Network
from partnerships.models import Partnership
from portal.models import Municipality
from projects.models import Project
from seeking.sitemaps import PartnerRequestSitemap


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


class MunicipalitySitemap(Sitemap):
    def items(self):
        return Municipality.objects.public().order_by("slug")

    def lastmod(self, item):
        return item.updated_at

    def location(self, item):
        return reverse("portal:municipality_detail", args=[item.slug])


class PartnershipSitemap(Sitemap):
    def items(self):
        return Partnership.objects.published().order_by("slug")

    def lastmod(self, item):
        return item.updated_at

    def location(self, item):
        return reverse("partnerships:detail", args=[item.slug])


class ProjectSitemap(Sitemap):
    def items(self):
        return Project.objects.published().order_by("slug")

    def lastmod(self, item):
        return item.updated_at

    def location(self, item):
        return reverse("projects:detail", args=[item.slug])


class NetworkSitemap(Sitemap):
    def items(self):
        return Network.objects.published().order_by("slug")

    def lastmod(self, item):
        return item.updated_at

    def location(self, item):
        return reverse("networks:detail", args=[item.slug])


SITEMAPS = {
    "sidor": StaticSitemap,
    "kommuner": MunicipalitySitemap,
    "samarbeten": PartnershipSitemap,
    "projekt": ProjectSitemap,
    "natverk": NetworkSitemap,
    "soker-partner": PartnerRequestSitemap,
}
