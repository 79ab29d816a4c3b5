"""Generated scale data: realistic volumes on top of the loaded fixtures.

`generate()` publishes every municipality (giving those without one an intro) and adds
organisations abroad, people, partnerships, projects, networks and memberships. Everything it
creates has a slug starting with `PREFIX` ("skala-"), so `clear()` can find and remove it.

Rows are written with `bulk_create` inside one transaction. django-simple-history writes no
history rows for bulk inserts (nor for the raw deletes in `clear()`); for generated data that
is intended: its history would only be noise.

The output is deterministic for a given seed (and calendar year: periods and activity levels
are placed relative to today so that ended and live records stay consistent).

Contact details are fictitious on purpose: e-mail addresses use the reserved `.example`
top-level domain and phone numbers come from the ranges PTS reserves for fiction.
"""

from __future__ import annotations

import datetime
import functools
import gc
import random
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, fields
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from contacts.models import Organisation, OrganisationKind, Person
from contacts.own import new_own_organisation, own_organisations
from maps.partner_map import country_centre
from networks.models import Membership, MembershipRole, Network, NetworkCategory, NetworkScope
from partnerships.models import Partnership, PartnershipKind, PartnershipParty, PartyRole
from portal.choices import ActivityLevel, Currency
from portal.formatting import DatePrecision
from portal.models import Country, FundingSource, Municipality, Theme
from projects.models import (
    ParticipantRole,
    Programme,
    Project,
    ProjectFacet,
    ProjectKind,
    ProjectParticipant,
)

PREFIX = "skala-"
DEFAULT_SEED = 2018
BATCH_SIZE = 2000


@dataclass(frozen=True)
class Sizes:
    partnerships: int = 5000
    projects: int = 50000
    networks: int = 300
    people: int = 20000

    def scaled(self, factor: float) -> Sizes:
        return Sizes(
            **{f.name: max(1, round(getattr(self, f.name) * factor)) for f in fields(self)}
        )


class ScaleDataExists(Exception):
    """Generated rows are already there; `clear()` them first."""


# A progress reporter: progress(phase_label, total) is a context manager that yields a
# callable taking the number of items just done.
Progress = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]


@contextmanager
def no_progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    yield lambda n=1: None


# --- Names -------------------------------------------------------------------------------

SYLLABLES = {
    "de": (
        ["Neu", "Alt", "Ober", "Nieder", "Groß", "Klein", "Lange", "Schön", "Wald", "Rot"]
        + ["Stein", "Berg", "Hohen", "Linden", "Eichen", "Buchen"],
        ["dorf", "burg", "stadt", "hausen", "feld", "bach", "heim", "berg", "au", "ingen"],
    ),
    "da": (
        ["Ny", "Øster", "Vester", "Skov", "Sønder", "Nord", "Bjerg", "Lille", "Store", "Hol"],
        ["by", "borg", "sted", "strand", "dal", "lev", "rup", "havn", "bæk", "lund"],
    ),
    "no": (
        ["Ny", "Øst", "Vest", "Sør", "Nord", "Lille", "Stor", "Fjell", "Li", "Berg"],
        ["vik", "dal", "stad", "sund", "nes", "fjord", "ås", "heim", "øy", "eid"],
    ),
    "fi": (
        ["Järvi", "Koski", "Mäki", "Lahti", "Salo", "Kivi", "Laakso", "Vaara", "Niemi", "Kangas"],
        ["nen", "la", "järvi", "koski", "lahti", "salmi", "mäki", "vaara", "lampi", "saari"],
    ),
    "pl": (
        ["Nowo", "Staro", "Biało", "Złoto", "Wiśnio", "Dąbro", "Krasno", "Sosno", "Lipno"],
        ["gród", "wice", "wo", "ów", "szyn", "brzeg", "pole", "las"],
    ),
    "en": (
        ["Ash", "Brook", "Chester", "Green", "Kings", "Mill", "North", "Oak", "Spring", "West"]
        + ["Fair", "Lake", "Stone", "Bridge"],
        ["field", "ford", "ton", "wood", "ville", "bury", "port", "dale", "ham", "view"],
    ),
}


@dataclass(frozen=True)
class CountryData:
    cities: tuple[str, ...]
    municipality: str  # template for the city's council, "{city}"
    university: str = "University of {city}"
    company: str = "{city} Water Company"
    syllables: str = ""
    first_names: tuple[str, ...] = ()
    last_names: tuple[str, ...] = ()
    weight: int = 1  # how often a twin town or other cooperation is found here


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _c(cities: str, municipality: str, **kwargs) -> CountryData:
    for key in ("first_names", "last_names"):
        if key in kwargs:
            kwargs[key] = _words(kwargs[key])
    return CountryData(tuple(cities.split(", ")), municipality, **kwargs)


