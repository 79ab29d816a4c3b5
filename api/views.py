"""The open-data API: read-only lists and records of what the public pages show.

Each list takes the same querysets (public/selectors.py) and FilterSets as its page, so
the API shows exactly what is published, and a draft answers 404. Responses are public
and cached like the pages (operations/page_cache.py, keyed by path and query string), and
any site may read them from a browser (Access-Control-Allow-Origin: *).
"""

from django.db.models import Exists, OuterRef
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api import serializers
from api.filters import MunicipalityFilter, OrganisationFilter
from api.pagination import page_keys_by_groups
from api.queries import public_organisations
from api.schema import BAD_REQUEST, NOT_FOUND
from public.networks.filters import NetworkFilter
from public.partnerships.filters import PartnershipFilter
from public.projects.filters import ProjectFilter
from public.selectors import (
    network_queryset,
    partnership_queryset,
    project_queryset,
    public_memberships,
    public_municipalities,
    published_municipalities,
    with_public_involvement,
)


class OpenToOtherSites:
    """Public, read-only data: any web site may fetch it from a browser."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    def options(self, request, *args, **kwargs):
        """What may be asked (a browser's CORS preflight too): no body."""
        response = Response(status=204)
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Max-Age"] = "86400"
        return response


def documented(tag, plural, singular, serializer, detail_serializer=None, lookup="adressnamn"):
    """Swedish summaries, and the answers of a list and of one record, errors included."""
    return extend_schema_view(
        list=extend_schema(
            tags=[tag],
            summary=f"Lista {plural}",
            description=f"Publicerade {plural}, sidindelade. Ogiltiga filtervärden ger 400.",
            responses={200: serializer, 400: BAD_REQUEST, 404: NOT_FOUND},
        ),
        retrieve=extend_schema(
            tags=[tag],
            summary=f"En {singular}",
            description=f"Hämta med {lookup}. Ett utkast eller ett okänt {lookup} ger 404.",
            responses={200: detail_serializer or serializer, 404: NOT_FOUND},
        ),
    )


class OpenDataViewSet(OpenToOtherSites, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    # Slugs and SCB codes; any other address is answered by NotFoundView (api/urls.py).
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_lookup(self) -> dict:
        return {self.lookup_field: self.kwargs[self.lookup_field]}

    def page_rows(self, keys: list) -> list:
        """The page's records, in the order of their keys (api/pagination.py): the view's
        queryset with its related rows, without the filters that chose the keys."""
        rows = self.get_queryset().in_bulk(keys)
        return [rows[key] for key in keys if key in rows]

    def get_object(self):
        """A record by its identifier; the list's filters do not apply to it."""
        obj = self.get_queryset().filter(**self.get_lookup()).first()
        if obj is None:
            raise NotFound()  # DRF's Swedish "Hittades inte.", not Django's English text
        self.check_object_permissions(self.request, obj)
        return obj


@documented(
    "Kommuner",
    "kommuner och regioner",
    "kommun eller region",
    serializers.MunicipalitySerializer,
    lookup="adressnamn eller SCB-kod",
)
class MunicipalityViewSet(OpenDataViewSet):
    """Municipalities and regions with a public page; by slug or by SCB code (0780, 07)."""

    serializer_class = serializers.MunicipalitySerializer
    filterset_class = MunicipalityFilter

    def get_queryset(self):
        return (
            published_municipalities()
            .select_related("county", "contact_centre")
            .prefetch_related("contacts__organisation")
            .order_by("short_name", "slug")
        )

    def get_lookup(self) -> dict:
        value = self.kwargs[self.lookup_field]
        return {"scb_code": value} if value.isdigit() else {"slug": value}


@documented(
    "Samarbeten",
    "samarbeten (vänorter, kommunala partnerskap och andra)",
    "samarbete",
    serializers.PartnershipSerializer,
)
class PartnershipViewSet(OpenDataViewSet):
    serializer_class = serializers.PartnershipSerializer
    filterset_class = PartnershipFilter

    def get_queryset(self):
        return partnership_queryset().order_by("municipality__short_name", "kind", "name", "slug")


@documented("Projekt", "projekt", "projekt", serializers.ProjectSerializer)
class ProjectViewSet(OpenDataViewSet):
    serializer_class = serializers.ProjectSerializer
    filterset_class = ProjectFilter

    def get_queryset(self):
        return project_queryset().order_by("-start_date", "title", "slug")

    def page_keys(self, queryset, start, stop):
        # Deep pages along the index projects_published_order (-start_date, title, id).
        return page_keys_by_groups(queryset, start, stop, groups=("-start_date", "title"))


@documented("Nätverk", "nätverk", "nätverk", serializers.NetworkSerializer)
class NetworkViewSet(OpenDataViewSet):
    serializer_class = serializers.NetworkSerializer
    filterset_class = NetworkFilter

    def get_queryset(self):
        return (
            network_queryset()
            .select_related("programme")
            .prefetch_related(public_memberships(with_roles=True))
            .order_by("-member_count", "name")
        )


@documented(
    "Organisationer",
    "organisationer",
    "organisation",
    serializers.OrganisationSerializer,
    serializers.OrganisationDetailSerializer,
)
class OrganisationViewSet(OpenDataViewSet):
    """Organisations that take part in a published partnership or project (the same rule
    as the search page's)."""

    filterset_class = OrganisationFilter

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.OrganisationDetailSerializer
        return serializers.OrganisationSerializer

    def get_queryset(self):
        queryset = (
            public_organisations()
            .select_related("country", "municipality")
            .prefetch_related("other_names")
            .annotate(
                municipality_is_public=Exists(
                    public_municipalities().filter(pk=OuterRef("municipality"))
                )
            )
            .order_by("name", "slug")
        )
        if self.action != "retrieve":
            return queryset
        return with_public_involvement(queryset)


ENDPOINTS = {
    "municipalities": "api:municipality-list",
    "partnerships": "api:partnership-list",
    "projects": "api:project-list",
    "networks": "api:network-list",
    "organisations": "api:organisation-list",
    "schema": "api:schema",
}


class ApiRootView(OpenToOtherSites, APIView):
    """Where each list is, and the OpenAPI description."""

    schema = None

    def get(self, request):
        return Response({key: reverse(name, request=request) for key, name in ENDPOINTS.items()})


class SchemaView(OpenToOtherSites, SpectacularJSONAPIView):
    pass


class NotFoundView(OpenToOtherSites, APIView):
    """Any other address under the API: a JSON 404, whatever the method."""

    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound()
