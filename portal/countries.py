"""All of ISO 3166-1 from pycountry, with Swedish names from CLDR (Babel).

Kosovo has no ISO code but is a partner country for Swedish municipalities (Vushtrri);
it is added with the user-assigned code XK that the EU and CLDR use.

World regions follow the SKL 2018 survey: Norden (Denmark with the Faroe Islands,
Finland with Åland, Iceland, Norway, Greenland and Sweden), övriga Europa, övriga världen.
"Europe" here is the UN geoscheme's Europe (M49 code 150) plus the Council of Europe
members that the geoscheme puts in Asia (Cyprus, Turkey, Georgia, Armenia, Azerbaijan),
the way Swedish cooperation programmes count them.
"""

import difflib
import functools
import os
import pickle
import re
import unicodedata
from dataclasses import dataclass

import pycountry
from babel import Locale, localedata
from babel.languages import get_official_languages

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


# --- Countries as lists write them (the twin-town import, partnerships/twin_town_import.py,
# and the Interreg/keep.eu partner lists) ---

#: Forms that lists use and no maintained data gives: neither CLDR (Swedish, English or the
#: country's own languages), nor pycountry's names and codes, nor ISO 3166-3's former names.
#: Keys are folded as `_country_key` folds. Kept short: each entry is tested in
#: tests/admin/test_twin_town_import.py or tests/test_country_names.py.
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
    # Former names that are no ISO 3166-3 entries: the code stayed, only the name changed.
    "turkey": "TR",
    "swaziland": "SZ",
    "republic of macedonia": "MK",
    "former yugoslav republic of macedonia": "MK",
    "fyrom": "MK",
    # Common names that CLDR and ISO write otherwise.
    "ivory coast": "CI",
    "republic of ireland": "IE",
    "democratic republic of the congo": "CD",
    "dr congo": "CD",
    "dr kongo": "CD",
}

#: Names that the data gives one country but lists use for several: ISO's short name of the
#: Republic of the Congo is "Congo", yet "Congo" alone as often means the DR Congo.
AMBIGUOUS_NAMES = {"congo": frozenset({"CD", "CG"})}

#: A parenthesised word that only says the name is a country: "Georgia (country)". Not
#: "state": "Georgia (state)" as often means the US state.
_QUALIFIERS = frozenset({"country", "land", "landet", "nation"})

_PUNCTUATION = str.maketrans(
    {
        "\u00a0": " ",
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        ",": ", ",
    }
)
_SEPARATORS = str.maketrans(dict.fromkeys("-\u2010\u2011\u2012\u2013\u2014(),", " ") | {".": ""})
#: Letters that Unicode does not decompose into a base letter and a diacritic.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "ı": "i"})


def _clean(text: str) -> str:
    """Lower case, one kind of space and apostrophe, "a, b" commas; parentheses kept."""
    text = " ".join(str(text).translate(_PUNCTUATION).split()).casefold()
    return text.replace(" ,", ",")


def _country_key(text: str) -> str:
    """The form names are looked up in: `_clean`, dashes, commas and parentheses as spaces,
    no full stops, no leading "the" ("Kongo (Kinshasa)", "Kongo-Kinshasa" → "kongo kinshasa")."""
    key = " ".join(_clean(text).translate(_SEPARATORS).split())
    return key.removeprefix("the ")


