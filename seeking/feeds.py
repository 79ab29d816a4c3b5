"""/flode/soker-partner/: an Atom feed of the current partner requests, last changed first.
An expired request leaves the feed on its own (PartnerRequest.objects.public())."""

from django.contrib.syndication.views import Feed
from django.urls import reverse

from portal.formatting import swedish_date
from public.feeds import FEED_SIZE, SwedishAtomFeed
from seeking.selectors import partner_request_queryset


class PartnerRequestFeed(Feed):
    feed_type = SwedishAtomFeed
    title = "Söker partner – Internationella samarbeten"
    subtitle = "Kommuner och organisationer som söker vänort, partnerskap eller projektpartner."
    author_name = "Internationella samarbeten"

    def link(self):
        return reverse("seeking:list")

    def feed_url(self):
        return reverse("feeds:partner_requests")

    def items(self):
        return partner_request_queryset().order_by("-updated_at", "-pk")[:FEED_SIZE]

    def item_title(self, partner_request):
        return f"{partner_request.title} ({partner_request.seeker_name})"

    def item_description(self, partner_request):
        parts = [f"Söker {partner_request.get_kind_display().lower()}"]
        places = [country.name for country in partner_request.countries.all()]
        places += partner_request.world_regions_display
        if places:
            parts.append(f"Länder och världsdelar: {', '.join(places)}")
        themes = [theme.name for theme in partner_request.themes.all()]
        if themes:
            parts.append(f"Samarbetsområden: {', '.join(themes)}")
        parts.append(f"Gäller till och med {swedish_date(partner_request.valid_until)}")
        return ". ".join(parts) + "."

    def item_link(self, partner_request):
        return reverse("seeking:detail", args=[partner_request.slug])

    def item_guid(self, partner_request):
        return f"urn:internationella-samarbeten:soker-partner:{partner_request.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, partner_request):
        return partner_request.created_at

    def item_updateddate(self, partner_request):
        return partner_request.updated_at

    def item_author_name(self, partner_request):
        return partner_request.seeker_name
