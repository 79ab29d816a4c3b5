from django.shortcuts import get_object_or_404, render

from public.listing import PublicListView
from public.partnerships.filters import PartnershipFilter
from public.selectors import (
    grant_totals,
    partnership_list_queryset,
    partnership_queryset,
    split_by_status,
)
from public.structured_data import partnership_data


class PartnershipListView(PublicListView):
    filterset_class = PartnershipFilter
    template_name = "partnerships/partnership_list.html"
    nav = "samarbeten"
    heading = "Vänorter och samarbeten"
    download_url_name = "partnerships:download"
    row_template = "partnerships/includes/partnership_row.html"
    row_kind = "partnership"

    def get_queryset(self):
        return partnership_list_queryset().order_by("municipality__short_name", "kind", "name")


def partnership_detail(request, slug):
    partnership = get_object_or_404(partnership_queryset(), slug=slug)
    partnership.projects_by_status = split_by_status(partnership.projects.all())
    return render(
        request,
        "partnerships/partnership_detail.html",
        {
            "partnership": partnership,
            "grant_totals": grant_totals(partnership.projects.published()),
            "structured_data": partnership_data(request, partnership),
            "nav": "samarbeten",
        },
    )
