from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import index, sitemap
from django.urls import include, path

from public.feeds import (
    MunicipalityProjectFeed,
    PartnerRequestFeed,
    PartnershipFeed,
    ProjectFeed,
)
from public.projects.urls import story_urlpatterns
from public.sitemaps import SITEMAPS
from public.views import bare, robots_txt
from quality.confirmations import confirmations_view

admin.site.site_header = "Internationella samarbeten – redigering"
admin.site.site_title = "Internationella samarbeten"
admin.site.index_title = "Innehåll"

feed_urlpatterns = [
    path("projekt/", ProjectFeed(), name="projects"),
    path("kommuner/<slug:slug>/projekt/", MunicipalityProjectFeed(), name="municipality_projects"),
    path("samarbeten/", PartnershipFeed(), name="partnerships"),
    path("soker-partner/", PartnerRequestFeed(), name="partner_requests"),
]

urlpatterns = [
    path("admin/datakvalitet/", include("quality.urls")),
    path("admin/bekrafta/", admin.site.admin_view(confirmations_view), name="confirmations"),
    path("admin/", admin.site.urls),
    path("samarbeten/", include("public.partnerships.urls")),
    path("projekt/", include("public.projects.urls")),
    path("natverk/", include("public.networks.urls")),
    path("berattelser/", include(story_urlpatterns)),
    path("soker-partner/", include("public.seeking.urls")),
    path(
        "sitemap.xml",
        index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("flode/", include((feed_urlpatterns, "feeds"))),
    path("api/v1/", include("api.urls")),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("", include("public.urls")),
]

if settings.BENCH_BARE_VIEW:
    # bench/load.py's empty view: the cheapest answer through the same server and middleware.
    # First, as bench/bare_django.py's is, so that both resolve one pattern.
    urlpatterns.insert(0, path("_bench/tom/", bare, name="bench_bare"))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
