"""Import of project lists with one row per partner, as programmes and keep.eu publish them.

A row holds a partner of a project: the project's columns (acronym, title, programme,
dates, budget …) repeated on each of its partners' rows, then the partner's name, role
(LP/PP/AP, "Lead partner", "Huvudpartner" …), country or Swedish county (a NUTS code
does too) and budget. Which column is which is read from the headers, in English or
Swedish (`COLUMN_NAMES`); `is_partner_list` tells a partner list from the portal's own
one-row-per-project sheet.

Two steps, which the admin view, the command line and the tests all call:

- `partner_list_plan(*, rows, user)` is the dry run. It reads the database once per kind
  of record and says, project by project, what an import would do: which partners are
  organisations already registered (matched by normalised name and country, former and
  other names included, `portal.names`), which Swedish municipalities and regions take
  part (recognised by name: "City of Malmö", "BORLÄNGE KOMMUN", "Region Skåne"), which
  organisations it will create (each with the nearest existing names beside it), and why a
  project or row cannot be imported.
- `partner_list_import(*, plan, user, publish)` writes the new organisations, projects and
  participants in one transaction, with history by the user.

A project needs a Swedish municipality or region among its partners: the lead one, or the
first, owns it (for a coordinator: the lead or first of their own), the others take part
(portal.parties; named by a coordinator who does not coordinate them, they wait for their
own coordinators' confirmation). A project already registered (same programme and
acronym, or title) is reported and left as it is.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import enum
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from access.roles import is_national_editor
from access.scoping import municipality_ids, needs_confirmation
from contacts.models import Organisation, OrganisationKind, OrganisationName
from contacts.own import new_own_organisation, own_organisations
from operations.page_cache import content_changed
from portal.choices import Currency
from portal.countries import SWEDEN, country_code_for, country_suggestions
from portal.formatting import DatePrecision, format_megabytes, format_money, join_swedish
from portal.models import Country, County
from portal.names import (
    SwedishMunicipalities,
    fold,
    nearest_keys,
    organisation_name_key,
    organisation_name_keys,
)
from portal.parties import (
    is_swedish_party,
    party_municipality_id,
)
from projects import facets
from projects.models import ParticipantRole, Programme, Project, ProjectParticipant
from search import index as search_index
from search.models import Kind
from spreadsheets.bulk_import import StalePlanError, create_with_history, unique_slug
from spreadsheets.formats import (
    SpreadsheetFileError,
    describe_unknown_file,
    detect_format,
    unescape_formula,
)

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_ROWS = 20_000
CHANGE_REASON = "Import av projektlista"
#: Amounts in a list without a currency column: the programmes' own currency.
DEFAULT_CURRENCY = Currency.EUR


class PartnerListFileError(SpreadsheetFileError):
    """A file that cannot be imported at all; the message is Swedish, for the uploader."""


# --- Columns ------------------------------------------------------------------------------

#: Each field and the headers that name it (compared folded, punctuation as spaces). The
#: Swedish header first: it is the one messages use.
COLUMN_NAMES = {
    "project_id": ("Projekt-ID", "project id", "projektid", "project number", "projektnummer"),
    "acronym": ("Förkortning", "project acronym", "acronym", "projektförkortning", "akronym"),
    "title": (
        "Titel",
        "project name",
        "project title",
        "projektnamn",
        "projekttitel",
        "projekt",
        "name of project",
        "title",
    ),
    "programme": ("Program", "programme", "programme name", "program name", "programnamn"),
    "period": (
        "Programperiod",
        "programming period",
        "programme period",
        "period",
    ),
    "start": ("Startdatum", "start date", "project start date", "start", "projektstart"),
    "end": ("Slutdatum", "end date", "project end date", "end", "projektslut"),
    "total_budget": (
        "Total budget",
        "project budget",
        "total project budget",
        "projektets budget",
        "total budget eur",
        "total eligible budget",
    ),
    "grant": (
        "Beviljat bidrag",
        "erdf",
        "eruf",
        "eu funding",
        "eu bidrag",
        "eu contribution",
        "programme co financing",
        "grant",
        "beviljat stöd",
        "erdf amount",
        "project erdf",
    ),
    "currency": ("Valuta", "currency"),
    "summary": (
        "Kort beskrivning",
        "summary",
        "project summary",
        "sammanfattning",
        "description",
        "beskrivning",
    ),
    "website": ("Webbplats", "website", "project website", "url"),
    "partner": (
        "Partner",
        "partner name",
        "partnernamn",
        "partner organisation",
        "partner organization",
        "partnerorganisation",
        "organisation",
        "organization",
        "beneficiary",
        "beneficiary name",
    ),
    "role": (
        "Roll",
        "partner role",
        "role",
        "partnerroll",
        "partner type",
        "type of partner",
        "partner status",
        "beneficiary role",
    ),
    "country": ("Land", "partner country", "country", "partnerns land", "partnerland"),
    "municipality": ("Kommun", "ägande kommun", "owner municipality"),
    "county": (
        "Län",
        "county",
        "partner region",
        "region",
        "nuts",
        "nuts 3",
        "nuts3",
        "nuts 2",
        "nuts2",
    ),
    "partner_budget": (
        "Partnerns budget",
        "partner budget",
        "partnerbudget",
        "partner total budget",
        "budget partner",
        "partner s budget",
        "partner total eligible budget",
        "budget",
    ),
}
LABELS = {field: names[0] for field, names in COLUMN_NAMES.items()}


def _header_key(text) -> str:
    return re.sub(r"[\W_]+", " ", fold(str(text or ""))).strip()


_HEADER_FIELDS = {
    _header_key(name): field for field, names in COLUMN_NAMES.items() for name in names
}


def columns_of(headers: Sequence) -> dict[str, int]:
    """Field → column index, the first header naming each field."""
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        field = _HEADER_FIELDS.get(_header_key(header))
        if field and field not in positions:
            positions[field] = index
    return positions


def is_partner_list(headers: Sequence) -> bool:
    """One row per partner: a partner column and something that names the project."""
    columns = columns_of(headers)
    return "partner" in columns and bool({"acronym", "title", "project_id"} & set(columns))


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        # Text the portal's own exports wrote with an apostrophe in front (formula escape).
        return " ".join(unescape_formula(value).replace("\u00a0", " ").split())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _as_plain(value):
    """A cell kept between the dry run and the import (in the session): JSON's types."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclasses.dataclass(frozen=True)
