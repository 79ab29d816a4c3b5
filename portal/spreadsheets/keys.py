"""How the shared records are named in a cell: municipalities, organisations, themes …

Each function gives a fresh `NaturalKey` (it caches what it finds, for one import).
"""

from contacts.models import Organisation
from networks.models import Network
from portal.models import Country, FundingSource, Municipality, Theme
from portal.spreadsheets.widgets import MunicipalityKey, NaturalKey, OrganisationKey
from projects.models import Programme


def municipality_key() -> MunicipalityKey:

    return MunicipalityKey(Municipality)


def organisation_key() -> OrganisationKey:

    return OrganisationKey(
        Organisation,
        unknown="Hittar ingen organisation {value}. Skriv organisationens namn eller "
        "adressnamn; en ny organisation läggs först till under Organisationer (en lista med "
        "en rad per partner, under Importera projektlista, lägger till dem som saknas).",
    )


def programme_key() -> NaturalKey:

    return NaturalKey(
        Programme,
        lookups=("name", "short_name", "slug"),
        unknown="Hittar inget program {value}. Skriv programmets namn, till exempel "
        "Interreg Öresund.",
    )


def theme_key() -> NaturalKey:

    return NaturalKey(
        Theme,
        unknown="Hittar inget samarbetsområde {value}. Skriv namnet som det står under "
        "Samarbetsområden.",
    )


def funding_source_key() -> NaturalKey:

    return NaturalKey(
        FundingSource,
        unknown="Hittar ingen finansieringsform {value}. Skriv namnet som det står under "
        "Finansieringsformer.",
    )


def country_key() -> NaturalKey:

    return NaturalKey(
        Country,
        lookups=("name", "name_en", "code"),
        fallback_field="code",
        unknown="Hittar inget land {value}. Skriv landets svenska namn, till exempel "
        "Danmark, eller landskoden DK.",
    )


def network_key() -> NaturalKey:

    return NaturalKey(
        Network,
        lookups=("name", "acronym", "slug"),
        unknown="Hittar inget nätverk {value}. Skriv nätverkets namn; ett nytt nätverk "
        "läggs först till under Nätverk.",
    )
