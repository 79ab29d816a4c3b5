"""Names as others write them: Swedish municipalities and regions, and organisations.

One place for the rules by which the imports (twin towns, project lists) and the data
quality page decide that two names mean the same thing:

- `organisation_name_keys`: the keys an organisation's name is compared under, so that
  "Hjørring Kommune", "HJORRING" and "Municipality of Hjørring" meet;
- `SwedishMunicipalities`: a municipality or region found by SCB code, official, short or
  display name, with or without "kommun"/"stad"/"Municipality"/"City of", in any case, a
  known former or alternative name, or an English exonym ("Gothenburg"), saying how it
  was found so that nothing is matched silently. It never guesses: a name without
  diacritics that fits two municipalities (Habo, Håbo) names both, and a place inside a
  municipality ("Ullånger (Kramfors)") is refused with the municipality suggested.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import functools
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "reference"

#: Letters that Unicode does not decompose into a base letter and a diacritic.
UNDECOMPOSED = {
    "ø": "o",
    "æ": "ae",
    "œ": "oe",
    "ß": "ss",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
}
_LETTERS = str.maketrans(UNDECOMPOSED)
_SEPARATORS = re.compile(r"[\s\-‐–—_]+")


def plain(text: str) -> str:
    """Lower case, one space between words, hyphens as spaces; diacritics kept."""
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFC", str(text)).casefold()).strip()


def fold(text: str) -> str:
    """`plain` without diacritics: "Hjørring" → "hjorring", "Växjö" → "vaxjo"."""
    decomposed = unicodedata.normalize("NFKD", plain(text))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).translate(
        _LETTERS
    )


def has_diacritics(text: str) -> bool:
    return fold(text) != plain(text)


# --- Organisations ----------------------------------------------------------------------

# Words that say what kind of body a place is rather than which place: "JB Marks Local
# Municipality" and "JB Marks" are one name. Longest first, so that "local municipality"
# goes before "municipality".
NAME_SUFFIXES = (
    "metropolitan municipality",
    "district municipality",
    "local municipality",
    "municipal council",
    "city council",
    "town council",
    "municipality",
    "kommuna",
    "kommune",
    "kommun",
    "gemeente",
    "stadt",
    "city",
    "stad",
)
NAME_PREFIXES = (
    "municipality of",
    "commune de",
    "commune d",
    "ville de",
    "ville d",
    "gemeente",
    "city of",
    "town of",
    "stadt",
)
# Swedish suffixes take the genitive: "Trollhättans Stad" is Trollhättan's.
GENITIVE_SUFFIXES = ("kommun", "stad")


def _words(name: str) -> str:
    """Lower case, no diacritics, punctuation as spaces, single spaces."""
    return re.sub(r"[\W_]+", " ", fold(name)).strip()


def organisation_name_keys(name: str) -> set[str]:
    """The keys under which a name is compared: "Växjö kommun", "VAXJO" and
    "Växjö Municipality" all give "vaxjo"; "Trollhättans Stad" gives "trollhattans" and
    "trollhattan"; "J.B. Marks Local Municipality" gives "jbmarks"."""
    text = _words(name)
    genitive = False
    stripped = True
    while stripped:
        stripped = False
        for suffix in NAME_SUFFIXES:
            if text.endswith(f" {suffix}"):
                text = text[: -len(suffix) - 1].rstrip()
                genitive = genitive or suffix in GENITIVE_SUFFIXES
                stripped = True
                break
        for prefix in NAME_PREFIXES:
            if text.startswith(f"{prefix} "):
                text = text[len(prefix) + 1 :].lstrip()
                stripped = True
                break
    # Spaces go last, so that "J.B. Marks" and "JB Marks", "Stefan-Voda" and "Stefan Vodă" meet.
    key = text.replace(" ", "")
    keys = {key} if key else set()
    if genitive and len(key) > 2 and key.endswith("s"):
        keys.add(key[:-1])
    return keys


def organisation_name_key(name: str) -> str:
    """One key for a name (the longest of its keys), for indexes and suggestions."""
    keys = organisation_name_keys(name)
    return max(keys, key=len) if keys else ""


def nearest_keys(key: str, keys, n: int = 3) -> list[str]:
    """Keys that look like `key`: close by difflib, or one holding the other
    ("kogekommunas" and "koge"), for "Närmast: …" beside an unknown name."""
    keys = list(keys)
    found = difflib.get_close_matches(key, keys, n=n, cutoff=0.75)
    if len(found) < n and len(key) >= 4:
        found += [
            other
            for other in keys
            if len(other) >= 4 and (other in key or key in other) and other not in found
        ][: n - len(found)]
    return found


# --- Swedish municipalities and regions --------------------------------------------------

_MUNICIPALITY_AFFIXES = re.compile(
    r"^(?:(?:municipality|city|town) of )|"
    r"(?: (?:kommun|kommune|kommuns|stad|stads|municipality|city|city council))$"
)


def municipality_key(text: str) -> str:
    """ "Växjö kommun", "VÄXJÖ", "City of Växjö" → "växjö" (diacritics kept); "Skåne
    Region" and "Region of Skåne" → "region skåne"."""
    key = plain(text)
    for _ in range(2):  # "City of Malmö stad"
        key = _MUNICIPALITY_AFFIXES.sub("", key).strip()
    region_of = re.match(r"^region of (.+)$", key)
    if region_of:
        return f"region {region_of.group(1)}"
    region_last = re.match(r"^(.+) region$", key)
    if region_last and not key.startswith("region "):
        return f"region {region_last.group(1)}"
    return key


