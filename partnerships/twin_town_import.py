"""Bulk import of twin-town pairs (vänorter) from the lists that already exist.

A list has the columns Kommun, Vänort and Land, and optionally Sedan and Till och med
(years). Two steps, which the admin view, the management command and the tests all call:

- `twin_towns_plan(*, rows, user)` is the dry run: it reads nothing but the database, once
  per kind of record (municipalities, countries, partner places, registered pairs), and
  says for every row what an import would do — a new pair with a partner place already in
  the register (matched), a new pair with a new place (new), a pair already registered or
  twice in the file (duplicate), or why the row cannot be imported (unmatched).
- `twin_towns_import(*, plan, user, publish)` writes the matched and new rows in one
  transaction (all or nothing), with history entries attributed to the user. Duplicates
  and unmatched rows are skipped; the report says which and why, so a corrected file can
  be imported again and the rows already imported come back as duplicates.

Matching never guesses. A municipality is found by SCB code, official, short or display
name, with or without "kommun"/"stad"/"Municipality"/"kommune", in any case. A name typed
with diacritics must match exactly; a name typed without any ("Vaxjo") is compared with
the names' diacritics removed, and when that gives two municipalities (Habo and Håbo)
the row names both and asks for the SCB code. Countries are found by
`portal.countries.country_code_for`. A partner place is reused when an organisation in
the same country has that name or another name of it (ignoring case and diacritics).

A national editor imports for every municipality; a coordinator only for their own (a row
for another municipality is unmatched, and `twin_towns_import` refuses a plan that holds
one).
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction

from access.roles import is_national_editor
from access.scoping import municipality_ids, needs_confirmation
from contacts.models import Organisation, OrganisationKind, OrganisationName
from contacts.own import new_own_organisation, own_organisations
from operations.page_cache import content_changed
from partnerships.models import Partnership, PartnershipParty, PartyRole
from portal.choices import CooperationKind
from portal.countries import SWEDEN, country_code_for, country_suggestions
from portal.formatting import DatePrecision, format_megabytes, join_swedish
from portal.models import Country, Municipality
from portal.names import (
    SwedishMunicipalities,
    fold,
    organisation_name_key,
    organisation_name_keys,
)
from portal.parties import (
    party_municipality_id,
    swedish_party_q,
)
from search import index as search_index
from search.models import Kind
from spreadsheets.bulk_import import StalePlanError, create_with_history, unique_slug
from spreadsheets.formats import SpreadsheetFileError, describe_unknown_file, detect_format

#: The largest file and the most rows a list may have.
MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_ROWS = 10_000
#: Years a list may give for Sedan and Till och med.
FIRST_YEAR = 1800

MUNICIPALITY, TWIN_TOWN, COUNTRY, SINCE, UNTIL = "Kommun", "Vänort", "Land", "Sedan", "Till och med"
REQUIRED_COLUMNS = (MUNICIPALITY, TWIN_TOWN, COUNTRY)
COLUMNS = (*REQUIRED_COLUMNS, SINCE, UNTIL)
CHANGE_REASON = "Vänortsimport"


class TwinTownFileError(SpreadsheetFileError):
    """A file that cannot be imported at all; the message is Swedish, for the uploader."""


class RowStatus(enum.Enum):
    MATCHED = "matchad"
    NEW = "ny"
    DUPLICATE = "dubblett"
    UNMATCHED = "omatchad"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def short_label(self) -> str:
        return SHORT_LABELS[self]


SHORT_LABELS = {
    RowStatus.MATCHED: "befintliga orter",
    RowStatus.NEW: "nya orter",
    RowStatus.DUPLICATE: "dubbletter",
    RowStatus.UNMATCHED: "fel",
}
STATUS_LABELS = {
    RowStatus.MATCHED: "Vänorten finns redan i registret – nytt vänortspar",
    RowStatus.NEW: "Ny vänort – orten läggs till i registret",
    RowStatus.DUPLICATE: "Dubbletter – hoppas över",
    RowStatus.UNMATCHED: "Kan inte importeras – hoppas över",
}


# --- Reading the file -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SourceRow:
    """One row of the list as plain data: its row number in the spreadsheet (the header is
    row 1) and its cells as text (a year may be an int). What the admin keeps between the
    dry run and the import."""

    number: int
    municipality: str
    twin_town: str
    country: str
    since: str | int = ""
    until: str | int = ""

    def as_list(self) -> list:
        return [
            self.number,
            self.municipality,
            self.twin_town,
            self.country,
            self.since,
            self.until,
        ]

    @classmethod
    def from_list(cls, values: Sequence) -> SourceRow:
        number, municipality, twin_town, country, since, until = values
        return cls(int(number), str(municipality), str(twin_town), str(country), since, until)


def _cell(value) -> str | int:
    """A cell as text; whole numbers (1946.0 from Excel, an SCB code typed as 780) as int."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.year
    return " ".join(str(value).replace("\u00a0", " ").split())


