"""What each kind of record's search document holds, read for many records at once.

Each builder takes a list of keys and returns {key: Text} for the records that exist
(drafts too: their documents say `is_public=False`). A few queries per kind, whatever the
number of keys."""

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps

from search.models import Kind


@dataclass(frozen=True)
class Text:
    is_public: bool
    title: str
    names: list[str]
    body: list[str]


def _labels(model, field: str) -> dict:
    return {str(value): str(label) for value, label in model._meta.get_field(field).flatchoices}


def _municipality_names(ids) -> dict[int, list[str]]:
    Municipality = apps.get_model("portal", "Municipality")
    return {
        pk: [name, short_name]
        for pk, name, short_name in Municipality._base_manager.filter(pk__in=set(ids)).values_list(
            "pk", "name", "short_name"
        )
    }


def _grouped(pairs) -> dict[int, list[str]]:
    grouped = defaultdict(list)
    for key, *texts in pairs:
        grouped[key].extend(text for text in texts if text)
    return grouped


def municipalities(ids) -> dict[int, Text]:
    Municipality = apps.get_model("portal", "Municipality")
    rows = Municipality._base_manager.filter(pk__in=ids).values_list(
        "pk", "name", "short_name", "display_name", "intro"
    )
    # Whether a municipality has a page of its own is decided when it is found
    # (public.selectors.public_municipalities()): it can follow from any record that involves it.
    return {
        pk: Text(True, name, [short_name, display_name], [intro])
        for pk, name, short_name, display_name, intro in rows
    }


def partnerships(ids) -> dict[int, Text]:
    Partnership = apps.get_model("partnerships", "Partnership")
    Party = apps.get_model("partnerships", "PartnershipParty")
    kinds = _labels(Partnership, "kind")
    rows = list(
        Partnership._base_manager.filter(pk__in=ids).values_list(
            "pk", "is_published", "name", "kind", "municipality_id", "background"
        )
    )
    parties = _grouped(
        Party.objects.filter(partnership__in=ids)
        .order_by("partnership", "organisation__name")
        .values_list(
            "partnership",
            "organisation__name",
            "organisation__short_name",
            "organisation__country__name",
        )
    )
    owners = _municipality_names(row[4] for row in rows)
    return {
        pk: Text(
            is_published,
            name,
            [kinds.get(kind, ""), *parties.get(pk, []), *owners.get(municipality, [])],
            [background],
        )
        for pk, is_published, name, kind, municipality, background in rows
    }


def projects(ids) -> dict[int, Text]:
    Project = apps.get_model("projects", "Project")
    Participant = apps.get_model("projects", "ProjectParticipant")
    rows = list(
        Project._base_manager.filter(pk__in=ids).values_list(
            "pk",
            "is_published",
            "title",
            "acronym",
            "original_title",
            "municipality_id",
            "programme__name",
            "programme__short_name",
            "programme__parent__name",
            "summary",
            "description",
        )
    )
    participants = _grouped(
        Participant.objects.filter(project__in=ids)
        .order_by("project", "organisation__name")
        .values_list("project", "organisation__name", "organisation__short_name")
    )
    owners = _municipality_names(row[5] for row in rows)
    documents = {}
    for (
        pk,
        is_published,
        title,
        acronym,
        original_title,
        municipality,
        *programme,
        summary,
        description,
    ) in rows:
        documents[pk] = Text(
            is_published,
            f"{title} ({acronym})" if acronym and acronym != title else title,
            [
                original_title,
                *(name for name in programme if name),
                *participants.get(pk, []),
                *owners.get(municipality, []),
            ],
            [summary, description],
        )
    return documents


def networks(ids) -> dict[int, Text]:
    Network = apps.get_model("networks", "Network")
    categories = _labels(Network, "category")
    rows = Network._base_manager.filter(pk__in=ids).values_list(
        "pk", "is_published", "name", "acronym", "category", "description"
    )
    return {
        pk: Text(
            is_published,
            f"{name} ({acronym})" if acronym else name,
            [categories.get(category, "")],
            [description],
        )
        for pk, is_published, name, acronym, category, description in rows
    }


def partner_requests(ids) -> dict[int, Text]:
    PartnerRequest = apps.get_model("seeking", "PartnerRequest")
    kinds = _labels(PartnerRequest, "kind")
    rows = list(
        PartnerRequest._base_manager.filter(pk__in=ids).values_list(
            "pk",
            "is_published",
            "title",
            "kind",
            "municipality_id",
            "organisation__name",
            "description",
        )
    )
    countries = _grouped(
        PartnerRequest.countries.through.objects.filter(partnerrequest__in=ids)
        .order_by("partnerrequest", "country__name")
        .values_list("partnerrequest", "country__name")
    )
    themes = _grouped(
        PartnerRequest.themes.through.objects.filter(partnerrequest__in=ids)
        .order_by("partnerrequest", "theme__name")
        .values_list("partnerrequest", "theme__name")
    )
    owners = _municipality_names(row[4] for row in rows if row[4])
    return {
        pk: Text(
            is_published,
            title,
            [
                kinds.get(kind, ""),
                *countries.get(pk, []),
                *themes.get(pk, []),
                *owners.get(municipality, []),
                organisation or "",
            ],
            [description],
        )
        for pk, is_published, title, kind, municipality, organisation, description in rows
    }


#: Each kind: its model and its builder.
SOURCES = {
    Kind.MUNICIPALITY: ("portal.Municipality", municipalities),
    Kind.PARTNERSHIP: ("partnerships.Partnership", partnerships),
    Kind.PROJECT: ("projects.Project", projects),
    Kind.NETWORK: ("networks.Network", networks),
    Kind.PARTNER_REQUEST: ("seeking.PartnerRequest", partner_requests),
}