COUNTRIES: dict[str, CountryData] = {
    # Norden
    "DK": _c(
        "Køge, Hjørring, Aalborg, Odense, Vejle, Horsens, Kolding, Roskilde, Svendborg",
        "{city} Kommune",
        university="{city} Erhvervsakademi",
        company="{city} Forsyning",
        syllables="da",
        first_names="Mette Lars Anne Søren Kirsten Jens Line Mads",
        last_names="Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen",
        weight=8,
    ),
    "NO": _c(
        "Drammen, Hamar, Tromsø, Bodø, Lillehammer, Molde, Kongsberg, Arendal, Harstad",
        "{city} kommune",
        university="Høgskolen i {city}",
        company="{city} Energi AS",
        syllables="no",
        first_names="Ingrid Ola Kari Per Silje Knut Hilde Eirik",
        last_names="Hansen Johansen Olsen Larsen Berg Haugen Dahl Bakke",
        weight=8,
    ),
    "FI": _c(
        "Tampere, Turku, Jyväskylä, Vaasa, Kuopio, Lahti, Oulu, Pori, Joensuu, Porvoo",
        "{city} kaupunki",
        university="{city} ammattikorkeakoulu",
        company="{city} Energia Oy",
        syllables="fi",
        first_names="Aino Mikko Laura Juha Sanna Timo Elina Antti",
        last_names="Korhonen Virtanen Mäkinen Nieminen Hämäläinen Laine Heikkinen Koskinen",
        weight=8,
    ),
    "IS": _c(
        "Reykjanesbær, Akureyri, Hafnarfjörður, Ísafjörður, Selfoss",
        "Sveitarfélagið {city}",
        first_names="Guðrún Jón Sigríður Einar",
        last_names="Jónsdóttir Sigurðsson Einarsdóttir Magnússon",
        weight=2,
    ),
    # Övriga Europa
    "DE": _c(
        "Kassel, Rostock, Lübeck, Greifswald, Freiburg, Erfurt, Kiel, Potsdam, Jena, Bremen",
        "Stadt {city}",
        university="Hochschule {city}",
        company="Stadtwerke {city}",
        syllables="de",
        first_names="Anna Jörg Katrin Stefan Julia Thomas Sabine Michael",
        last_names="Müller Schmidt Schneider Fischer Weber Wagner Becker Hoffmann",
        weight=6,
    ),
    "PL": _c(
        "Gdynia, Słupsk, Koszalin, Elbląg, Olsztyn, Toruń, Lublin, Szczecin, Kalisz",
        "Urząd Miasta {city}",
        university="Politechnika {city}",
        company="Wodociągi {city}",
        syllables="pl",
        first_names="Agnieszka Piotr Katarzyna Tomasz Magdalena Paweł",
        last_names="Nowak Kowalski Wiśniewska Wójcik Kamińska Lewandowski",
        weight=4,
    ),
    "EE": _c(
        "Tartu, Pärnu, Viljandi, Rakvere, Haapsalu, Kuressaare, Võru",
        "{city} linnavalitsus",
        university="{city} Kolledž",
        first_names="Kadri Toomas Liis Margus",
        last_names="Tamm Saar Sepp Mägi",
        weight=3,
    ),
    "LV": _c(
        "Jelgava, Ventspils, Liepāja, Valmiera, Cēsis, Daugavpils",
        "{city} valstspilsētas pašvaldība",
        first_names="Ilze Jānis Līga Andris",
        last_names="Bērziņa Kalniņš Ozola Liepiņš",
        weight=3,
    ),
    "LT": _c(
        "Klaipėda, Šiauliai, Panevėžys, Alytus, Utena, Palanga",
        "{city} miesto savivaldybė",
        first_names="Rūta Tomas Jurgita Darius",
        last_names="Kazlauskienė Petrauskas Jankauskaitė Stankevičius",
        weight=3,
    ),
    "NL": _c(
        "Groningen, Zwolle, Delft, Leiden, Arnhem, Deventer",
        "Gemeente {city}",
        university="Hogeschool {city}",
        first_names="Sanne Jeroen Femke Bas",
        last_names="de Jong Jansen de Vries van Dijk",
        weight=2,
    ),
    "FR": _c(
        "Angers, Limoges, Rouen, Tours, Besançon, Poitiers",
        "Ville de {city}",
        university="Université de {city}",
        first_names="Camille Julien Claire Nicolas",
        last_names="Martin Bernard Dubois Moreau",
        weight=2,
    ),
    "ES": _c(
        "Murcia, Gijón, Vigo, Córdoba, Alicante, Zaragoza",
        "Ayuntamiento de {city}",
        university="Universidad de {city}",
        first_names="Lucía Javier María Carlos",
        last_names="García Fernández López Martínez",
        weight=2,
    ),
    "IT": _c(
        "Bologna, Modena, Parma, Ferrara, Ravenna, Trento",
        "Comune di {city}",
        university="Università di {city}",
        first_names="Giulia Marco Chiara Luca",
        last_names="Rossi Russo Ferrari Esposito",
        weight=2,
    ),
    "GB": _c(
        "Norwich, Derby, Swindon, Exeter, Lancaster, Inverness",
        "{city} City Council",
        syllables="en",
        first_names="Emma James Olivia Oliver Sophie Harry",
        last_names="Smith Jones Taylor Brown Williams Wilson",
        weight=3,
    ),
    "UA": _c(
        "Chernihiv, Poltava, Zhytomyr, Vinnytsia, Lutsk, Ivano-Frankivsk, Sumy",
        "{city} City Council",
        first_names="Olena Andrii Iryna Oleksandr Nataliia Serhii",
        last_names="Shevchenko Kovalenko Bondarenko Tkachenko Kravchenko Melnyk",
        weight=2,
    ),
    "GE": _c("Rustavi, Kutaisi, Batumi, Zugdidi, Telavi", "{city} Municipality", weight=1),
    "MD": _c("Cahul, Bălți, Ungheni, Soroca, Orhei", "Primăria {city}", weight=1),
    "RS": _c("Kragujevac, Niš, Novi Sad, Subotica, Čačak", "Grad {city}", weight=1),
    "BA": _c("Tuzla, Zenica, Mostar, Bihać, Prijedor", "Grad {city}", weight=1),
    "XK": _c("Prizren, Gjakova, Peja, Ferizaj, Mitrovica", "Komuna e {city}", weight=1),
    "MK": _c("Bitola, Ohrid, Kumanovo, Štip, Strumica", "Opština {city}", weight=1),
    "TR": _c("Izmir, Eskişehir, Bursa, Mersin, Trabzon", "{city} Belediyesi", weight=1),
    # Övriga världen
    "US": _c(
        "Tempe, Duluth, Rockford, Madison, Bismarck, Portland, Worcester, Jamestown",
        "City of {city}",
        syllables="en",
        first_names="Jennifer Michael Ashley Robert Emily David",
        last_names="Johnson Miller Davis Anderson Thompson Peterson",
        weight=4,
    ),
    "KE": _c(
        "Kisumu, Nakuru, Eldoret, Machakos, Nyeri, Kitui, Kakamega",
        "{city} County Government",
        first_names="Wanjiru Otieno Achieng Kipchoge Njeri Mwangi",
        last_names="Odhiambo Kamau Wanjala Mutua Kiprono Chebet",
        weight=1,
    ),
    "TZ": _c(
        "Arusha, Mwanza, Dodoma, Morogoro, Tanga, Moshi",
        "{city} Municipal Council",
        first_names="Neema Baraka Rehema Juma",
        last_names="Mushi Mollel Massawe Mrema",
        weight=1,
    ),
    "UG": _c("Kampala, Jinja, Gulu, Mbarara, Entebbe", "{city} Municipal Council", weight=1),
    "BW": _c("Gaborone, Francistown, Maun, Serowe, Lobatse", "{city} City Council", weight=1),
    "NA": _c("Windhoek, Walvis Bay, Swakopmund, Oshakati, Keetmanshoop", "{city} Town Council"),
    "ZA": _c(
        "JB Marks, Polokwane, Mbombela, Msunduzi, Mangaung, Buffalo City",
        "{city} Local Municipality",
        weight=1,
    ),
    "MZ": _c("Beira, Nampula, Quelimane, Chimoio, Pemba", "Município de {city}", weight=1),
    "ZM": _c("Ndola, Kitwe, Livingstone, Kabwe, Chipata", "{city} City Council", weight=1),
    "IN": _c("Pune, Nagpur, Kochi, Mysuru, Surat", "{city} Municipal Corporation", weight=1),
    "ID": _c("Surabaya, Semarang, Bogor, Malang, Makassar", "Pemerintah Kota {city}", weight=1),
    "VN": _c("Hue, Da Nang, Can Tho, Hai Phong, Vinh", "{city} People's Committee", weight=1),
    "CN": _c("Kunming, Suzhou, Xiamen, Dalian, Qingdao", "{city} Municipal Government", weight=1),
}

