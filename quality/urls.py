"""Mounted under /admin/ in portal/urls.py, before the admin site's own URLs."""

from django.contrib import admin
from django.urls import path

from quality.views import data_quality, rule_page

app_name = "quality"

urlpatterns = [
    path("", admin.site.admin_view(data_quality), name="index"),
    path("<slug:slug>/", admin.site.admin_view(rule_page), name="rule"),
]
