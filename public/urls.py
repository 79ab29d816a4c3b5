from django.urls import path

from maps import partner_map as maps
from operations import health
from public import search as search_views
from public import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("kommuner/", views.municipality_list, name="municipality_list"),
    path("kommuner/<slug:slug>/", views.municipality_detail, name="municipality_detail"),
    path("om/begrepp/", views.glossary, name="glossary"),
    path("om/tillganglighet/", views.accessibility, name="accessibility"),
    path("sok/", search_views.search, name="search"),
    path("karta/", maps.map_page, name="map"),
    path("karta/<slug:code>/", maps.map_country_page, name="map_country"),
    path("statistik/", views.statistics_page, name="statistics"),
    path("halsa/", health.health, name="health"),
]
