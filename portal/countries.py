"""All of ISO 3166-1 from pycountry, with Swedish names from CLDR (Babel).

Kosovo has no ISO code but is a partner country for Swedish municipalities (Vushtrri);
it is added with the user-assigned code XK that the EU and CLDR use.

World regions follow the SKL 2018 survey: Norden (Denmark with the Faroe Islands,
Finland with Åland, Iceland, Norway, Greenland and Sweden), övriga Europa, övriga världen.
"Europe" here is the UN geoscheme's Europe (M49 code 150) plus the Council of Europe
members that the geoscheme puts in Asia (Cyprus, Turkey, Georgia, Armenia, Azerbaijan),
the way Swedish cooperation programmes count them.
"""

from dataclasses import dataclass

import pycountry
from babel import Locale

from portal.choices import WorldRegion

NORDIC = frozenset({"AX", "DK", "FI", "FO", "GL", "IS", "NO", "SE"})
EUROPE = frozenset(
    {
        "AD", "AL", "AM", "AT", "AZ", "BA", "BE", "BG", "BY", "CH", "CY", "CZ", "DE", "EE",
        "ES", "FR", "GB", "GE", "GG", "GI", "GR", "HR", "HU", "IE", "IM", "IT", "JE", "LI",
        "LT", "LU", "LV", "MC", "MD", "ME", "MK", "MT", "NL", "PL", "PT", "RO", "RS", "RU",
        "SI", "SJ", "SK", "SM", "TR", "UA", "VA", "XK",
    }
)  # fmt: skip
EXTRA_COUNTRIES = {"XK": "Kosovo"}


@dataclass(frozen=True)
class CountryData:
    code: str
    name: str
    name_en: str
    world_region: str


def world_region(code: str) -> str:
    if code in NORDIC:
        return WorldRegion.NORDIC
    if code in EUROPE:
        return WorldRegion.EUROPE
    return WorldRegion.WORLD


def all_countries() -> list[CountryData]:
    swedish = Locale("sv").territories
    english = {
        country.alpha_2: getattr(country, "common_name", None) or country.name
        for country in pycountry.countries
    }
    english.update(EXTRA_COUNTRIES)
    return [
        CountryData(
            code=code,
            name=swedish.get(code, name_en),
            name_en=name_en,
            world_region=world_region(code),
        )
        for code, name_en in sorted(english.items())
    ]
