from django.urls import path

from public.networks import views
from public.networks.downloads import NetworkDownloadView

app_name = "networks"

urlpatterns = [
    path("", views.NetworkListView.as_view(), name="list"),
    NetworkDownloadView.urlpattern(),
    path("<slug:slug>/", views.network_detail, name="detail"),
]