class SourceRow:
    """One row of the list: its number in the spreadsheet and its cells by field."""

    number: int
    cells: dict

    def get(self, field: str):
        return self.cells.get(field, "")

    def as_list(self) -> list:
        return [self.number, {key: _as_plain(value) for key, value in self.cells.items()}]

    @classmethod
    def from_list(cls, values: Sequence) -> SourceRow:
        number, cells = values
        return cls(int(number), dict(cells))


def read_rows(headers: Sequence, body: Iterable[Sequence]) -> list[SourceRow]:
    columns = columns_of(headers)
    rows = []
    for number, values in enumerate(body, start=2):
        cells = {
            field: _cell(values[index]) if index < len(values) else ""
            for field, index in columns.items()
        }
        if all(cell == "" for cell in cells.values()):
            continue
        if len(rows) == MAX_ROWS:
            raise PartnerListFileError(
                f"Filen har fler än {MAX_ROWS:,} rader. Dela upp listan i flera filer.".replace(
                    ",", " "
                )
            )
        rows.append(SourceRow(number, cells))
    return rows


def file_is_partner_list(data: bytes) -> bool:
    """Whether an upload's first row makes it a partner list (False if unreadable)."""
    format_class = detect_format(data) if data and len(data) <= MAX_FILE_SIZE else None
    if format_class is None:
        return False
    try:
        headers, _ = format_class().read_file(data)
    except SpreadsheetFileError:
        return False
    return is_partner_list(headers)


def read_partner_list(data: bytes) -> list[SourceRow]:
    """The rows of an uploaded list (CSV in UTF-8, XLSX or ODS). Raises
    PartnerListFileError in Swedish when the file cannot be read or is not a partner list."""
    if not data:
        raise PartnerListFileError("Filen är tom.")
    if len(data) > MAX_FILE_SIZE:
        raise PartnerListFileError(
            f"Filen är för stor ({format_megabytes(len(data))}). Den får vara högst "
            f"{format_megabytes(MAX_FILE_SIZE)}; dela upp listan i flera filer."
        )
    format_class = detect_format(data)
    if format_class is None:
        raise PartnerListFileError(describe_unknown_file(data))
    try:
        headers, body = format_class().read_file(data)
    except SpreadsheetFileError as error:
        raise PartnerListFileError(str(error)) from error
    if not is_partner_list(headers):
        raise PartnerListFileError(
            "Filen är ingen lista med en rad per partner: den behöver en kolumn för partnern "
            "(Partner, Partner name) och en för projektet (Förkortning, Titel, Project "
            "acronym eller Project name)."
        )
    rows = read_rows(headers, body)
    if not rows:
        raise PartnerListFileError("Filen har kolumnrubriker men inga rader att importera.")
    return rows


# --- Values -------------------------------------------------------------------------------

ROLE_NAMES = {
    ParticipantRole.LEAD_PARTNER: (
        "lp",
        "lead partner",
        "leadpartner",
        "lead beneficiary",
        "lead",
        "huvudpartner",
        "projektägare",
        "lead_partner",
    ),
    ParticipantRole.PARTNER: (
        "pp",
        "partner",
        "project partner",
        "beneficiary",
        "projektpartner",
    ),
    ParticipantRole.ASSOCIATED_PARTNER: (
        "ap",
        "associated partner",
        "associated",
        "associerad partner",
        "associerad",
    ),
    # The portal's own roles, as its export writes them (round trip).
    ParticipantRole.REGIONAL_COORDINATOR: ("samordnare", "coordinator", "regional coordinator"),
    ParticipantRole.STAKEHOLDER: (
        "intressent",
        "intressentgrupp",
        "intressentgrupp stakeholder group",
        "stakeholder",
        "stakeholder group",
    ),
    ParticipantRole.OTHER: ("deltagare", "participant"),
}
_ROLES = {_header_key(name): role for role, names in ROLE_NAMES.items() for name in names}


