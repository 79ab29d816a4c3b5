"""Reads of partner requests that the public pages, search, sitemap and feed share. Every
one starts from `PartnerRequest.objects.public()` (published and current), so an expired
request disappears everywhere on its own."""

from seeking.models import PartnerRequest


def partner_request_queryset():
    return (
        PartnerRequest.objects.public()
        .select_related("municipality", "organisation__country", "contact__organisation")
        .prefetch_related("themes", "countries", "regions")
    )


def municipality_partner_requests(municipality):
    """A municipality's current requests, as its page lists them: one query."""
    return list(
        PartnerRequest.objects.public()
        .filter(municipality=municipality)
        .only("title", "slug", "kind", "valid_until", "municipality")
        .order_by("valid_until", "title")
    )