SWEDISH_FIRST = _words(
    "Anna Eva Maria Karin Sara Lena Emma Kristina Elin Ida Malin Sofia Linnea Johanna Helena "
    "Erik Lars Karl Anders Johan Per Nils Mikael Jonas Fredrik Henrik Magnus Oskar Gustav Ali "
    "Fatima Amir Leila Mohammed Yasmin"
)
SWEDISH_LAST = _words(
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
    "Pettersson Jonsson Jansson Hansson Bengtsson Lindberg Lindqvist Lundgren Berg Holm Ström "
    "Sandberg Forsberg Lindgren Axelsson Hassan Ali Nordin Sjöberg Wallin Engström Åberg"
)
INTERNATIONAL_FIRST = _words("Maria Daniel Sara David Amina John Elena Ahmed Grace Samuel")
INTERNATIONAL_LAST = _words("Petrov Okafor Haddad Silva Novak Mensah Ivanova Kim Costa Banda")

TITLES_SE = [
    "Internationell samordnare",
    "EU-samordnare",
    "Projektledare",
    "Utvecklingsstrateg",
    "Kommunikatör",
    "Enhetschef",
    "Miljöstrateg",
    "Näringslivsutvecklare",
]
TITLES_ABROAD = [
    "International Officer",
    "Project Manager",
    "Head of Development",
    "Coordinator",
    "Mayor's Advisor",
]
# Fictitious numbers (PTS reserves these ranges for films, books and examples).
PHONE_RANGES = [("+46701740", 605, 699), ("+4631390", 600, 699), ("+46846500", 400, 499)]

TITLE_ADJECTIVES = [
    "Hållbar",
    "Smart",
    "Grön",
    "Digital",
    "Inkluderande",
    "Cirkulär",
    "Trygg",
    "Fossilfri",
    "Öppen",
    "Levande",
    "Klimatsmart",
    "Jämlik",
]
TITLE_TOPICS = [
    "stadsutveckling",
    "energiomställning",
    "vattenförvaltning",
    "avfallshantering",
    "kollektivtrafik",
    "förvaltning",
    "skola",
    "äldreomsorg",
    "turism",
    "integration",
    "besöksnäring",
    "demokrati",
    "kustzon",
    "landsbygd",
    "livsmedelskedja",
    "mobilitet",
    "ungdomsinflytande",
    "företagande",
]
TITLE_TAILS = [
    "",
    "",
    " i Östersjöregionen",
    " i Norden",
    " i små kommuner",
    " – erfarenhetsutbyte",
    " genom samverkan",
    " för unga",
    " i gränsregionen",
]

NETWORK_PREFIXES = [
    "Nordiska",
    "Europeiska",
    "Baltiska",
    "Svenska",
    "Regionala",
    "Internationella",
    "Gränsregionala",
    "Arktiska",
    "Kustkommunernas",
    "Landsbygdens",
]
NETWORK_TOPICS = [
    "klimat",
    "energi",
    "kultur",
    "vatten",
    "skol",
    "turism",
    "integrations",
    "hälso",
    "trafik",
    "demokrati",
    "innovations",
    "ungdoms",
    "avfalls",
    "social ekonomi-",
    "mat",
    "jämställdhets",
    "digitaliserings",
    "landsbygds",
    "hamn",
    "vänorts",
]
NETWORK_FORMS = ["nätverket", "forumet", "samarbetet"]
MEMBERSHIP_ROLES = ["Ordförande", "Vice ordförande", "Styrelseledamot", "Värd för årsmötet"]


# --- Helpers -----------------------------------------------------------------------------


def _slug(text: str, index: int, kind: str = "") -> str:
    """skala-<kind>-<text>-<index>, ASCII, at most 100 characters and unique by index."""
    tail = f"-{index}"
    head = f"{PREFIX}{kind + '-' if kind else ''}"
    body = slugify(text)[: 100 - len(head) - len(tail)].strip("-") or "x"
    return f"{head}{body}{tail}"