def parse_role(text) -> tuple[str | None, str]:
    text = str(text or "").strip()
    if not text:
        return ParticipantRole.PARTNER, ""
    role = _ROLES.get(_header_key(text))
    if role is None:
        return None, (
            f"rollen ”{text}” känns inte igen. Skriv LP, PP eller AP, eller Lead partner, "
            "Project partner, Associated partner (Huvudpartner, Partner, Associerad partner)."
        )
    return role, ""


def parse_amount(value) -> tuple[Decimal | None, str]:
    if value in ("", None):
        return None, ""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = re.sub(r"[\s\u00a0\u202f'€]|EUR|SEK|kr", "", str(value), flags=re.IGNORECASE)
        if "," in text and "." in text:
            decimal_sign = "," if text.rfind(",") > text.rfind(".") else "."
            text = text.replace("." if decimal_sign == "," else ",", "")
        elif text.count(",") > 1 or text.count(".") > 1:
            text = text.replace(",", "").replace(".", "")  # thousands only
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            return None, f"”{value}” är inget belopp. Skriv till exempel 37500 eller 37 500,50."
    if not number.is_finite() or number < 0 or number >= Decimal(10) ** 12:
        return None, f"”{value}” är inget rimligt belopp."
    return number.quantize(Decimal("0.01")), ""


_DATE_FORMS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), ("y", "m")),
    (re.compile(r"^(\d{1,2})[./-](\d{4})$"), ("m", "y")),
    (re.compile(r"^(\d{4})$"), ("y",)),
)


def parse_date(value, column: str) -> tuple[datetime.date | None, str, str]:
    """(date, precision, error) from a date cell or "2016-09-01", "01.09.2016",
    "2016-09", "09/2016" or "2016"."""
    if value in ("", None):
        return None, DatePrecision.DAY, ""
    if isinstance(value, datetime.datetime):
        return value.date(), DatePrecision.DAY, ""
    if isinstance(value, datetime.date):
        return value, DatePrecision.DAY, ""
    text = str(value).strip()
    for pattern, parts in _DATE_FORMS:
        match = pattern.match(text)
        if not match:
            continue
        found = dict(zip(parts, map(int, match.groups()), strict=False))
        precision = (
            DatePrecision.DAY
            if "d" in found
            else DatePrecision.MONTH
            if "m" in found
            else DatePrecision.YEAR
        )
        try:
            date = datetime.date(found["y"], found.get("m", 1), found.get("d", 1))
        except ValueError:
            break
        if not 1900 <= date.year <= 2100:
            break
        return date, precision, ""
    return None, "", f"{column}: ”{text}” är inget datum. Skriv till exempel 2016-09-01."


_NUTS = re.compile(r"^([A-Z]{2})[0-9A-Z]{0,3}$")
#: NUTS uses EL for Greece and UK for the United Kingdom.
_NUTS_COUNTRIES = {"EL": "GR", "UK": "GB"}


# --- Kinds of new organisations -----------------------------------------------------------

_KIND_WORDS = (
    (OrganisationKind.COMPANY, r"\b(?:ab|ltd|gmbh|oy|a/s|as|aps|sa|bv|inc|plc|oü|uab|sia)\b"),
    (OrganisationKind.UNIVERSITY, r"univers|högskola|hogskola|hochschule|college|akademi"),
    (OrganisationKind.MUNICIPALITY, r"kommun|kommune|municipal|city|town|stadt|gmina|commune"),
    (OrganisationKind.REGION, r"region|county|province|provins|landsting|fylke|maakunta|län"),
    (OrganisationKind.AGENCY, r"agency|myndighet|verket|styrelsen|ministry|board"),
    (OrganisationKind.INSTITUTE, r"institut"),
    (OrganisationKind.ASSOCIATION, r"förening|forening|association|verein|foundation|stiftelse"),
)


def guess_kind(name: str) -> str:
    """A new organisation's kind from the words of its name, shown in the preview."""
    text = name.casefold()
    for kind, words in _KIND_WORDS:
        if re.search(words, text):
            return kind
    return OrganisationKind.OTHER


# --- The plan -----------------------------------------------------------------------------


class ProjectStatus(enum.Enum):
    NEW = "ny"
    DUPLICATE = "finns"
    NO_SWEDISH_PARTY = "utan-svensk-part"
    ERROR = "fel"

    @property
    def label(self) -> str:
        return {
            ProjectStatus.NEW: "Nya projekt – importeras",
            ProjectStatus.DUPLICATE: "Finns redan i registret – hoppas över",
            ProjectStatus.NO_SWEDISH_PARTY: "Ingen svensk kommun eller region bland "
            "parterna – hoppas över",
            ProjectStatus.ERROR: "Rader med fel – projektet hoppas över",
        }[self]