class Via:
    """How a Swedish municipality was found, when that is worth saying."""

    NAME = ""
    ENGLISH = "matchad via engelskt namn"
    FORMER = "matchad via tidigare namn"
    OTHER = "matchad via annat namn"


_VIA_OF_KIND = {"engelskt": Via.ENGLISH, "tidigare": Via.FORMER, "annat": Via.OTHER}


@dataclasses.dataclass(frozen=True)
class MunicipalityMatch:
    municipality: object | None
    via: str = ""
    error: str = ""

    def __bool__(self) -> bool:
        return self.municipality is not None


@functools.cache
def reference_names() -> tuple[tuple[str, str, str], ...]:
    """(SCB code, name, kind) from fixtures/reference/municipality_names.csv: English
    exonyms, former and other names of municipalities and regions."""
    with open(REFERENCE_DIR / "municipality_names.csv", encoding="utf-8", newline="") as file:
        return tuple((row["scb_code"], row["name"], row["kind"]) for row in csv.DictReader(file))


class SwedishMunicipalities:
    """All municipalities and regions in memory (one query), found by code or name."""

    def __init__(self, municipalities=None):
        from portal.models import Municipality

        self.objects = list(
            municipalities
            if municipalities is not None
            else Municipality.objects.select_related("county").order_by("scb_code")
        )
        self.by_code = {}
        self.exact: dict[str, dict[int, tuple]] = defaultdict(dict)
        self.folded: dict[str, dict[int, tuple]] = defaultdict(dict)
        for municipality in self.objects:
            self.by_code[municipality.scb_code] = municipality
            for name in (municipality.name, municipality.short_name, municipality.display_name):
                if name:
                    self._add(municipality, name, Via.NAME)
        for code, name, kind in reference_names():
            municipality = self.by_code.get(code)
            if municipality is not None:
                self._add(municipality, name, _VIA_OF_KIND.get(kind, Via.OTHER))

    def _add(self, municipality, name: str, via: str) -> None:
        key = municipality_key(name)
        for index, lookup in ((self.exact, key), (self.folded, fold(key))):
            # A municipality's own name wins over another way to write it.
            if municipality.pk not in index[lookup] or via == Via.NAME:
                index[lookup][municipality.pk] = (municipality, via)

    def _candidates(self, text: str) -> dict[int, tuple]:
        key = municipality_key(text)
        index, lookup = (self.exact, key) if has_diacritics(key) else (self.folded, fold(key))
        found = index.get(lookup)
        if not found and lookup.endswith(("s", "'")):
            found = index.get(lookup[:-1])  # the genitive: "Trollhättans Stad", "Borås'"
        return found or {}

    def find(self, text) -> MunicipalityMatch:
        """The municipality or region, how it was found, or why none (naming candidates)."""
        text = " ".join(str(text).split())
        if not text:
            return MunicipalityMatch(None, error="Kommun saknas.")
        if text.isdigit():
            code = text.zfill(4) if len(text) > 2 else text.zfill(2)
            municipality = self.by_code.get(code) or self.by_code.get(text.zfill(4))
            if municipality is None:
                return MunicipalityMatch(
                    None, error=f"Ingen kommun eller region har SCB-koden {text}."
                )
            return MunicipalityMatch(municipality)
        candidates = self._candidates(text)
        if len(candidates) == 1:
            municipality, via = next(iter(candidates.values()))
            return MunicipalityMatch(municipality, via)
        if candidates:
            names = " eller ".join(
                f"{m.name} (SCB-kod {m.scb_code}, {m.county.name})"
                for m, _ in sorted(candidates.values(), key=lambda item: item[0].scb_code)
            )
            return MunicipalityMatch(
                None,
                error=f"”{text}” kan vara {names}. Skriv namnet med å, ä och ö eller ange "
                "SCB-koden.",
            )
        inside = self._place_inside(text)
        if inside:
            return MunicipalityMatch(None, error=inside)
        suggestions = difflib.get_close_matches(
            fold(municipality_key(text)), list(self.folded), n=3, cutoff=0.8
        )
        names = sorted({m.short_name for key in suggestions for m, _ in self.folded[key].values()})
        hint = f" Menade du {' eller '.join(names)}?" if names else ""
        return MunicipalityMatch(None, error=f"Ingen kommun heter ”{text}”.{hint}")

    def _place_inside(self, text: str) -> str:
        """ "Ullånger (Kramfors)" or "Ullånger, Kramfors": a place named with its
        municipality. Refused, with the municipality suggested."""
        match = re.fullmatch(r"(.+?)\s*(?:\((.+)\)|,\s*(.+))", text)
        if not match:
            return ""
        place, municipality_text = match.group(1), match.group(2) or match.group(3)
        candidates = self._candidates(municipality_text)
        if len(candidates) != 1:
            return ""
        municipality, _ = next(iter(candidates.values()))
        return (
            f"”{place}” är en ort i {municipality.name}, inte en kommun. Skriv kommunens "
            f"namn ({municipality.short_name}) eller SCB-koden ({municipality.scb_code})."
        )

    def recognise(self, name: str):
        """For a participant's name in a list: the Swedish municipality or region it is
        ("City of Malmö", "BORLÄNGE KOMMUN", "Region Skåne"), with how it was found, or
        None. Never by a guess: only an unambiguous name or exonym."""
        candidates = self._candidates(name)
        if len(candidates) == 1:
            return MunicipalityMatch(*next(iter(candidates.values())))
        return None