def _ascii(text: str) -> str:
    return slugify(text.replace("ø", "o").replace("æ", "ae").replace("ß", "ss")).replace("-", "")


def _maker(model) -> Callable[..., object]:
    """A fast constructor: Model(*args) skips the per-field keyword lookups of Model(**kwargs)
    (about 10 µs instead of 35 µs a row, which counts at 300 000 rows). Takes attnames
    (`project_id`, not `project`); the other fields get their defaults."""
    fields = model._meta.concrete_fields
    defaults = [field.get_default() for field in fields]
    index = {field.attname: position for position, field in enumerate(fields)}

    def make(**values):
        args = defaults.copy()
        for name, value in values.items():
            args[index[name]] = value
        return model(*args)

    return make


def _batched(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bulk(model, objects: list, tick: Callable[[int], None]) -> None:
    """bulk_create in batches; primary keys are set on the objects (SQLite ≥ 3.35, PG)."""
    for batch in _batched(objects, BATCH_SIZE):
        model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
        tick(len(batch))


def _date(rng: random.Random, year: int) -> tuple[datetime.date, str]:
    precision = rng.choices(
        [DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY], [5, 4, 1]
    )[0]
    return datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)), precision


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


@dataclass
class Context:
    rng: random.Random
    today: datetime.date
    progress: Progress
    municipalities: list
    themes: list
    countries: dict
    swedish_orgs: dict  # municipality id -> Organisation
    foreign_orgs: list  # Organisation, kind kommun
    other_orgs: list  # universities and companies abroad
    people_by_municipality: dict
    partnerships_by_municipality: dict

    @functools.cached_property
    def municipality_by_id(self) -> dict:
        return {municipality.pk: municipality for municipality in self.municipalities}


# --- Entities ----------------------------------------------------------------------------


def municipality_intro(municipality: Municipality) -> str:
    """The intro given to a municipality that has none (also how `clear()` recognises it)."""
    return (
        f"{municipality.public_name} samarbetar med kommuner, regioner och organisationer i "
        "andra länder: vänorter, kommunala partnerskap, EU-projekt och nätverk. Här finns "
        "samarbetena, projekten och vem du kan kontakta."
    )


def publish_municipalities(ctx: Context) -> int:
    now = timezone.now()
    changed = []
    with ctx.progress("Kommuner", len(ctx.municipalities)) as tick:
        for municipality in ctx.municipalities:
            if not municipality.intro:
                municipality.intro = municipality_intro(municipality)
            municipality.is_published = True
            municipality.updated_at = now
            changed.append(municipality)
        Municipality.objects.bulk_update(
            changed, ["intro", "is_published", "updated_at"], batch_size=BATCH_SIZE
        )
        tick(len(changed))
    return len(changed)


