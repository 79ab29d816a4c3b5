"""Atom feeds of new and changed projects (all of Sweden, and one for each municipality),
partnerships and partner requests.

/flode/projekt/, /flode/kommuner/<slug>/projekt/ and /flode/samarbeten/ list the FEED_SIZE published projects
changed last, newest first; each entry says when the project was added (`published`) and
last changed (`updated`). Feed readers poll them; the page cache keeps them like any page.
Text goes out as plain text (the syndication framework escapes it), never as HTML.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from partnerships.models import Partnership
from portal.formatting import swedish_date
from public.seeking.selectors import partner_request_queryset
from public.selectors import listed_projects, public_municipalities

FEED_SIZE = 50


class SwedishAtomFeed(Atom1Feed):
    def root_attributes(self):
        attributes = super().root_attributes()
        attributes["xml:lang"] = "sv"
        return attributes


class RecordFeed(Feed):
    """What the portal's feeds share: Swedish Atom, the site as author, and each entry's id
    stable whatever the slug becomes (the row's key under the site's own address), added
    when the record was made and updated when it last changed."""

    feed_type = SwedishAtomFeed
    author_name = "Internationella samarbeten"
    item_guid_is_permalink = False
    #: The entries' kind in their ids: urn:internationella-samarbeten:<kind>:<pk>.
    guid_kind = ""

    def item_guid(self, record):
        return f"urn:internationella-samarbeten:{self.guid_kind}:{record.pk}"

    def item_pubdate(self, record):
        return record.created_at

    def item_updateddate(self, record):
        return record.updated_at


class ProjectFeed(RecordFeed):
    guid_kind = "projekt"
    title = "Nya och ändrade projekt – Internationella samarbeten"
    subtitle = "Svenska kommuners och regioners internationella projekt, senast ändrade först."

    def link(self):
        return reverse("projects:list")

    def feed_url(self):
        return reverse("feeds:projects")

    def items(self):
        return self.projects()[:FEED_SIZE]

    def projects(self):
        return listed_projects().select_related("municipality").order_by("-updated_at", "-pk")

    def item_title(self, project):
        name = project.title
        if project.acronym and project.acronym != project.title:
            name = f"{project.acronym}: {project.title}"
        return f"{name} ({project.municipality.public_name})"

    def item_description(self, project):
        return project.summary

    def item_link(self, project):
        return reverse("projects:detail", args=[project.slug])

    def item_author_name(self, project):
        return project.municipality.public_name


class PartnershipFeed(RecordFeed):
    """/flode/samarbeten/: twin towns, municipal partnerships and other cooperation, the
    FEED_SIZE published ones changed last first."""

    guid_kind = "samarbete"
    title = "Nya och ändrade samarbeten – Internationella samarbeten"
    subtitle = (
        "Svenska kommuners och regioners vänorter, kommunala partnerskap och andra "
        "samarbeten, senast ändrade först."
    )

    def link(self):
        return reverse("partnerships:list")

    def feed_url(self):
        return reverse("feeds:partnerships")

    def items(self):
        return (
            Partnership.objects.published()
            .select_related("municipality")
            .prefetch_related("parties__organisation__country")
            .order_by("-updated_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, partnership):
        kind = partnership.get_kind_display()
        return f"{partnership.municipality.public_name} – {partnership.name} ({kind.lower()})"

    def item_description(self, partnership):
        parts = [partnership.get_kind_display()]
        if partnership.period_display:
            parts.append(partnership.period_display)
        partners = partnership.partners_display
        if partners:
            parts.append(f"Partner: {partners}")
        return ". ".join(parts) + "."

    def item_link(self, partnership):
        return reverse("partnerships:detail", args=[partnership.slug])

    def item_author_name(self, partnership):
        return partnership.municipality.public_name


class MunicipalityProjectFeed(ProjectFeed):
    def get_object(self, request, slug):
        return get_object_or_404(public_municipalities(), slug=slug)

    def title(self, municipality):
        return f"Nya och ändrade projekt i {municipality.public_name} – Internationella samarbeten"

    def subtitle(self, municipality):
        return f"{municipality.public_name}s internationella projekt, senast ändrade först."

    def link(self, municipality):
        return reverse("portal:municipality_detail", args=[municipality.slug])

    def feed_url(self, municipality):
        return reverse("feeds:municipality_projects", args=[municipality.slug])

    def items(self, municipality):
        return self.projects().involving(municipality)[:FEED_SIZE]


# /flode/soker-partner/: the current partner requests, last changed first. An expired
# request leaves the feed on its own (PartnerRequest.objects.public()).
class PartnerRequestFeed(RecordFeed):
    guid_kind = "soker-partner"
    title = "Söker partner – Internationella samarbeten"
    subtitle = "Kommuner och organisationer som söker vänort, partnerskap eller projektpartner."

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

    def item_author_name(self, partner_request):
        return partner_request.seeker_name