def _header_key(text) -> str:
    return fold(" ".join(str(text or "").split()))


def too_large(size: int) -> str:
    return (
        f"Filen är för stor ({format_megabytes(size)}). Den får vara högst "
        f"{format_megabytes(MAX_FILE_SIZE)}; dela upp listan i flera filer."
    )


def read_twin_town_file(data: bytes) -> list[SourceRow]:
    """The rows of an uploaded list (CSV in UTF-8 with comma or semicolon, XLSX or ODS),
    read with the portal's spreadsheet readers. Raises TwinTownFileError in Swedish."""
    if not data:
        raise TwinTownFileError("Filen är tom.")
    if len(data) > MAX_FILE_SIZE:
        raise TwinTownFileError(too_large(len(data)))
    format_class = detect_format(data)
    if format_class is None:
        raise TwinTownFileError(describe_unknown_file(data))
    try:
        headers, body = format_class().read_file(data)
    except TwinTownFileError:
        raise
    except SpreadsheetFileError as error:
        raise TwinTownFileError(str(error)) from error
    positions = {}
    for index, header in enumerate(headers):
        positions.setdefault(_header_key(header), index)
    missing = [name for name in REQUIRED_COLUMNS if _header_key(name) not in positions]
    if missing:
        names = join_swedish([f"”{name}”" for name in missing])
        raise TwinTownFileError(
            f"{'Kolumnen' if len(missing) == 1 else 'Kolumnerna'} {names} saknas i första "
            "raden. Listan ska ha kolumnerna Kommun, Vänort och Land, och får ha Sedan och "
            "Till och med (årtal)."
        )
    columns = [positions.get(_header_key(name)) for name in COLUMNS]
    rows = []
    for number, values in enumerate(body, start=2):
        cells = [
            _cell(values[index]) if index is not None and index < len(values) else ""
            for index in columns
        ]
        if all(cell == "" for cell in cells):
            continue
        if len(rows) == MAX_ROWS:
            raise TwinTownFileError(
                f"Filen har fler än {MAX_ROWS:,} rader. Dela upp listan i flera filer.".replace(
                    ",", " "
                )
            )
        rows.append(SourceRow(number, *(str(cell) for cell in cells[:3]), *cells[3:]))
    if not rows:
        raise TwinTownFileError("Filen har kolumnrubriker men inga rader att importera.")
    return rows


# --- Names ------------------------------------------------------------------------------


def place_key(text: str) -> str:
    """How partner places are compared (portal.names): "Hjørring Kommune", "hjorring" →
    "hjorring"."""
    return organisation_name_key(text)


# --- The plan -----------------------------------------------------------------------------


@dataclasses.dataclass(eq=False)
class NewPlace:
    """A partner place the import creates: once, however many rows name it. For a Swedish
    municipality with no organisation of its own yet, `municipality` is that one."""

    name: str
    country: Country
    first_row: int
    organisation: Organisation | None = None
    municipality: Municipality | None = None


