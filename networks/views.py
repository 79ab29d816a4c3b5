from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render

from networks.filters import NetworkFilter
from networks.models import Membership, Network
from portal.listing import PublicListView
from portal.structured_data import network_data


def network_queryset():
    return Network.objects.published().annotate(
        member_count=Count(
            "memberships", filter=Q(memberships__municipality__is_published=True), distinct=True
        )
    )


class NetworkListView(PublicListView):
    filterset_class = NetworkFilter
    template_name = "networks/network_list.html"
    nav = "natverk"
    heading = "Nätverk"

    def get_queryset(self):
        return network_queryset().select_related("programme").order_by("-member_count", "name")


def network_detail(request, slug):
    network = get_object_or_404(
        network_queryset()
        .select_related("programme", "listed_in_survey")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(municipality__is_published=True)
                .select_related("municipality")
                .prefetch_related("roles")
                .order_by("municipality__short_name"),
                to_attr="public_memberships",
            )
        ),
        slug=slug,
    )
    return render(
        request,
        "networks/network_detail.html",
        {"network": network, "structured_data": network_data(request, network), "nav": "natverk"},
    )