def create_organisations(ctx: Context, sizes: Sizes) -> int:
    rng = ctx.rng
    existing = own_organisations()
    new: list[Organisation] = []
    for municipality in ctx.municipalities:
        org = existing.get(municipality.pk)
        if org is None:
            org = new_own_organisation(municipality)
            org.slug = _slug(municipality.slug, len(new), "org")
            new.append(org)
        ctx.swedish_orgs[municipality.pk] = org

    wanted = max(30, sizes.partnerships // 2 + sizes.projects // 40)
    codes = list(COUNTRIES)
    weights = [COUNTRIES[code].weight for code in codes]
    seen: set[tuple[str, str]] = set()
    attempts = 0
    while len(ctx.foreign_orgs) + len(ctx.other_orgs) < wanted and attempts < wanted * 20:
        attempts += 1
        code = rng.choices(codes, weights)[0]
        data = COUNTRIES[code]
        if data.syllables and rng.random() < 0.6:
            first, second = SYLLABLES[data.syllables]
            city = rng.choice(first) + rng.choice(second)
        else:
            city = rng.choice(data.cities)
        kind = rng.choices(
            [OrganisationKind.MUNICIPALITY, OrganisationKind.UNIVERSITY, OrganisationKind.COMPANY],
            [6, 2, 1],
        )[0]
        if (code, city, kind) in seen:
            continue
        seen.add((code, city, kind))
        template = {
            OrganisationKind.MUNICIPALITY: data.municipality,
            OrganisationKind.UNIVERSITY: data.university,
            OrganisationKind.COMPANY: data.company,
        }[kind]
        name = template.format(city=city)
        org = Organisation(
            name=name,
            slug=_slug(name, len(new), "org"),
            kind=kind,
            country=ctx.countries[code],
            **_coordinates(code, name),
        )
        org.city = city  # used for partnership names; not a field
        new.append(org)
        (ctx.foreign_orgs if kind == OrganisationKind.MUNICIPALITY else ctx.other_orgs).append(org)

    with ctx.progress("Organisationer", len(new)) as tick:
        _bulk(Organisation, new, tick)
    return len(new)


def _coordinates(code: str, name: str) -> dict:
    """A point for the partner map: the country's centre moved up to two degrees each way,
    by a checksum of the name rather than the shared rng, so adding coordinates changed
    nothing else the generator makes."""
    centre = country_centre(code)
    if centre is None:
        return {}
    checksum = zlib.crc32(name.encode())
    lon = centre[0] + (checksum % 4001 - 2000) / 1000
    lat = centre[1] + (checksum // 4001 % 4001 - 2000) / 1000
    return {
        "latitude": Decimal(f"{max(-89.0, min(89.0, lat)):.5f}"),
        "longitude": Decimal(f"{max(-179.0, min(179.0, lon)):.5f}"),
    }


def _phone(rng: random.Random) -> str:
    prefix, low, high = rng.choice(PHONE_RANGES)
    return f"{prefix}{rng.randint(low, high)}"


def create_people(ctx: Context, sizes: Sizes) -> int:
    rng = ctx.rng
    people: list[Person] = []
    new_person = _maker(Person)
    abroad = ctx.foreign_orgs + ctx.other_orgs
    for index in range(sizes.people):
        if rng.random() < 0.75 or not abroad:
            municipality = rng.choice(ctx.municipalities)
            first, last = rng.choice(SWEDISH_FIRST), rng.choice(SWEDISH_LAST)
            org = ctx.swedish_orgs[municipality.pk]
            domain = f"{municipality.slug}.kommun.example"
            title = rng.choice(TITLES_SE)
            phone = _phone(rng) if rng.random() < 0.4 else ""
        else:
            municipality = None
            org = rng.choice(abroad)
            data = COUNTRIES[org.country_id]
            first = rng.choice(data.first_names or INTERNATIONAL_FIRST)
            last = rng.choice(data.last_names or INTERNATIONAL_LAST)
            domain = f"{_ascii(org.city)}.{org.country_id.lower()}.example"
            title = rng.choice(TITLES_ABROAD)
            phone = ""
        name = f"{first} {last}"
        person = new_person(
            name=name,
            slug=_slug(name, index, "person"),
            title=title,
            organisation_id=org.pk,
            email=f"{_ascii(first)}.{_ascii(last)}@{domain}" if rng.random() < 0.9 else "",
            phone=phone,
            # Four in five have agreed to show their details; not drawn from rng, so the
            # rest of the generated data stays as it was.
            contact_details_public=index % 5 != 0,
        )
        people.append(person)
        if municipality is not None:
            ctx.people_by_municipality.setdefault(municipality.pk, []).append(person)

    with ctx.progress("Personer", len(people)) as tick:
        _bulk(Person, people, tick)

    links = [
        Municipality.contacts.through(municipality_id=pk, person_id=staff[0].pk)
        for pk, staff in ctx.people_by_municipality.items()
    ]
    Municipality.contacts.through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    return len(people)


END_REASONS = [
    "Samarbetet upphörde när kontakterna mellan förvaltningarna avstannade.",
    "Avtalet löpte ut och förnyades inte.",
    "Kommunerna ersatte det bilaterala avtalet med ett regionalt samarbete.",
    "Finansieringen från ICLD upphörde efter programperioden.",
]


def create_partnerships(ctx: Context, sizes: Sizes) -> int:
    rng = ctx.rng
    today = ctx.today
    icld_orgs = [org for org in ctx.foreign_orgs if ctx.countries[org.country_id].icld_eligible]
    funding = {source.slug: source for source in FundingSource.objects.all()}
    kinds = [
        PartnershipKind.TWIN_TOWN,
        PartnershipKind.MUNICIPAL_PARTNERSHIP,
        PartnershipKind.OTHER,
    ]
    partnerships: list[Partnership] = []
    partners: list = []
    for index in range(sizes.partnerships):
        kind = rng.choices(kinds, [45, 20, 35])[0]
        if kind == PartnershipKind.MUNICIPAL_PARTNERSHIP and icld_orgs:
            org = rng.choice(icld_orgs)
            start_year = rng.randint(2008, today.year - 1)
        else:
            org = rng.choice(ctx.foreign_orgs)
            start_year = rng.randint(1946 if kind == PartnershipKind.TWIN_TOWN else 1990, 2024)
        municipality = rng.choice(ctx.municipalities)
        start, start_precision = _date(rng, start_year)
        partnership = Partnership(
            name=org.city if kind != PartnershipKind.OTHER else f"Samarbete med {org.city}",
            slug=_slug(f"{municipality.slug}-{org.city}", index),
            kind=kind,
            municipality_id=municipality.pk,
            start_date=start,
            start_precision=start_precision,
            is_published=rng.random() < 0.95,
        )
        ended = rng.random() < 0.3 and start_year < today.year - 1
        if ended:
            end_year = rng.randint(start_year + 1, today.year - 1)
            partnership.end_date, partnership.end_precision = _date(rng, end_year)
            partnership.end_precision = start_precision
            partnership.end_reason = rng.choice(END_REASONS)
        else:
            if kind == PartnershipKind.MUNICIPAL_PARTNERSHIP and rng.random() < 0.7:
                partnership.end_date = datetime.date(today.year + rng.randint(1, 3), 12, 31)
                partnership.end_precision = DatePrecision.YEAR
            partnership.activity_level = rng.choice(ActivityLevel.values)
            partnership.activity_noted_on = today - datetime.timedelta(days=rng.randint(0, 700))
        partnership.normalise_period()
        partnership.partner = org
        partnership.coordinator = rng.choice(
            ctx.people_by_municipality.get(municipality.pk, [None])
        )
        partnerships.append(partnership)
        ctx.partnerships_by_municipality.setdefault(municipality.pk, []).append(partnership)

    with ctx.progress("Samarbeten", len(partnerships)) as tick:
        _bulk(Partnership, partnerships, tick)

    themes_through = Partnership.themes.through
    funding_through = Partnership.funding_sources.through
    contacts_through = Partnership.contacts.through
    theme_links, funding_links, contact_links = [], [], []
    for partnership in partnerships:
        partners.append(
            PartnershipParty(
                partnership_id=partnership.pk,
                organisation_id=partnership.partner.pk,
                role=PartyRole.PARTNER,
                since_year=partnership.start_date.year,
            )
        )
        for theme in rng.sample(ctx.themes, rng.randint(1, 3)):
            theme_links.append(themes_through(partnership_id=partnership.pk, theme_id=theme.pk))
        source = (
            funding["sida-icld"]
            if partnership.kind == PartnershipKind.MUNICIPAL_PARTNERSHIP
            else funding["egna-medel"]
        )
        funding_links.append(
            funding_through(partnership_id=partnership.pk, fundingsource_id=source.pk)
        )
        if partnership.coordinator is not None:
            contact_links.append(
                contacts_through(
                    partnership_id=partnership.pk, person_id=partnership.coordinator.pk
                )
            )
    with ctx.progress("Samarbetens parter och teman", len(partners)) as tick:
        _bulk(PartnershipParty, partners, tick)
        themes_through.objects.bulk_create(theme_links, batch_size=BATCH_SIZE)
        funding_through.objects.bulk_create(funding_links, batch_size=BATCH_SIZE)
        contacts_through.objects.bulk_create(contact_links, batch_size=BATCH_SIZE)
    return len(partnerships)


def _title(rng: random.Random) -> str:
    return f"{rng.choice(TITLE_ADJECTIVES)} {rng.choice(TITLE_TOPICS)}{rng.choice(TITLE_TAILS)}"


def _acronym(rng: random.Random, title: str) -> str:
    letters = "".join(word[0] for word in title.replace("–", "").split() if word[0].isalpha())
    acronym = letters.upper()[:5]
    if len(acronym) < 3:
        acronym += "".join(rng.choice("ABCDEFGHKLMNPRSTUV") for _ in range(3 - len(acronym)))
    return acronym + (f"-{rng.randint(2, 5)}" if rng.random() < 0.2 else "")


def _money(rng: random.Random, project: Project) -> None:
    """Budget and grant that satisfy the money constraints."""
    if rng.random() < 0.3:
        return
    currency = rng.choices([Currency.SEK, Currency.EUR], [3, 2])[0]
    if currency == Currency.SEK:
        budget = Decimal(rng.randint(2, 5000) * 10_000)
    else:
        budget = Decimal(rng.randint(20, 5000) * 1_000)
    project.total_budget, project.budget_currency = budget, currency
    roll = rng.random()
    if roll < 0.7:  # grant in the same currency: a share of the budget
        share = Decimal(rng.randint(40, 85)) / 100
        project.grant_amount = (budget * share).quantize(Decimal("1"))
        project.grant_currency = currency
    elif roll < 0.8 and currency == Currency.EUR:  # a Swedish share paid in kronor
        project.grant_amount = Decimal(rng.randint(1, 300) * 10_000)
        project.grant_currency = Currency.SEK


def create_projects(ctx: Context, sizes: Sizes) -> int:
    rng = ctx.rng
    today = ctx.today
    programmes = list(Programme.objects.select_related("funding_source").order_by("slug"))
    icld = next((p for p in programmes if p.slug == "icld-kommunala-partnerskap"), None)
    eu_programmes = [p for p in programmes if p is not icld]
    projects: list[Project] = []
    new_project = _maker(Project)
    for index in range(sizes.projects):
        municipality = rng.choice(ctx.municipalities)
        title = _title(rng)
        acronym = _acronym(rng, title) if rng.random() < 0.7 else ""
        project = new_project(
            title=title,
            acronym=acronym,
            slug=_slug(acronym or title, index),
            kind=ProjectKind.PRE_STUDY if rng.random() < 0.1 else ProjectKind.PROJECT,
            municipality_id=municipality.pk,
            summary=f"{title} är ett samarbete där {municipality.short_name} deltar.",
            is_published=rng.random() < 0.95,
        )
        # Python-side references for the link rows (set *_id only: much faster to build).
        project.partner = project.programme_ = None
        partnerships = ctx.partnerships_by_municipality.get(municipality.pk)
        if partnerships and rng.random() < 0.2:
            partnership = rng.choice(partnerships)
            project.partnership_id = partnership.pk
            project.partner = partnership.partner
            if partnership.kind == PartnershipKind.MUNICIPAL_PARTNERSHIP:
                project.programme_ = icld
        if project.programme_ is None and rng.random() < 0.75 and eu_programmes:
            project.programme_ = rng.choice(eu_programmes)
        if project.programme_ is not None:
            project.programme_id = project.programme_.pk
        if rng.random() < 0.97:
            start, project.start_precision = _date(rng, rng.randint(2000, today.year + 1))
            project.start_date = start
            months = rng.choice([6, 12, 18, 24, 36, 48, 60])
            if rng.random() < 0.1:
                project.duration_months = months
            else:
                project.end_date = _add_months(start, months)
                project.end_precision = project.start_precision
        _money(rng, project)
        project.normalise_period()
        projects.append(project)

    with ctx.progress("Projekt", len(projects)) as tick:
        _bulk(Project, projects, tick)

    participants: list[ProjectParticipant] = []
    new_participant = _maker(ProjectParticipant)
    LEAD, PARTNER = ParticipantRole.LEAD_PARTNER, ParticipantRole.PARTNER
    themes_through = _maker(Project.themes.through)
    funding_through = _maker(Project.funding_sources.through)
    contacts_through = _maker(Project.contacts.through)
    theme_links, funding_links, contact_links = [], [], []
    abroad = ctx.foreign_orgs + ctx.other_orgs
    by_county: dict[str, list] = {}
    for municipality in ctx.municipalities:
        by_county.setdefault(municipality.county_id, []).append(municipality)
    for project in projects:
        home = ctx.swedish_orgs[project.municipality_id]
        others = rng.sample(abroad, min(len(abroad), rng.randint(1, 3)))
        if project.partner is not None:
            others = [project.partner, *others]
        # About one project in six is shared with other Swedish municipalities or regions
        # of the same county (portal.parties); one such party in ten awaits confirmation.
        swedish = []
        if rng.random() < 0.16:
            neighbours = by_county[ctx.municipality_by_id[project.municipality_id].county_id]
            swedish = [
                ctx.swedish_orgs[m.pk] for m in rng.sample(neighbours, min(2, len(neighbours)))
            ]
        chosen = list(dict.fromkeys(org.pk for org in [home, *swedish, *others]))  # in order
        lead = chosen[0] if rng.random() < 0.6 else rng.choice(chosen)
        swedish_pks = {org.pk for org in swedish} - {home.pk}
        party_of = {org.pk: org.municipality_id for org in swedish if org.pk in swedish_pks}
        for org_pk in chosen:
            role = LEAD if org_pk == lead else PARTNER
            participants.append(
                new_participant(
                    project_id=project.pk,
                    organisation_id=org_pk,
                    role=role,
                    awaiting_confirmation=org_pk in swedish_pks and rng.random() < 0.1,
                    party_municipality_id=party_of.get(org_pk),
                )
            )
        for theme in rng.sample(ctx.themes, rng.randint(1, 3)):
            theme_links.append(themes_through(project_id=project.pk, theme_id=theme.pk))
        if project.programme_ is not None:
            funding_links.append(
                funding_through(
                    project_id=project.pk, fundingsource_id=project.programme_.funding_source_id
                )
            )
        staff = ctx.people_by_municipality.get(project.municipality_id)
        if staff and rng.random() < 0.4:
            contact_links.append(
                contacts_through(project_id=project.pk, person_id=rng.choice(staff).pk)
            )
    with ctx.progress("Projektdeltagare", len(participants)) as tick:
        _bulk(ProjectParticipant, participants, tick)
    links = theme_links + funding_links + contact_links
    with ctx.progress("Projektens teman och kontakter", len(links)) as tick:
        _bulk(Project.themes.through, theme_links, tick)
        _bulk(Project.funding_sources.through, funding_links, tick)
        _bulk(Project.contacts.through, contact_links, tick)
    return len(projects)


def _network_names(rng: random.Random, count: int) -> list[str]:
    taken = set(Network.objects.values_list("name", flat=True))
    combos = [
        f"{prefix} {topic}{form}"
        for prefix in NETWORK_PREFIXES
        for topic in NETWORK_TOPICS
        for form in NETWORK_FORMS
    ]
    rng.shuffle(combos)
    names = []
    round_ = 1
    while len(names) < count:
        for name in combos:
            candidate = name if round_ == 1 else f"{name} {round_}"
            if candidate not in taken:
                taken.add(candidate)
                names.append(candidate)
                if len(names) == count:
                    break
        round_ += 1
    return names


def create_networks(ctx: Context, sizes: Sizes) -> tuple[int, int]:
    rng = ctx.rng
    networks = []
    for index, name in enumerate(_network_names(rng, sizes.networks)):
        words = name.replace("-", " ").split()
        networks.append(
            Network(
                name=name,
                acronym="".join(word[0] for word in words).upper() if rng.random() < 0.5 else "",
                slug=_slug(name, index),
                category=rng.choices(
                    [NetworkCategory.NETWORK, NetworkCategory.CROSS_BORDER, NetworkCategory.OTHER],
                    [8, 1, 1],
                )[0],
                scope=rng.choice(NetworkScope.values),
                description=f"{name} samlar kommuner och regioner kring gemensamma frågor.",
                founded_year=rng.randint(1970, 2022),
                size=rng.randint(5, 300),
                is_published=rng.random() < 0.95,
            )
        )
    with ctx.progress("Nätverk", len(networks)) as tick:
        _bulk(Network, networks, tick)

    memberships = []
    for municipality in ctx.municipalities:
        for network in rng.sample(networks, min(len(networks), rng.randint(3, 12))):
            since = rng.randint(max(network.founded_year, 1990), 2024)
            until = rng.randint(since, ctx.today.year - 1) if rng.random() < 0.1 else None
            memberships.append(
                Membership(
                    municipality_id=municipality.pk,
                    network_id=network.pk,
                    since_year=since,
                    until_year=until,
                )
            )
    with ctx.progress("Medlemskap", len(memberships)) as tick:
        _bulk(Membership, memberships, tick)
    roles = []
    for membership in memberships:
        if rng.random() < 0.05:
            start = rng.randint(membership.since_year, 2025)
            roles.append(
                MembershipRole(
                    membership_id=membership.pk,
                    title=rng.choice(MEMBERSHIP_ROLES),
                    start_year=start,
                    end_year=start + rng.randint(0, 3) if rng.random() < 0.7 else None,
                )
            )
    MembershipRole.objects.bulk_create(roles, batch_size=BATCH_SIZE)
    return len(networks), len(memberships)


# --- Entry points ------------------------------------------------------------------------


@dataclass
class Report:
    municipalities: int = 0
    organisations: int = 0
    people: int = 0
    partnerships: int = 0
    projects: int = 0
    networks: int = 0
    memberships: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.municipalities} kommuner publicerade, {self.organisations} organisationer, "
            f"{self.people} personer, {self.partnerships} samarbeten, {self.projects} projekt, "
            f"{self.networks} nätverk med {self.memberships} medlemskap "
            f"på {self.seconds:.1f} sekunder"
        )


