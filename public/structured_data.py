"""schema.org JSON-LD for the detail pages, built from the same objects the page shows."""

from django.urls import reverse


def _url(request, name: str, slug: str) -> str:
    return request.build_absolute_uri(reverse(name, args=[slug]))


def _organisation(organisation) -> dict:
    data = {"@type": "Organization", "name": organisation.name}
    if organisation.website:
        data["url"] = organisation.website
    if organisation.country_id:
        data["address"] = {"@type": "PostalAddress", "addressCountry": organisation.country_id}
    return data


def _period(data: dict, item) -> dict:
    if item.start_date:
        data["startDate"] = item.start_date.isoformat()
    if item.ends_on:
        data["endDate"] = item.ends_on.isoformat()
    return data


def municipality_data(request, municipality) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "name": municipality.public_name,
        "url": _url(request, "portal:municipality_detail", municipality.slug),
        "address": {
            "@type": "PostalAddress",
            "addressRegion": municipality.county.name,
            "addressCountry": "SE",
        },
    }
    if municipality.website:
        data["sameAs"] = [municipality.website]
    return data


def partnership_data(request, partnership) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Project",
        "name": f"{partnership.municipality.short_name} – {partnership.name}",
        "url": _url(request, "partnerships:detail", partnership.slug),
        "member": [
            {"@type": "GovernmentOrganization", "name": partnership.municipality.public_name},
            *[_organisation(org) for org in partnership.partner_organisations],
        ],
    }
    return _period(data, partnership)


def project_data(request, project) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Project",
        "name": project.title,
        "url": _url(request, "projects:detail", project.slug),
        "member": [
            _organisation(participant.organisation)
            for participant in project.project_participants.all()
        ],
    }
    if project.acronym:
        data["alternateName"] = project.acronym
    if project.summary:
        data["description"] = project.summary
    if project.programme:
        data["funder"] = {"@type": "Organization", "name": str(project.programme)}
    return _period(data, project)


def network_data(request, network) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": network.name,
        "url": _url(request, "networks:detail", network.slug),
        "member": [
            {"@type": "GovernmentOrganization", "name": membership.municipality.public_name}
            for membership in network.public_memberships
        ],
    }
    if network.acronym:
        data["alternateName"] = network.acronym
    if network.website:
        data["sameAs"] = [network.website]
    if network.founded_year:
        data["foundingDate"] = str(network.founded_year)
    return data
