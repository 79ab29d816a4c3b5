"""All of ISO 3166-1 from pycountry, with Swedish names from CLDR (Babel).

Kosovo has no ISO code but is a partner country for Swedish municipalities (Vushtrri);
it is added with the user-assigned code XK that the EU and CLDR use.

World regions follow the SKL 2018 survey: Norden (Denmark with the Faroe Islands,
Finland with Åland, Iceland, Norway, Greenland and Sweden), övriga Europa, övriga världen.
"Europe" here is the UN geoscheme's Europe (M49 code 150) plus the Council of Europe
members that the geoscheme puts in Asia (Cyprus, Turkey, Georgia, Armenia, Azerbaijan),
the way Swedish cooperation programmes count them.
"""

import functools
from dataclasses import dataclass

import pycountry
from babel import Locale

from portal.choices import WorldRegion

#: ISO code of Sweden: Swedish parties are never "abroad".
SWEDEN = "SE"
NORDIC = frozenset({"AX", "DK", "FI", "FO", "GL", "IS", "NO", SWEDEN})
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


# --- Countries as lists write them (the twin-town import, partnerships/twin_town_import.py) ---

#: Forms that twin-town lists use and neither CLDR's Swedish names nor pycountry's names and
#: codes give, or give wrongly (pycountry's fuzzy search takes "Republic of Korea" for North
#: Korea and "Kosovo" for Serbia). Keys are folded as `_country_key` folds. Kept short: each
#: entry is tested in tests/admin/test_twin_town_import.py.
COUNTRY_ALIASES = {
    "usa": "US",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "skottland": "GB",
    "scotland": "GB",
    "wales": "GB",
    "nordirland": "GB",
    "northern ireland": "GB",
    "republic of korea": "KR",
    "korea, south": "KR",
    "holland": "NL",
    "vitryssland": "BY",
    "kosovo": "XK",
}


def _country_key(text: str) -> str:
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold()


def _ascii_key(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", _country_key(text))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@functools.cache
def _country_names() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """Every country's names and codes → its code, as typed and without diacritics."""
    exact: dict[str, str] = {}
    folded: dict[str, set[str]] = {}
    for data in all_countries():
        country = pycountry.countries.get(alpha_2=data.code)
        names = [data.code, data.name, data.name_en]
        if country is not None:
            names += [
                country.alpha_3,
                country.name,
                getattr(country, "official_name", ""),
                getattr(country, "common_name", ""),
            ]
        for name in filter(None, names):
            exact.setdefault(_country_key(name), data.code)
            folded.setdefault(_ascii_key(name), set()).add(data.code)
    return exact, {key: frozenset(codes) for key, codes in folded.items()}


def country_code_for(text: str) -> str | None:
    """The ISO alpha-2 code (or XK) for a country as a list writes it — Swedish or English
    name, alpha-2 or alpha-3 code, an alias above, the name without diacritics — or, last,
    pycountry's fuzzy search when exactly one country's own name holds the text ("Russia"
    → RU). None when unknown or when the text could be more than one country."""
    key = _country_key(text)
    if not key:
        return None
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    exact, folded = _country_names()
    if key in exact:
        return exact[key]
    codes = folded.get(_ascii_key(key), frozenset())
    if len(codes) == 1:
        return next(iter(codes))
    if codes:
        return None
    try:
        candidates = pycountry.countries.search_fuzzy(key)
    except LookupError:
        return None
    # Only countries whose own names hold the text: search_fuzzy also answers with the
    # country of a matching province ("Arizona" → US, "Kongo" → one of the two Congos).
    found = {
        country.alpha_2
        for country in candidates
        if any(
            _ascii_key(key) in _ascii_key(name)
            for name in (
                country.name,
                getattr(country, "official_name", ""),
                getattr(country, "common_name", ""),
            )
            if name
        )
    }
    return found.pop() if len(found) == 1 else None
