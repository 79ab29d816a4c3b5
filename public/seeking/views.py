from django.shortcuts import get_object_or_404, render

from public.listing import PublicListView
from public.seeking.filters import PartnerRequestFilter
from public.seeking.selectors import partner_request_queryset
from seeking.suggestions import suggest_municipalities


class PartnerRequestListView(PublicListView):
    filterset_class = PartnerRequestFilter
    template_name = "seeking/partner_request_list.html"
    nav = "soker-partner"
    heading = "Söker partner"

    def get_queryset(self):
        return partner_request_queryset().order_by("-created_at", "title")


def partner_request_detail(request, slug):
    partner_request = get_object_or_404(partner_request_queryset(), slug=slug)
    return render(
        request,
        "seeking/partner_request_detail.html",
        {
            "partner_request": partner_request,
            "suggestions": suggest_municipalities(partner_request),
            "nav": "soker-partner",
        },
    )
