"""The organisation that is a Swedish municipality or region itself (its "own" organisation):
how the imports find it, and make one where there is none."""

from contacts.models import Organisation, OrganisationKind
from portal.countries import SWEDEN
from portal.parties import swedish_party_q


def own_organisations(municipality_ids=None) -> dict:
    """Each municipality's or region's own organisation (the one that is it), by
    municipality id: where there are several, the one named like the municipality, else
    the oldest. One query."""
    rows = Organisation.objects.filter(swedish_party_q()).select_related("municipality")
    if municipality_ids is not None:
        rows = rows.filter(municipality__in=municipality_ids)
    chosen: dict = {}
    named_alike: set = set()
    for organisation in rows.order_by("pk"):
        municipality = organisation.municipality
        alike = organisation.name in (
            municipality.name,
            municipality.display_name,
            municipality.short_name,
        )
        if municipality.pk not in chosen or (alike and municipality.pk not in named_alike):
            chosen[municipality.pk] = organisation
            if alike:
                named_alike.add(municipality.pk)
    return chosen


def new_own_organisation(municipality):
    """An unsaved organisation that is the municipality or region itself, named as it
    names itself ("Trollhättans Stad", "Region Skåne")."""
    return Organisation(
        name=municipality.public_name,
        kind=OrganisationKind.REGION
        if municipality.kind == "region"
        else OrganisationKind.MUNICIPALITY,
        country_id=SWEDEN,
        municipality=municipality,
    )
