from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from api import views

app_name = "api"

router = SimpleRouter()
router.register("municipalities", views.MunicipalityViewSet, basename="municipality")
router.register("partnerships", views.PartnershipViewSet, basename="partnership")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("networks", views.NetworkViewSet, basename="network")
router.register("organisations", views.OrganisationViewSet, basename="organisation")

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    *router.urls,
    # Last: any other address ending in a slash (one without is first redirected to it),
    # whatever characters it holds, so that the answer is the API's JSON 404.
    re_path(r"^[\s\S]*/$", views.NotFoundView.as_view(), name="not_found"),
]