@dataclasses.dataclass
class PlannedRow:
    source: SourceRow
    status: RowStatus
    reason: str
    municipality: Municipality | None = None
    country: Country | None = None
    organisation: Organisation | None = None
    new_place: NewPlace | None = None
    since: int | None = None
    until: int | None = None
    #: For a pair of two Swedish municipalities: the other one.
    partner_municipality: Municipality | None = None

    @property
    def number(self) -> int:
        return self.source.number

    @property
    def place_name(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        if self.new_place is not None:
            return self.new_place.name
        return self.source.twin_town

    @property
    def period_display(self) -> str:
        if self.since and self.until:
            return f"{self.since}–{self.until}"
        if self.since:
            return f"sedan {self.since}"
        if self.until:
            return f"till och med {self.until}"
        return ""


@dataclasses.dataclass
class Plan:
    rows: list[PlannedRow]
    #: The user the plan was made for (None: the command line, every municipality).
    user: object | None = None

    def with_status(self, status: RowStatus) -> list[PlannedRow]:
        return [row for row in self.rows if row.status is status]

    @property
    def to_import(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.status in (RowStatus.MATCHED, RowStatus.NEW)]

    @property
    def new_places(self) -> list[NewPlace]:
        places = {id(row.new_place): row.new_place for row in self.rows if row.new_place}
        return list(places.values())

    def counts(self) -> dict[RowStatus, int]:
        return {status: len(self.with_status(status)) for status in RowStatus}

    def groups(self) -> list[tuple[RowStatus, list[PlannedRow]]]:
        """Rows by status, for the report: problems first, then what will be written."""
        order = (RowStatus.UNMATCHED, RowStatus.DUPLICATE, RowStatus.NEW, RowStatus.MATCHED)
        return [(status, self.with_status(status)) for status in order]


class _Places:
    """The partner places already registered, in the countries the list names."""

    PLACE_KINDS = (OrganisationKind.MUNICIPALITY, OrganisationKind.REGION)

    def __init__(self, country_ids: Iterable[int]):
        self.by_key = defaultdict(dict)
        country_ids = list(country_ids)
        organisations = Organisation.objects.filter(country_id__in=country_ids).only(
            "id", "name", "kind", "country_id", "slug"
        )
        for organisation in organisations:
            self._add(organisation, organisation.name)
        other_names = OrganisationName.objects.filter(
            organisation__country_id__in=country_ids
        ).select_related("organisation")
        for other_name in other_names:
            self._add(other_name.organisation, other_name.name)
        self.new = {}

    def _add(self, organisation, name) -> None:
        for key in organisation_name_keys(name):
            self.by_key[(organisation.country_id, key)][organisation.pk] = organisation

    def find(self, name: str, country: Country) -> tuple[list[Organisation], NewPlace | None]:
        found = {}
        for key in organisation_name_keys(name):
            found.update(self.by_key.get((country.pk, key), {}))
        found = list(found.values())
        if len(found) > 1:
            # Prefer the places (a town, a province) over a namesake association or company.
            found = [org for org in found if org.kind in self.PLACE_KINDS] or found
        return found, self.new.get((country.pk, place_key(name)))

    def add_new(self, name: str, country: Country, row: int) -> NewPlace:
        place = NewPlace(name=name, country=country, first_row=row)
        self.new[(country.pk, place_key(name))] = place
        return place


def _year(value, column: str) -> tuple[int | None, str]:
    if value in ("", None):
        return None, ""
    text = str(value).strip()
    if re.fullmatch(r"\d{4}(?:[.,]0+)?", text):
        year = int(text[:4])
        last_year = datetime.date.today().year + 10
        if FIRST_YEAR <= year <= last_year:
            return year, ""
        return (
            None,
            f"{column} ska vara ett årtal mellan {FIRST_YEAR} och {last_year} (inte {year}).",
        )
    return None, f"{column} ska vara ett årtal, till exempel 1946 (inte ”{text}”)."


@dataclasses.dataclass
class _PlanContext:
    """What the rows are planned against: read once for the whole list."""

    municipalities: SwedishMunicipalities
    allowed: frozenset | None
    places: _Places
    #: (municipality id, organisation id) of registered twin towns.
    registered: set
    #: Pairs of Swedish municipalities already twinned, either way round.
    registered_swedish: set
    own_organisations: dict
    seen_pairs: dict = dataclasses.field(default_factory=dict)
    #: (municipality id, place key) → the first row naming that place, whatever country.
    seen_places: dict = dataclasses.field(default_factory=dict)
    new_swedish: dict = dataclasses.field(default_factory=dict)


def twin_towns_plan(
    *,
    rows: Iterable[SourceRow],
    user=None,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> Plan:
    """The dry run: what importing `rows` would do, row by row. Writes nothing.

    `user` narrows the rows a coordinator may import to their own municipalities (None:
    every municipality, as the management command without --user). `progress` wraps the
    rows, for a progress bar.
    """
    rows = list(rows)
    municipalities = SwedishMunicipalities()
    countries = {country.code: country for country in Country.objects.all()}
    country_cache: dict[str, Country | None] = {}

    def find_country(text: str) -> Country | None:
        if text not in country_cache:
            code = country_code_for(text)
            country_cache[text] = countries.get(code) if code else None
        return country_cache[text]

    # First pass, in memory: which municipality and country each row names.
    resolved = []
    for row in rows:
        match = municipalities.find(row.municipality)
        country = find_country(row.country) if row.country else None
        resolved.append((row, match, country))

    country_ids = {country.pk for *_, country in resolved if country is not None}
    municipality_pks = {match.municipality.pk for _, match, _ in resolved if match}
    twin_towns = PartnershipParty.objects.filter(partnership__kind=CooperationKind.TWIN_TOWN)
    context = _PlanContext(
        municipalities=municipalities,
        allowed=None if user is None or is_national_editor(user) else municipality_ids(user),
        places=_Places(country_ids),
        registered=set(
            twin_towns.filter(partnership__municipality_id__in=municipality_pks).values_list(
                "partnership__municipality_id", "organisation_id"
            )
        ),
        registered_swedish={
            frozenset(pair)
            for pair in twin_towns.filter(swedish_party_q("organisation__")).values_list(
                "partnership__municipality_id", "organisation__municipality_id"
            )
        },
        own_organisations=own_organisations() if SWEDEN in country_ids else {},
    )
    planned = []
    for row, match, country in progress(resolved) if progress else resolved:
        planned.append(_plan_row(row, match, country, context))
    return Plan(rows=planned, user=user)


def _plan_row(row, match, country, context: _PlanContext) -> PlannedRow:
    municipality = match.municipality

    def unmatched(reason: str) -> PlannedRow:
        return PlannedRow(row, RowStatus.UNMATCHED, reason, municipality, country)

    if municipality is None:
        return unmatched(match.error)
    if context.allowed is not None and municipality.pk not in context.allowed:
        return unmatched(
            f"Du samordnar inte {municipality.short_name}; en kommunsamordnare importerar "
            "bara sina egna kommuners vänorter."
        )
    place_name = row.twin_town.strip()
    if not place_name:
        return unmatched("Vänort saknas.")
    if len(place_name) > 200:
        return unmatched("Vänortens namn är längre än 200 tecken.")
    # A row naming a place the file already paired with this municipality is that pair
    # again, however its country is spelled ("USA", "Förenta staterna", "U.S.").
    place_seen = (municipality.pk, place_key(place_name))
    first = context.seen_places.get(place_seen)
    if not row.country:
        return unmatched("Land saknas.")
    if country is None:
        if first is not None:
            return PlannedRow(
                row,
                RowStatus.DUPLICATE,
                f"Samma vänortspar som rad {first} (landet skrivet ”{row.country}”).",
                municipality,
            )
        suggestions = country_suggestions(row.country)
        hint = f" Menade du {' eller '.join(suggestions)}?" if suggestions else ""
        return unmatched(
            f"Landet ”{row.country}” känns inte igen.{hint} Skriv det svenska eller engelska "
            "namnet (Tyskland, Germany) eller ISO-koden (DE)."
        )
    since, since_error = _year(row.since, SINCE)
    until, until_error = _year(row.until, UNTIL)
    if since_error or until_error:
        return unmatched(" ".join(filter(None, (since_error, until_error))))
    if since and until and until < since:
        return unmatched(f"Till och med ({until}) ligger före Sedan ({since}).")
    if country.code == SWEDEN:
        planned = _plan_swedish_pair(row, municipality, country, place_name, context)
    else:
        planned = _plan_place_abroad(row, municipality, country, place_name, context)
    planned.since, planned.until = since, until
    if match.via:
        planned.reason = f"{planned.reason} Kommunen ”{row.municipality}” {match.via}."
    if planned.status is not RowStatus.UNMATCHED:
        context.seen_places.setdefault(place_seen, row.number)
    return planned


def _plan_place_abroad(row, municipality, country, place_name, context) -> PlannedRow:
    existing, new_place = context.places.find(place_name, country)
    if len(existing) > 1:
        names = " och ".join(f"{org.name} ({org.get_kind_display().lower()})" for org in existing)
        return PlannedRow(
            row,
            RowStatus.UNMATCHED,
            f"Flera organisationer i {country.name} heter så: {names}. Lägg in vänorten för "
            "hand, eller ge den ena ett annat namn först.",
            municipality,
            country,
        )
    organisation = existing[0] if existing else None
    # The same place, in this row and in others: a registered one by id, a new one by name.
    place = ("org", organisation.pk) if organisation else ("new", place_key(place_name), country.pk)
    pair = (municipality.pk, place)
    planned = PlannedRow(
        row, RowStatus.DUPLICATE, "", municipality, country, organisation, new_place
    )
    if organisation is not None and (municipality.pk, organisation.pk) in context.registered:
        planned.reason = (
            f"{municipality.short_name} har redan {organisation.name} ({country.name}) som "
            "vänort i registret."
        )
        return planned
    if pair in context.seen_pairs:
        planned.reason = f"Samma vänortspar som rad {context.seen_pairs[pair]}."
        return planned

    if organisation is not None:
        planned.status = RowStatus.MATCHED
        planned.reason = f"Orten finns redan: {organisation.name}, {country.name}."
    elif new_place is not None:
        planned.status = RowStatus.NEW
        planned.reason = (
            f"Orten läggs till som {new_place.name}, {country.name} (samma ort som rad "
            f"{new_place.first_row})."
        )
    else:
        new_place = context.places.add_new(place_name, country, row.number)
        planned.new_place = new_place
        planned.status = RowStatus.NEW
        planned.reason = f"Orten läggs till: {place_name}, {country.name}."
    context.seen_pairs[pair] = row.number
    return planned


def _plan_swedish_pair(row, municipality, country, place_name, context) -> PlannedRow:
    """Two Swedish municipalities: one partnership, owned by the row's municipality, with
    the other as its partner, so it shows on both their pages (portal.parties)."""
    match = context.municipalities.find(place_name)
    partner = match.municipality
    if partner is None:
        return PlannedRow(
            row,
            RowStatus.UNMATCHED,
            f"Vänorten ligger i Sverige, men ingen svensk kommun hittades: {match.error}",
            municipality,
            country,
        )
    if partner.pk == municipality.pk:
        return PlannedRow(
            row,
            RowStatus.UNMATCHED,
            f"{municipality.short_name} kan inte vara sin egen vänort.",
            municipality,
            country,
        )
    organisation = context.own_organisations.get(partner.pk)
    new_place = None
    if organisation is None:
        new_place = context.new_swedish.get(partner.pk)
        if new_place is None:
            own = new_own_organisation(partner)
            new_place = context.new_swedish[partner.pk] = NewPlace(
                own.name, country, row.number, municipality=partner
            )
    planned = PlannedRow(
        row, RowStatus.DUPLICATE, "", municipality, country, organisation, new_place
    )
    planned.partner_municipality = partner
    pair = frozenset((municipality.pk, partner.pk))
    via = f" Vänorten ”{place_name}” {match.via}." if match.via else ""
    if pair in context.registered_swedish:
        planned.reason = (
            f"{municipality.short_name} och {partner.short_name} är redan vänorter i "
            f"registret.{via}"
        )
        return planned
    if pair in context.seen_pairs:
        planned.reason = f"Samma vänortspar som rad {context.seen_pairs[pair]}.{via}"
        return planned
    context.seen_pairs[pair] = row.number
    planned.status = RowStatus.MATCHED if organisation is not None else RowStatus.NEW
    planned.reason = (
        "Två svenska kommuner: ett samarbete som syns på sidorna för både "
        f"{municipality.short_name} och {partner.short_name}.{via}"
    )
    return planned


# --- The import ---------------------------------------------------------------------------


@dataclasses.dataclass
class ImportResult:
    partnerships: int
    organisations: int
    duplicates: int
    unmatched: int


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def result_message(result: ImportResult, *, published: bool) -> str:
    """The Swedish sentence the admin and the command end an import with."""
    return (
        f"{_count(result.partnerships, 'vänort', 'vänorter')} importerades "
        f"{'och publicerades' if published else 'som utkast'}, med "
        f"{_count(result.organisations, 'ny ort', 'nya orter')}. "
        f"{_count(result.duplicates, 'dubblett', 'dubbletter')} och "
        f"{_count(result.unmatched, 'rad med fel', 'rader med fel')} hoppades över."
    )


def _check_allowed(plan: Plan, user) -> None:
    if user is None or is_national_editor(user):
        return
    allowed = municipality_ids(user)
    for row in plan.to_import:
        if row.municipality.pk not in allowed:
            raise PermissionDenied(
                f"Rad {row.number}: du samordnar inte {row.municipality.short_name}."
            )


def twin_towns_import(*, plan: Plan, user=None, publish: bool = False) -> ImportResult:
    """Write the plan's matched and new rows, all or nothing: the new partner places (once
    each), a twin-town partnership per row and its party. Partnerships are drafts unless
    `publish`. Every record gets a history entry by `user` ("Vänortsimport").

    Raises PermissionDenied when the plan holds a row for a municipality the user does not
    coordinate, and StalePlanError when one of its pairs was registered meanwhile.
    """
    _check_allowed(plan, user)
    rows = plan.to_import
    with transaction.atomic():
        municipality_pks = {row.municipality.pk for row in rows}
        registered = set(
            PartnershipParty.objects.filter(
                partnership__kind=CooperationKind.TWIN_TOWN,
                partnership__municipality_id__in=municipality_pks,
            ).values_list("partnership__municipality_id", "organisation_id")
        )
        registered_swedish = {
            frozenset(pair)
            for pair in PartnershipParty.objects.filter(
                swedish_party_q("organisation__"), partnership__kind=CooperationKind.TWIN_TOWN
            ).values_list("partnership__municipality_id", "organisation__municipality_id")
        }
        stale = [
            row.number
            for row in rows
            if (row.organisation and (row.municipality.pk, row.organisation.pk) in registered)
            or (
                row.partner_municipality
                and frozenset((row.municipality.pk, row.partner_municipality.pk))
                in registered_swedish
            )
        ]
        if stale:
            raise StalePlanError(
                "Registret har ändrats sedan förhandsgranskningen (rad "
                f"{', '.join(map(str, stale[:5]))}). Inget har sparats; granska filen igen."
            )
        organisation_slugs = set(Organisation.objects.values_list("slug", flat=True))
        partnership_slugs = set(Partnership.objects.values_list("slug", flat=True))

        places = list(dict.fromkeys(row.new_place for row in rows if row.new_place))
        for place in places:
            if place.municipality is not None:
                place.organisation = new_own_organisation(place.municipality)
            else:
                place.organisation = Organisation(
                    name=place.name, kind=OrganisationKind.MUNICIPALITY, country=place.country
                )
            place.organisation.slug = unique_slug(
                place.name, organisation_slugs, suffix=place.country.code.lower(), fallback="ort"
            )
        create_with_history(
            Organisation, [place.organisation for place in places], user, CHANGE_REASON
        )

        partnerships, parties = [], []
        for row in rows:
            organisation = row.organisation or row.new_place.organisation
            partnership = Partnership(
                name=organisation.name,
                slug=unique_slug(
                    f"{row.municipality.slug} {organisation.slug}"[:90], partnership_slugs
                ),
                kind=CooperationKind.TWIN_TOWN,
                municipality=row.municipality,
                is_published=publish,
            )
            if row.since:
                partnership.start_date = datetime.date(row.since, 1, 1)
                partnership.start_precision = DatePrecision.YEAR
            if row.until:
                partnership.end_date = datetime.date(row.until, 12, 31)
                partnership.end_precision = DatePrecision.YEAR
            partnership.normalise_period()  # what save() does; bulk_create does not call it
            partnerships.append(partnership)
            parties.append(
                PartnershipParty(
                    partnership=partnership,
                    organisation=organisation,
                    role=PartyRole.PARTNER,
                    since_year=row.since,
                    until_year=row.until,
                    awaiting_confirmation=needs_confirmation(
                        organisation, owner_id=row.municipality.pk, user=user
                    ),
                    party_municipality_id=party_municipality_id(organisation, row.municipality.pk),
                )
            )
        create_with_history(Partnership, partnerships, user, CHANGE_REASON)
        create_with_history(PartnershipParty, parties, user, CHANGE_REASON)
        # Written without save(): the search documents and the public pages' cache are
        # brought up to date here, once for the whole import.
        search_index.refresh(Kind.PARTNERSHIP, [p.pk for p in partnerships])
        transaction.on_commit(content_changed)
    return ImportResult(
        partnerships=len(partnerships),
        organisations=len(places),
        duplicates=len(plan.with_status(RowStatus.DUPLICATE)),
        unmatched=len(plan.with_status(RowStatus.UNMATCHED)),
    )
