from django.urls import path

from networks import views

app_name = "networks"

urlpatterns = [
    path("", views.NetworkListView.as_view(), name="list"),
    path("<slug:slug>/", views.network_detail, name="detail"),
]