@dataclasses.dataclass(eq=False)
class NewOrganisation:
    """An organisation the import creates: once, however many rows name it."""

    name: str
    country: Country
    kind: str
    first_row: int
    nearest: list[str] = dataclasses.field(default_factory=list)
    municipality: object | None = None
    organisation: Organisation | None = None

    def get_kind_display(self) -> str:
        return OrganisationKind(self.kind).label


@dataclasses.dataclass
class PlannedPartner:
    row: int
    name: str
    role: str
    country: Country | None = None
    organisation: Organisation | None = None
    new_organisation: NewOrganisation | None = None
    municipality: object | None = None
    via: str = ""
    budget: Decimal | None = None
    currency: str = DEFAULT_CURRENCY

    @property
    def display_name(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        if self.new_organisation is not None:
            return self.new_organisation.name
        return self.name

    @property
    def role_label(self) -> str:
        return ParticipantRole(self.role).label

    @property
    def budget_display(self) -> str:
        return format_money(self.budget, self.currency)


@dataclasses.dataclass
class PlannedProject:
    key: tuple
    rows: list[int]
    title: str = ""
    acronym: str = ""
    programme: Programme | None = None
    start_date: datetime.date | None = None
    start_precision: str = DatePrecision.DAY
    end_date: datetime.date | None = None
    end_precision: str = DatePrecision.DAY
    total_budget: Decimal | None = None
    grant_amount: Decimal | None = None
    currency: str = DEFAULT_CURRENCY
    summary: str = ""
    website: str = ""
    partners: list[PlannedPartner] = dataclasses.field(default_factory=list)
    status: ProjectStatus = ProjectStatus.NEW
    reasons: list[str] = dataclasses.field(default_factory=list)
    owner: object | None = None
    #: The owner the list names in a Kommun column (the portal's own export has one).
    named_owner: object | None = None
    existing: Project | None = None
    #: The total budget is the partners' budgets added up (no project budget column).
    total_derived: bool = False

    @property
    def name(self) -> str:
        if self.acronym and self.title:
            return f"{self.acronym} – {self.title}"
        return self.acronym or self.title

    @property
    def first_row(self) -> int:
        return self.rows[0]

    @property
    def swedish_parties(self) -> list[PlannedPartner]:
        return [partner for partner in self.partners if partner.municipality is not None]


@dataclasses.dataclass
class Plan:
    projects: list[PlannedProject]
    new_organisations: list[NewOrganisation]
    #: (row, column label, message) of every cell that stops its project.
    errors: list[tuple[int, str, str]]
    row_count: int
    user: object | None = None
    currency_assumed: bool = False
    programme: Programme | None = None

    @property
    def to_import(self) -> list[PlannedProject]:
        return [project for project in self.projects if project.status is ProjectStatus.NEW]

    @property
    def organisations_to_create(self) -> list[NewOrganisation]:
        """The new organisations that the projects to import need, in row order."""
        needed = {
            id(partner.new_organisation): partner.new_organisation
            for project in self.to_import
            for partner in project.partners
            if partner.new_organisation is not None
        }
        return sorted(needed.values(), key=lambda org: org.first_row)

    def with_status(self, status: ProjectStatus) -> list[PlannedProject]:
        return [project for project in self.projects if project.status is status]

    def counts(self) -> dict[ProjectStatus, int]:
        return {status: len(self.with_status(status)) for status in ProjectStatus}

    @property
    def participant_count(self) -> int:
        return sum(len(project.partners) for project in self.to_import)

    @property
    def awaiting_confirmation(self) -> int:
        """How many Swedish municipalities and regions the import names as parties that
        their own coordinators must confirm (each once, however many projects)."""
        user = self.user
        return len(
            {
                partner.municipality.pk
                for project in self.to_import
                for partner in project.swedish_parties
                if partner.municipality.pk != project.owner.pk
                and needs_confirmation(
                    partner.organisation or new_own_organisation(partner.municipality),
                    owner_id=project.owner.pk,
                    user=user,
                )
            }
        )


class _Organisations:
    """The organisations registered in the countries the list names, by name key."""

    def __init__(self, country_ids):
        self.by_key: dict[tuple, dict[int, Organisation]] = defaultdict(dict)
        self.names_by_country: dict[str, dict[str, str]] = defaultdict(dict)
        organisations = Organisation.objects.filter(country_id__in=list(country_ids)).only(
            "id", "name", "kind", "country_id", "slug", "municipality_id"
        )
        for organisation in organisations:
            self._add(organisation, organisation.name)
        for other in OrganisationName.objects.filter(
            organisation__country_id__in=list(country_ids)
        ).select_related("organisation"):
            self._add(other.organisation, other.name)
        self.new: dict[tuple, NewOrganisation] = {}

    def _add(self, organisation, name: str) -> None:
        for key in organisation_name_keys(name):
            self.by_key[(organisation.country_id, key)][organisation.pk] = organisation
            self.names_by_country[organisation.country_id].setdefault(key, organisation.name)

    def find(self, name: str, country: Country) -> list[Organisation]:
        found = {}
        for key in organisation_name_keys(name):
            found.update(self.by_key.get((country.pk, key), {}))
        return list(found.values())

    def nearest(self, name: str, country: Country, n: int = 3) -> list[str]:
        """Registered names in the country that look alike: close by difflib, or one
        name's key holding the other's ("Koge Kommun A/S" and "Køge Kommune")."""
        names = self.names_by_country.get(country.pk, {})
        keys = nearest_keys(organisation_name_key(name), names, n)
        return list(dict.fromkeys(names[found] for found in keys))

    def new_organisation(self, name: str, country: Country, row: int) -> NewOrganisation:
        key = (country.pk, organisation_name_key(name))
        if key not in self.new:
            self.new[key] = NewOrganisation(
                name=name,
                country=country,
                kind=guess_kind(name),
                first_row=row,
                nearest=self.nearest(name, country),
            )
        return self.new[key]


class _Programmes:
    """Programmes by name, short name or name with period ("Interreg Öresund-Kattegat-
    Skagerrak 2014–2020"), the period column choosing between namesakes."""

    def __init__(self):
        self.all = list(Programme.objects.order_by("name", "start_year"))
        self.by_key: dict[str, list[Programme]] = defaultdict(list)
        for programme in self.all:
            names = {programme.name, programme.short_name, programme.slug, str(programme)}
            names.add(programme.name_with_period)
            for name in filter(None, names):
                self.by_key[self.key(name)].append(programme)

    @staticmethod
    def key(text: str) -> str:
        return re.sub(r"[\W_]+", " ", fold(str(text))).strip()

    def find(self, text, period="", start: datetime.date | None = None):
        """The programme and "", or None and why. Among namesakes of several periods, the
        period column chooses, else the period the project's start falls in."""
        text = str(text).strip()
        found = list(dict.fromkeys(self.by_key.get(self.key(text), [])))
        years = [int(year) for year in re.findall(r"\d{4}", str(period))]
        if len(found) > 1 and years:
            found = [p for p in found if p.start_year in years or p.end_year in years] or found
        if len(found) > 1 and not years and start is not None:
            found = [
                p for p in found if (p.start_year or 0) <= start.year <= (p.end_year or 9999)
            ] or found
        if len(found) == 1:
            return found[0], ""
        if found:
            names = join_swedish([f"”{p.name_with_period}”" for p in found], " eller ")
            return None, (
                f"programmet ”{text}” kan vara {names}. Skriv programperioden i kolumnen "
                "Programperiod eller namnet med period."
            )
        close = difflib.get_close_matches(self.key(text), list(self.by_key), n=3, cutoff=0.6)
        names = sorted({p.name_with_period for key in close for p in self.by_key[key]})
        hint = f" Närmast: {join_swedish([f'”{n}”' for n in names], ' och ')}." if names else ""
        return None, (
            f"programmet ”{text}” finns inte i registret.{hint} Nya program läggs in av en "
            "nationell redaktör under Program."
        )


class _Context:
    def __init__(self, rows: list[SourceRow], user):
        self.user = user
        self.allowed = None if user is None or is_national_editor(user) else municipality_ids(user)
        self.municipalities = SwedishMunicipalities()
        self.countries = {country.code: country for country in Country.objects.all()}
        self.counties = {}
        for county in County.objects.all():
            for name in (county.code, county.name, county.short_name):
                self.counties[_header_key(name)] = county
        self._country_cache: dict[str, Country | None] = {}
        self.programmes = _Programmes()
        codes = {SWEDEN}
        for row in rows:
            country = self.country_of(row)[0]
            if country is not None:
                codes.add(country.code)
        self.organisations = _Organisations(codes)
        self.own = own_organisations()
        self.new_own: dict[int, NewOrganisation] = {}
        self.programme: Programme | None = None

    def country_of(self, row: SourceRow) -> tuple[Country | None, str]:
        """The partner's country: the country column, else a Swedish county or a NUTS
        code in the county column."""
        text = str(row.get("country")).strip()
        if text:
            if text not in self._country_cache:
                code = country_code_for(text)
                self._country_cache[text] = self.countries.get(code) if code else None
            country = self._country_cache[text]
            if country is None:
                suggestions = country_suggestions(text)
                hint = f" Menade du {' eller '.join(suggestions)}?" if suggestions else ""
                return None, f"landet ”{text}” känns inte igen.{hint}"
            return country, ""
        county = str(row.get("county")).strip()
        if county:
            if _header_key(county) in self.counties:
                return self.countries[SWEDEN], ""
            nuts = _NUTS.match(county.upper().replace(" ", ""))
            if nuts:
                code = _NUTS_COUNTRIES.get(nuts.group(1), nuts.group(1))
                if code in self.countries:
                    return self.countries[code], ""
        return None, "landet saknas (kolumnen Land, eller ett svenskt län)."


def partner_list_plan(
    *, rows: Iterable[SourceRow], user=None, programme: Programme | None = None
) -> Plan:
    """The dry run: what importing `rows` would do, project by project. Writes nothing.
    `programme`, chosen for the whole list, stands for the file's programme column."""
    rows = list(rows)
    context = _Context(rows, user)
    context.programme = programme
    projects: dict[tuple, PlannedProject] = {}
    errors: list[tuple[int, str, str]] = []
    for row in rows:
        key = _project_key(row, programme)
        if key is None:
            errors.append((row.number, LABELS["title"], "projektet saknar titel och förkortning."))
            continue
        project = projects.get(key)
        if project is None:
            project = projects[key] = PlannedProject(key=key, rows=[row.number])
            _plan_project_columns(project, row, context, errors)
            if row.get("municipality") not in ("", None):
                match = context.municipalities.find(row.get("municipality"))
                if match.municipality is None:
                    errors.append((row.number, LABELS["municipality"], match.error))
                project.named_owner = match.municipality
        else:
            project.rows.append(row.number)
            _fill_missing(project, row)
        _plan_partner(project, row, context, errors)
    planned = list(projects.values())
    errors_by_row = defaultdict(list)
    for number, column, message in errors:
        errors_by_row[number].append(f"kolumnen {column}: {message}")
    _check_existing(planned)
    for project in planned:
        if project.status is ProjectStatus.DUPLICATE:
            continue  # left as it is: what its rows say does not matter
        failing = [n for n in project.rows if n in errors_by_row]
        if failing:
            project.status = ProjectStatus.ERROR
            project.reasons = [
                f"Rad {n}, {message}" for n in failing for message in errors_by_row[n]
            ]
            continue
        _derive_total(project)
        _choose_owner(project, context)
    return Plan(
        projects=planned,
        new_organisations=list(context.organisations.new.values()) + list(context.new_own.values()),
        errors=errors,
        row_count=len(rows),
        user=user,
        currency_assumed=not any(row.get("currency") for row in rows),
        programme=programme,
    )


def _project_key(row: SourceRow, programme: Programme | None) -> tuple | None:
    programme = programme.pk if programme else _Programmes.key(row.get("programme"))
    for field in ("project_id", "acronym", "title"):
        value = str(row.get(field)).strip()
        if value:
            return (programme, field, fold(value))
    return None


def _plan_project_columns(project: PlannedProject, row: SourceRow, context, errors) -> None:
    project.title = str(row.get("title")).strip()[:300]
    project.acronym = str(row.get("acronym")).strip()[:50]
    if not project.title:
        project.title = project.acronym
    project.summary = str(row.get("summary")).strip()
    website = str(row.get("website")).strip()
    if website and not re.match(r"^https?://", website):
        website = f"https://{website}" if "." in website and " " not in website else ""
    project.website = website[:200]
    currency = str(row.get("currency")).strip().upper()
    if currency:
        if currency not in Currency.values:
            errors.append(
                (
                    row.number,
                    LABELS["currency"],
                    f"valutan ”{currency}” känns inte igen. Skriv "
                    f"{join_swedish(list(Currency.values), ' eller ')}.",
                )
            )
        else:
            project.currency = currency
    for field, attribute in (("total_budget", "total_budget"), ("grant", "grant_amount")):
        amount, error = parse_amount(row.get(field))
        if error:
            errors.append((row.number, LABELS[field], error))
        setattr(project, attribute, amount)
    for field in ("start", "end"):
        date, precision, error = parse_date(row.get(field), LABELS[field])
        if error:
            errors.append((row.number, LABELS[field], error.split(": ", 1)[1]))
        elif date is not None:
            setattr(project, f"{field}_date", date)
            setattr(project, f"{field}_precision", precision)
    if context.programme is not None:
        project.programme = context.programme
    elif row.get("programme"):
        programme, error = context.programmes.find(
            row.get("programme"), row.get("period"), project.start_date
        )
        if error:
            errors.append((row.number, LABELS["programme"], error))
        project.programme = programme
    if project.start_date and project.end_date and project.end_date < project.start_date:
        errors.append((row.number, LABELS["end"], "slutet ligger före starten."))
    if (
        project.total_budget is not None
        and project.grant_amount is not None
        and project.grant_amount > project.total_budget
    ):
        errors.append((row.number, LABELS["grant"], "bidraget är större än hela budgeten."))


def _fill_missing(project: PlannedProject, row: SourceRow) -> None:
    """A later row of the same project may give what the first left empty."""
    if not project.summary and row.get("summary"):
        project.summary = str(row.get("summary")).strip()


#: The columns that describe a partner, not its project.
PARTNER_FIELDS = ("partner", "role", "country", "county", "partner_budget")


def _plan_partner(project: PlannedProject, row: SourceRow, context: _Context, errors) -> None:
    name = str(row.get("partner")).strip()
    if not name:
        if any(row.get(field) not in ("", None) for field in PARTNER_FIELDS):
            errors.append((row.number, LABELS["partner"], "partnerns namn saknas."))
        # Else a project without partners, as the portal's export writes it.
        return
    if len(name) > 200:
        errors.append((row.number, LABELS["partner"], "namnet är längre än 200 tecken."))
        return
    role, role_error = parse_role(row.get("role"))
    budget, budget_error = parse_amount(row.get("partner_budget"))
    country, country_error = context.country_of(row)
    found_errors = [
        (row.number, LABELS[field], error)
        for field, error in (
            ("role", role_error),
            ("partner_budget", budget_error),
            ("country", country_error),
        )
        if error
    ]
    if found_errors:
        errors.extend(found_errors)
        return
    partner = PlannedPartner(
        row=row.number,
        name=name,
        role=role,
        country=country,
        budget=budget,
        currency=project.currency,
    )
    if country.code == SWEDEN:
        match = context.municipalities.recognise(name)
        if match:
            partner.municipality, partner.via = match.municipality, match.via
            partner.organisation = context.own.get(match.municipality.pk)
            if partner.organisation is None:
                own = new_own_organisation(match.municipality)
                partner.new_organisation = context.new_own.setdefault(
                    match.municipality.pk,
                    NewOrganisation(
                        own.name, country, own.kind, row.number, municipality=match.municipality
                    ),
                )
    if partner.municipality is None:
        found = context.organisations.find(name, country)
        if len(found) > 1:
            names = join_swedish([f"”{org.name}”" for org in found], " och ")
            errors.append(
                (
                    row.number,
                    LABELS["partner"],
                    f"flera organisationer i {country.name} heter så ({names}). Skriv "
                    "partnerns namn som det står i registret.",
                )
            )
            return
        if found:
            partner.organisation = found[0]
            if is_swedish_party(found[0]):
                partner.municipality = found[0].municipality
        else:
            partner.new_organisation = context.organisations.new_organisation(
                name, country, row.number
            )
    same = [
        other
        for other in project.partners
        if (other.organisation is not None and other.organisation is partner.organisation)
        or (
            other.new_organisation is not None
            and other.new_organisation is partner.new_organisation
        )
    ]
    if same:
        errors.append(
            (
                row.number,
                LABELS["partner"],
                f"{partner.display_name} står redan som partner i projektet på rad {same[0].row}.",
            )
        )
        return
    if role == ParticipantRole.LEAD_PARTNER:
        lead = next((p for p in project.partners if p.role == ParticipantRole.LEAD_PARTNER), None)
        if lead is not None:
            errors.append(
                (
                    row.number,
                    LABELS["role"],
                    f"projektet har redan en huvudpartner ({lead.display_name}, rad {lead.row}).",
                )
            )
            return
    project.partners.append(partner)


def _check_existing(projects: list[PlannedProject]) -> None:
    """Projects already registered: the same acronym (or title, without one) in the same
    programme. One query."""
    acronyms = {p.acronym for p in projects if p.acronym}
    titles = {p.title for p in projects if p.title}
    existing = defaultdict(list)
    candidates = Project.objects.filter(Q(acronym__in=acronyms) | Q(title__in=titles)).only(
        "pk", "slug", "title", "acronym", "programme_id"
    )
    for project in candidates:
        existing[(project.programme_id, "acronym", fold(project.acronym))].append(project)
        existing[(project.programme_id, "title", fold(project.title))].append(project)
    for project in projects:
        programme_id = project.programme.pk if project.programme else None
        by_acronym = existing.get((programme_id, "acronym", fold(project.acronym)), [])
        by_title = existing.get((programme_id, "title", fold(project.title)), [])
        found = (by_acronym if project.acronym else []) or by_title
        if found:
            project.status = ProjectStatus.DUPLICATE
            project.existing = found[0]
            project.reasons = [f"Finns redan: {found[0]} (adressnamn {found[0].slug})."]


def _derive_total(project: PlannedProject) -> None:
    """Without a project budget column, the total is the partners' budgets added up, when
    every partner has one (and it is not below the grant, which would mean it is not whole)."""
    if project.total_budget is not None or not project.partners:
        return
    budgets = [partner.budget for partner in project.partners]
    if any(budget is None for budget in budgets):
        return
    total = sum(budgets, Decimal(0))
    if project.grant_amount is None or project.grant_amount <= total:
        project.total_budget = total
        project.total_derived = True


def _choose_owner(project: PlannedProject, context: _Context) -> None:
    named = project.named_owner
    if named is not None:
        if context.allowed is not None and named.pk not in context.allowed:
            project.status = ProjectStatus.NO_SWEDISH_PARTY
            project.reasons = [
                f"Kolumnen Kommun anger {named.short_name}, som du inte samordnar. En "
                "kommunsamordnare importerar bara projekt som den egna kommunen äger."
            ]
            return
        project.owner = named
        project.reasons = [f"Ägs av {named.public_name} (kolumnen Kommun)."]
        return
    parties = project.swedish_parties
    if context.allowed is not None:
        own = [p for p in parties if p.municipality.pk in context.allowed]
        if not own:
            project.status = ProjectStatus.NO_SWEDISH_PARTY
            names = (
                join_swedish(sorted({p.municipality.short_name for p in parties}), " och ")
                or "ingen svensk kommun eller region"
            )
            project.reasons = [
                f"Ingen av dina kommuner deltar ({names} deltar). En kommunsamordnare "
                "importerar bara projekt som den egna kommunen deltar i."
            ]
            return
        parties = own
    if not parties:
        project.status = ProjectStatus.NO_SWEDISH_PARTY
        project.reasons = [
            "Ingen av parterna är en svensk kommun eller region som portalen känner igen. "
            "Projektet hoppas över."
        ]
        return
    lead = [p for p in parties if p.role == ParticipantRole.LEAD_PARTNER]
    project.owner = (lead or parties)[0].municipality
    notes = [f"{p.name} {p.via} ({p.municipality.name})." for p in project.swedish_parties if p.via]
    project.reasons = [f"Ägs av {project.owner.public_name}.", *notes]


# --- The import ---------------------------------------------------------------------------


@dataclasses.dataclass
class ImportResult:
    projects: int
    organisations: int
    participants: int
    skipped: int


def result_message(result: ImportResult, *, published: bool) -> str:
    def count(number, singular, plural):
        return f"{number} {singular if number == 1 else plural}"

    return (
        f"{count(result.projects, 'projekt', 'projekt')} importerades "
        f"{'och publicerades' if published else 'som utkast'}, med "
        f"{count(result.participants, 'deltagare', 'deltagare')} och "
        f"{count(result.organisations, 'ny organisation', 'nya organisationer')}. "
        f"{count(result.skipped, 'projekt', 'projekt')} hoppades över."
    )


def partner_list_import(*, plan: Plan, user=None, publish: bool = False) -> ImportResult:
    """Write the plan's new projects with their participants and the organisations they
    need, all or nothing, with history by `user`. Projects are drafts unless `publish`."""
    projects = plan.to_import
    if user is not None and not is_national_editor(user):
        allowed = municipality_ids(user)
        if any(project.owner.pk not in allowed for project in projects):
            raise PermissionDenied("Du kan bara importera projekt som dina kommuner äger.")
    with transaction.atomic():
        _check_still_new(projects)
        organisation_slugs = set(Organisation.objects.values_list("slug", flat=True))
        project_slugs = set(Project.objects.values_list("slug", flat=True))
        new_organisations = plan.organisations_to_create
        for new in new_organisations:
            if new.municipality is not None:
                new.organisation = new_own_organisation(new.municipality)
            else:
                new.organisation = Organisation(name=new.name, kind=new.kind, country=new.country)
            new.organisation.slug = unique_slug(
                new.name, organisation_slugs, suffix=new.country.code.lower()
            )
        create_with_history(
            Organisation, [new.organisation for new in new_organisations], user, CHANGE_REASON
        )

        records, participants = [], []
        for planned in projects:
            record = Project(
                title=planned.title,
                acronym=planned.acronym,
                slug=unique_slug(planned.acronym or planned.title, project_slugs),
                municipality=planned.owner,
                programme=planned.programme,
                summary=planned.summary,
                website=planned.website,
                start_date=planned.start_date,
                start_precision=planned.start_precision,
                end_date=planned.end_date,
                end_precision=planned.end_precision,
                is_published=publish,
            )
            if planned.total_budget is not None:
                record.total_budget = planned.total_budget
                record.budget_currency = planned.currency
            if planned.grant_amount is not None:
                record.grant_amount, record.grant_currency = planned.grant_amount, planned.currency
            record.normalise_period()  # what save() does; bulk_create does not call it
            records.append(record)
            for partner in planned.partners:
                organisation = partner.organisation or partner.new_organisation.organisation
                participants.append(
                    ProjectParticipant(
                        project=record,
                        organisation=organisation,
                        role=partner.role,
                        budget_amount=partner.budget,
                        budget_currency=planned.currency if partner.budget is not None else "",
                        awaiting_confirmation=needs_confirmation(
                            organisation, owner_id=planned.owner.pk, user=user
                        ),
                        party_municipality_id=party_municipality_id(organisation, planned.owner.pk),
                    )
                )
        create_with_history(Project, records, user, CHANGE_REASON)
        create_with_history(ProjectParticipant, participants, user, CHANGE_REASON)
        search_index.refresh(Kind.PROJECT, [record.pk for record in records])
        facets.refresh(record.pk for record in records)
        transaction.on_commit(content_changed)
    return ImportResult(
        projects=len(records),
        organisations=len(new_organisations),
        participants=len(participants),
        skipped=len(plan.projects) - len(records),
    )


def _check_still_new(projects: list[PlannedProject]) -> None:
    """A project registered by someone else between the dry run and the import."""
    again = [dataclasses.replace(project, status=ProjectStatus.NEW) for project in projects]
    _check_existing(again)
    stale = [project.first_row for project in again if project.status is ProjectStatus.DUPLICATE]
    if stale:
        raise StalePlanError(
            "Registret har ändrats sedan förhandsgranskningen (rad "
            f"{', '.join(map(str, stale[:5]))}). Inget har sparats; granska filen igen."
        )