def generated_querysets() -> dict[str, object]:
    return {
        "organisationer": Organisation.objects.filter(slug__startswith=PREFIX),
        "personer": Person.objects.filter(slug__startswith=PREFIX),
        "samarbeten": Partnership.objects.filter(slug__startswith=PREFIX),
        "projekt": Project.objects.filter(slug__startswith=PREFIX),
        "nätverk": Network.objects.filter(slug__startswith=PREFIX),
    }


def existing_counts() -> dict[str, int]:
    return {label: qs.count() for label, qs in generated_querysets().items() if qs.exists()}


def refresh_search(ctx: Context) -> None:
    """bulk_create skips the signals that keep the search documents current."""
    from search import index as search_index
    from search.models import Kind

    querysets = {
        Kind.MUNICIPALITY: Municipality.objects.all(),
        Kind.PARTNERSHIP: generated_querysets()["samarbeten"],
        Kind.PROJECT: generated_querysets()["projekt"],
        Kind.NETWORK: generated_querysets()["nätverk"],
    }
    with ctx.progress("Sökindex", len(querysets)) as tick:
        for kind, queryset in querysets.items():
            search_index.refresh(kind, queryset.values_list("pk", flat=True))
            tick(1)


def refresh_facets(ctx: Context) -> None:
    """bulk_create skips the signals that keep the project list's filter values current."""
    from projects import facets

    ids = list(Project.objects.filter(slug__startswith=PREFIX).values_list("pk", flat=True))
    chunks = range(0, len(ids), facets.CHUNK)
    with ctx.progress("Projektens filtervärden", len(ids)) as tick:
        for start in chunks:
            facets.refresh(ids[start : start + facets.CHUNK])
            tick(len(ids[start : start + facets.CHUNK]))


