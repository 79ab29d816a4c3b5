"""Partner requests for the tests: the seed texts have none, so each test makes its own."""

import datetime

from django.utils import timezone

from contacts.models import Organisation
from partnerships.models import Partnership, PartnershipParty
from portal.models import Country, Municipality, Theme
from projects.models import Project, ProjectParticipant
from seeking.models import PartnerRequest, SoughtKind
from tests.factories import unique


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def make_partner_request(*, themes=(), countries=(), regions=(), **fields) -> PartnerRequest:
    """A published, current request by Växjö unless told otherwise. Themes by slug,
    countries by ISO code, regions by WorldRegion value."""
    fields.setdefault("title", "Vi söker en vänort")
    fields.setdefault("slug", unique("soker"))
    fields.setdefault("kind", SoughtKind.TWIN_TOWN)
    if "organisation" not in fields:
        fields.setdefault("municipality", Municipality.objects.get(slug="vaxjo"))
    fields.setdefault("valid_until", days_from_today(30))
    fields.setdefault("is_published", True)
    partner_request = PartnerRequest.objects.create(**fields)
    partner_request.themes.set(Theme.objects.filter(slug__in=themes))
    partner_request.countries.set(Country.objects.filter(code__in=countries))
    partner_request.set_world_regions(regions)
    return partner_request


def foreign_organisation(country: str = "KE", name: str = "Kisumu County") -> Organisation:
    return Organisation.objects.create(
        name=name, slug=unique("org"), kind="region", country=Country.objects.get(code=country)
    )


def cooperation(
    municipality: str,
    *,
    country: str | None = None,
    kind: str = "vanort",
    themes=(),
    ended: bool = False,
    published: bool = True,
) -> Partnership:
    """A partnership of `municipality` (made published) with a partner in `country`."""
    owner = Municipality.objects.get(slug=municipality)
    if not owner.is_published:
        owner.is_published = True
        owner.save(update_fields=["is_published"])
    partnership = Partnership.objects.create(
        name=unique("Partnerort"),
        slug=unique("samarbete"),
        kind=kind,
        municipality=owner,
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2015, 12, 31) if ended else None,
        is_published=published,
    )
    if country:
        PartnershipParty.objects.create(
            partnership=partnership, organisation=foreign_organisation(country, unique("Ort"))
        )
    partnership.themes.set(Theme.objects.filter(slug__in=themes))
    return partnership


def project(
    municipality: str,
    *,
    participant_country: str | None = None,
    partner_country: str | None = None,
    themes=(),
    ended: bool = False,
) -> Project:
    owner = Municipality.objects.get(slug=municipality)
    if not owner.is_published:
        owner.is_published = True
        owner.save(update_fields=["is_published"])
    item = Project.objects.create(
        title=unique("Projekt"),
        slug=unique("projekt"),
        municipality=owner,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 12, 31) if ended else datetime.date(2099, 12, 31),
        is_published=True,
    )
    if participant_country:
        ProjectParticipant.objects.create(
            project=item, organisation=foreign_organisation(participant_country, unique("Org"))
        )
    if partner_country:
        item.partner_countries.add(Country.objects.get(code=partner_country))
    item.themes.set(Theme.objects.filter(slug__in=themes))
    return item
