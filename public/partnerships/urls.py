from django.urls import path

from public.partnerships import views
from public.partnerships.downloads import PartnershipDownloadView

app_name = "partnerships"

urlpatterns = [
    path("", views.PartnershipListView.as_view(), name="list"),
    PartnershipDownloadView.urlpattern(),
    path("<slug:slug>/", views.partnership_detail, name="detail"),
]