def generate(
    *, seed: int = DEFAULT_SEED, sizes: Sizes | None = None, progress: Progress = no_progress
) -> Report:
    """Create the scale data in one transaction. Refuses when generated rows exist."""
    started = time.perf_counter()
    # Hundreds of thousands of new objects make the cyclic garbage collector rescan
    # everything again and again (a third of the run time); nothing here makes cycles
    # that need collecting before the end.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        report = _generate(seed, sizes, progress, started)
    finally:
        if gc_was_enabled:
            gc.enable()
    from portal.database import vacuum_analyze
    from search.models import SearchDocument

    # Statistics for the planner, and the search documents' pending index entries merged.
    vacuum_analyze(
        SearchDocument,
        Municipality,
        Organisation,
        Person,
        Partnership,
        PartnershipParty,
        Project,
        ProjectParticipant,
        Network,
        Membership,
    )
    report.seconds = time.perf_counter() - started
    return report


def _generate(seed: int, sizes: Sizes | None, progress: Progress, started: float) -> Report:
    with transaction.atomic():
        found = existing_counts()
        if found:
            raise ScaleDataExists(
                "Det finns redan genererad skaldata ("
                + ", ".join(f"{count} {label}" for label, count in found.items())
                + "). Ta bort den först med --clear."
            )
        ctx = Context(
            rng=random.Random(seed),
            today=timezone.localdate(),
            progress=progress,
            municipalities=list(Municipality.objects.order_by("scb_code")),
            themes=list(Theme.objects.order_by("slug")),
            countries=Country.objects.in_bulk(),
            swedish_orgs={},
            foreign_orgs=[],
            other_orgs=[],
            people_by_municipality={},
            partnerships_by_municipality={},
        )
        sizes = sizes or Sizes()
        report = Report()
        report.municipalities = publish_municipalities(ctx)
        report.organisations = create_organisations(ctx, sizes)
        report.people = create_people(ctx, sizes)
        report.partnerships = create_partnerships(ctx, sizes)
        report.projects = create_projects(ctx, sizes)
        report.networks, report.memberships = create_networks(ctx, sizes)
        refresh_search(ctx)
        refresh_facets(ctx)
    report.seconds = time.perf_counter() - started
    return report


