from django.urls import path

from public.seeking import views

app_name = "seeking"

urlpatterns = [
    path("", views.PartnerRequestListView.as_view(), name="list"),
    path("<slug:slug>/", views.partner_request_detail, name="detail"),
]
