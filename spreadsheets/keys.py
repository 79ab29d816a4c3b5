"""How the shared core's records are named in a cell: municipalities, countries, themes,
funding sources. The apps name their own (contacts/keys.py: organisations).

Each function gives a fresh `NaturalKey` (it caches what it finds, for one import).
"""

from portal.models import Country, FundingSource, Municipality, Theme
from spreadsheets.widgets import MunicipalityKey, NaturalKey


def municipality_key() -> MunicipalityKey:

    return MunicipalityKey(Municipality)


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
