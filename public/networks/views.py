from django.shortcuts import get_object_or_404, render

from public.listing import PublicListView
from public.networks.filters import NetworkFilter
from public.selectors import network_queryset, public_memberships
from public.structured_data import network_data


class NetworkListView(PublicListView):
    filterset_class = NetworkFilter
    template_name = "networks/network_list.html"
    nav = "natverk"
    heading = "Nätverk"
    download_url_name = "networks:download"

    def get_queryset(self):
        return network_queryset().select_related("programme").order_by("-member_count", "name")


def network_detail(request, slug):
    network = get_object_or_404(
        network_queryset()
        .select_related("programme", "listed_in_survey")
        .prefetch_related(public_memberships(with_roles=True)),
        slug=slug,
    )
    return render(
        request,
        "networks/network_detail.html",
        {"network": network, "structured_data": network_data(request, network), "nav": "natverk"},
    )