def _raw_delete(queryset) -> int:
    # QuerySet._raw_delete skips the collector: no per-row signals, so simple_history
    # writes no deletion records, and 50 000 projects go in one statement.
    return queryset._raw_delete(queryset.db)


def clear() -> dict[str, int]:
    """Remove everything `generate()` created and the intros it wrote. Publication stays."""
    counts = existing_counts()
    with transaction.atomic():
        projects = Project.objects.filter(slug__startswith=PREFIX)
        partnerships = Partnership.objects.filter(slug__startswith=PREFIX)
        networks = Network.objects.filter(slug__startswith=PREFIX)
        people = Person.objects.filter(slug__startswith=PREFIX)
        organisations = Organisation.objects.filter(slug__startswith=PREFIX)

        # Rows outside the generated set that point at generated ones.
        unlinked = list(
            Project.objects.filter(partnership__in=partnerships)
            .exclude(slug__startswith=PREFIX)
            .values_list("pk", flat=True)
        )
        Project.objects.filter(pk__in=unlinked).update(partnership=None)
        Partnership.objects.filter(replaced_by__in=partnerships).update(replaced_by=None)

        from search import index as search_index
        from search.models import Kind, SearchDocument

        for kind, records in (
            (Kind.PROJECT, projects),
            (Kind.PARTNERSHIP, partnerships),
            (Kind.NETWORK, networks),
        ):
            _raw_delete(
                SearchDocument.objects.filter(kind=kind, object_id__in=records.values("pk"))
            )

        for through in (
            Project.themes.through,
            Project.funding_sources.through,
            Project.contacts.through,
            Project.partner_countries.through,
        ):
            _raw_delete(through.objects.filter(project__in=projects))
        _raw_delete(ProjectParticipant.objects.filter(project__in=projects))
        _raw_delete(ProjectFacet.objects.filter(project__in=projects))
        _raw_delete(projects)
        for through in (
            Partnership.themes.through,
            Partnership.funding_sources.through,
            Partnership.contacts.through,
        ):
            _raw_delete(through.objects.filter(partnership__in=partnerships))
        _raw_delete(PartnershipParty.objects.filter(partnership__in=partnerships))
        _raw_delete(partnerships)
        _raw_delete(MembershipRole.objects.filter(membership__network__in=networks))
        _raw_delete(Membership.objects.filter(network__in=networks))
        _raw_delete(networks)
        _raw_delete(Municipality.contacts.through.objects.filter(person__in=people))
        for through in (Project.contacts.through, Partnership.contacts.through):
            _raw_delete(through.objects.filter(person__in=people))
        _raw_delete(people)
        _raw_delete(organisations)

        intros = [
            municipality
            for municipality in Municipality.objects.exclude(intro="")
            if municipality.intro == municipality_intro(municipality)
        ]
        for municipality in intros:
            municipality.intro = ""
        Municipality.objects.bulk_update(intros, ["intro"], batch_size=BATCH_SIZE)
        from projects import facets

        facets.refresh(unlinked)  # their partnership's partners no longer count
        search_index.refresh(Kind.MUNICIPALITY, [municipality.pk for municipality in intros])
    return counts