def _ascii_key(text: str) -> str:
    """`_country_key` without diacritics ("Côte d’Ivoire" → "cote d'ivoire")."""
    decomposed = unicodedata.normalize("NFKD", _country_key(text).translate(_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _territory_names(language: str) -> dict[str, str]:
    """CLDR's country names in one language, read from Babel's data file. Not through
    `Locale.parse(language).territories`: that keeps each locale, merged with CLDR's root,
    in Babel's cache, some 80 MB for the hundred-odd official languages, and takes twice as
    long. Languages without a locale in Babel (Fijian, Tetum …) give none."""
    path = localedata.resolve_locale_filename(language)
    if not os.path.exists(path):
        return {}
    with open(path, "rb") as file:
        return pickle.load(file).get("territories", {})


def _former_names() -> list[tuple[str, str]]:
    """ISO 3166-3's withdrawn country names with the one current country that replaced them
    ("Zaire" → CD): the last two letters of the alpha-4 code when they are a current code.
    They are not for the countries that split (CSHH Czechoslovakia, SUHH the USSR, YUCS
    Yugoslavia, whose successor Serbia and Montenegro is withdrawn too)."""
    current = {country.alpha_2 for country in pycountry.countries}
    names = []
    for former in pycountry.historic_countries:
        code = former.alpha_4[2:]
        if code in current:
            # "Burma, Socialist Republic of the Union of": the short name comes first.
            names += [(former.name, code), (former.name.split(",")[0], code)]
    return names


@dataclass(frozen=True)
class _NameIndex:
    exact: dict[str, frozenset[str]]
    folded: dict[str, frozenset[str]]
    #: The current names, folded: where a fragment of a name is sought.
    names: dict[str, frozenset[str]]
    swedish: dict[str, str]


@functools.cache
def _index() -> _NameIndex:
    """Every country's names and codes → its code (several codes: ambiguous)."""
    english = Locale("en").territories
    exact: dict[str, set[str]] = {}
    folded: dict[str, set[str]] = {}
    names: dict[str, set[str]] = {}
    in_language: dict[str, dict[str, str]] = {}

    def add(name: str | None, code: str, *, current: bool = True) -> None:
        if not name:
            return
        exact.setdefault(_country_key(name), set()).add(code)
        folded.setdefault(_ascii_key(name), set()).add(code)
        if current and len(name) > 3:
            names.setdefault(_ascii_key(name), set()).add(code)

    countries = all_countries()
    for data in countries:
        country = pycountry.countries.get(alpha_2=data.code)
        add(data.code, data.code)
        for name in [data.name, data.name_en, english.get(data.code)]:
            add(name, data.code)
        # The name in the country's own official languages: "Deutschland", "Suomi", "Éire".
        for language in get_official_languages(data.code, de_facto=True):
            if language not in in_language:
                in_language[language] = _territory_names(language)
            add(in_language[language].get(data.code), data.code)
        if country is not None:
            add(country.alpha_3, data.code)
            for field in ("name", "official_name", "common_name"):
                add(getattr(country, field, None), data.code)
    for name, code in _former_names():
        add(name, code, current=False)
    for name, codes in AMBIGUOUS_NAMES.items():
        for code in codes:
            add(name, code)
    # Aliases win over the data: they are there because the data is wanting.
    for name, code in COUNTRY_ALIASES.items():
        exact[_country_key(name)] = folded[_ascii_key(name)] = {code}
    return _NameIndex(
        exact={key: frozenset(codes) for key, codes in exact.items()},
        folded={key: frozenset(codes) for key, codes in folded.items()},
        names={name: frozenset(codes) for name, codes in names.items()},
        swedish={data.code: data.name for data in countries},
    )


def _codes_named(text: str) -> frozenset[str] | None:
    """The countries with the text as a name, exactly or without diacritics; None when no
    country has it."""
    index = _index()
    return index.exact.get(_country_key(text)) or index.folded.get(_ascii_key(text))


def _code_of_fragment(text: str) -> str | None:
    """The one country whose current names hold the text ("Macedonia" → MK); None when none
    or several do ("Korea", "Kongo")."""
    fragment = _ascii_key(text)
    if len(fragment) < 4:
        return None
    codes = {code for name, codes in _index().names.items() if fragment in name for code in codes}
    return codes.pop() if len(codes) == 1 else None


@functools.lru_cache(maxsize=4096)
def _code_for(text: str) -> str | None:
    text = _clean(text)
    if not text:
        return None
    codes = _codes_named(text)
    if codes is not None:
        return next(iter(codes)) if len(codes) == 1 else None
    # "Georgia (country)": the name and a word that only says it is a country. Other
    # parentheses ("Kongo (Kinshasa)") are part of the name, looked up above.
    qualified = re.fullmatch(r"(.+?) ?\((.+)\)", text)
    if qualified and qualified[2].strip() in _QUALIFIERS:
        return _code_for(qualified[1])
    # "Bavaria, Germany", "Skåne, Sverige": a place or region, then its country.
    if "," in text:
        code = _code_for(text.rsplit(",", 1)[1])
        if code:
            return code
    return _code_of_fragment(text)


def country_code_for(text: str) -> str | None:
    """The ISO alpha-2 code (or XK) for a country as a list writes it: its Swedish or
    English name or its name in its own language (CLDR), its ISO names or codes, a former
    name, an alias above; case, spaces and diacritics aside. Then "Region, Country" by the
    last part, "Georgia (country)" without the qualifier, and last a part of one country's
    name ("Macedonia"). None when unknown or when the text could be more than one country;
    it never guesses."""
    return _code_for(str(text))


@functools.lru_cache(maxsize=1024)
def _suggestions(key: str, limit: int) -> tuple[str, ...]:
    index = _index()
    names = [name for name in index.folded if len(name) > 3]  # not the codes
    found: list[str] = []
    for name in difflib.get_close_matches(key, names, n=len(names), cutoff=0.8):
        found += sorted(index.folded[name] - set(found))
    return tuple(index.swedish[code] for code in found[:limit])


def country_suggestions(text: str, limit: int = 3) -> list[str]:
    """The Swedish names of up to `limit` countries with a name close to the text, closest
    first ("Tyskand" → ["Tyskland"]), for "Menade du …?"."""
    key = _ascii_key(str(text))
    return list(_suggestions(key, limit)) if key else []
