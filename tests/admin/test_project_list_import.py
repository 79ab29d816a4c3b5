"""The import of project lists with one row per partner (projects/partner_list_import.py), as
programmes and keep.eu publish them: headers in English or Swedish, partners matched by
normalised name and country or created visibly, Swedish municipalities and regions
recognised as the project's Swedish parties, programmes by name, short name or period,
every refused row explained with its row and column, all or nothing with history."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from access.roles import NATIONAL_EDITOR
from contacts.models import Organisation
from portal.models import Municipality
from projects.models import Programme, Project, ProjectParticipant
from projects.partner_list_import import (
    ProjectStatus,
    is_partner_list,
    partner_list_import,
    partner_list_plan,
    read_partner_list,
)

pytestmark = pytest.mark.django_db

HEADERS = [
    "Project acronym",
    "Project name",
    "Programme",
    "Start date",
    "End date",
    "Partner name",
    "Partner role",
    "Partner country",
    "NUTS 3",
    "Partner budget",
    "ERDF",
]


def csv_bytes(rows, headers=HEADERS) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(headers)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


def plan_of(rows, headers=HEADERS, user=None, programme=None):
    return partner_list_plan(
        rows=read_partner_list(csv_bytes(rows, headers)), user=user, programme=programme
    )


def project(acronym, partner, role="PP", country="Sweden", nuts="", budget="", **cells):
    return [
        acronym,
        cells.get("title", f"Projektet {acronym}"),
        cells.get("programme", "Interreg Öresund"),
        cells.get("start", "01.09.2016"),
        cells.get("end", "31.08.2019"),
        partner,
        role,
        country,
        nuts,
        budget,
        cells.get("erdf", ""),
    ]


GREENPORT = [
    project("GREENPORT", "Region Skåne", "LP", "Sweden", "SE224", "450 000,00"),
    project("GREENPORT", "City of Malmö", "PP", "", "SE224", "120000"),
    project("GREENPORT", "Københavns Kommune", "Project partner", "Denmark", "DK011", "300000"),
    project("GREENPORT", "Lunds universitet", "AP", "Sverige", "", "50000"),
    project("GREENPORT", "KØGE KOMMUNE", "PP", "DK", "", "80 000"),
]


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("redaktor-lista", is_staff=True)
    user.groups.add(Group.objects.get(name=NATIONAL_EDITOR))
    return user


def test_headers_tell_a_partner_list_from_a_project_sheet():
    assert is_partner_list(HEADERS)
    assert is_partner_list(["Förkortning", "Partner", "Roll", "Land"])
    assert not is_partner_list(["ID", "Titel", "Kommun", "Deltagare"])


def test_a_programmes_partner_list_imports_whole(client, editor):
    plan = plan_of(GREENPORT, user=editor)
    (greenport,) = plan.projects
    assert greenport.status is ProjectStatus.NEW, greenport.reasons
    assert greenport.owner.slug == "region-skane"  # the Swedish lead partner owns it
    assert [p.municipality.slug if p.municipality else None for p in greenport.partners] == [
        "region-skane",
        "malmo",
        None,
        None,
        None,
    ]
    # Køge is registered (seed 003): matched whatever the case, not created again.
    koge = greenport.partners[4]
    assert koge.organisation == Organisation.objects.get(slug="koge-kommune")
    created = {org.name for org in plan.organisations_to_create}
    assert created == {"Region Skåne", "Malmö kommun", "Københavns Kommune", "Lunds universitet"}

    result = partner_list_import(plan=plan, user=editor, publish=True)
    assert (result.projects, result.participants, result.organisations) == (1, 5, 4)
    record = Project.objects.get(acronym="GREENPORT")
    assert record.municipality.slug == "region-skane"
    assert record.programme.slug == "interreg-oresund"
    assert (record.start_date, record.end_date) == (
        datetime.date(2016, 9, 1),
        datetime.date(2019, 8, 31),
    )
    assert record.total_budget == Decimal("1000000.00")  # the partners' budgets added up
    roles = {
        p.organisation.name: (p.role, p.budget_amount) for p in record.project_participants.all()
    }
    assert roles["Region Skåne"] == ("lead_partner", Decimal("450000.00"))
    assert roles["Lunds universitet"] == ("associerad", Decimal("50000.00"))
    assert record.history.latest().history_user == editor
    # On each Swedish party's page, marked with who leads it.
    malmo = client.get("/kommuner/malmo/").content.decode()
    assert "Projektet GREENPORT" in malmo and "leds av Region Skåne" in malmo
    assert "Projektet GREENPORT" in client.get("/kommuner/region-skane/").content.decode()

    # The same file again: the project is there, nothing is created.
    again = plan_of(GREENPORT, user=editor)
    assert again.projects[0].status is ProjectStatus.DUPLICATE
    assert not again.organisations_to_create


def test_the_total_is_the_partners_budgets_only_when_every_partner_has_one():
    rows = [project("SUM", "Region Skåne", "LP", budget="100"), project("SUM", "Lunds universitet")]
    (planned,) = plan_of(rows).projects
    assert planned.total_budget is None
    rows = [
        project("SUM", "Region Skåne", "LP", budget="100", erdf="500"),
        project("SUM", "Lund", budget="1"),
    ]
    (planned,) = plan_of(rows).projects
    assert planned.total_budget is None  # below the grant: not the whole budget
    assert planned.status is ProjectStatus.NEW


def test_a_new_organisation_is_shown_with_the_nearest_names_already_registered(editor):
    plan = plan_of(
        [project("NEAR", "Region Skåne", "LP"), project("NEAR", "Koge Kommun A/S", "PP", "DK")]
    )
    (new,) = [org for org in plan.organisations_to_create if org.country.code == "DK"]
    assert new.nearest == ["Køge Kommune"]
    assert new.kind == "foretag"  # "A/S": a company, as the preview says


@pytest.mark.parametrize(
    ("name", "slug", "via"),
    [
        ("City of Malmö", "malmo", ""),
        ("BORLÄNGE KOMMUN", "borlange", ""),
        ("Malmö stad", "malmo", ""),
        ("Region Skåne", "region-skane", ""),
        ("Gothenburg", "goteborg", "matchad via engelskt namn"),
        ("Landstinget Blekinge", "region-blekinge", "matchad via tidigare namn"),
    ],
)
def test_swedish_municipalities_and_regions_are_recognised(name, slug, via):
    (planned,) = plan_of([project("SWE", name, "LP")]).projects
    (partner,) = planned.partners
    assert partner.municipality.slug == slug
    assert partner.via == via
    if via:
        assert any(via in reason for reason in planned.reasons)


def test_a_county_or_nuts_code_stands_for_the_country():
    rows = [
        project("NUTS", "Region Skåne", "LP", "", "SE224"),
        project("NUTS", "Aarhus Universitet", "PP", "", "DK042"),
        project("NUTS", "Πανεπιστήμιο Κρήτης", "PP", "", "EL431"),
    ]
    (planned,) = plan_of(rows).projects
    assert [p.country.code for p in planned.partners] == ["SE", "DK", "GR"]
    headers = [*HEADERS[:8], "Län", *HEADERS[9:]]
    (planned,) = plan_of([project("LAN", "Region Skåne", "LP", "", "Skåne län")], headers).projects
    assert planned.partners[0].country.code == "SE"


def test_countries_as_lists_write_them():
    rows = [
        project("LAND", "Region Skåne", "LP"),
        project("LAND", "Belfast City Council", "PP", "Northern Ireland, United Kingdom"),
        project("LAND", "Cork County Council", "PP", "Republic of Ireland"),
        project("LAND", "Tbilisi City Hall", "PP", "Georgia (country)"),
        project("LAND", "Izmir Metropolitan Municipality", "PP", "Turkey"),
    ]
    (planned,) = plan_of(rows).projects
    assert planned.status is ProjectStatus.NEW, planned.reasons
    assert [p.country.code for p in planned.partners] == ["SE", "GB", "IE", "GE", "TR"]


def test_every_refused_row_names_its_row_and_column_and_stops_its_project_only():
    rows = [
        *GREENPORT,
        project("BAD", "Region Skåne", "XX", "Narnia", "", "abc"),
        project("BAD2", "Region Skåne", "PP", programme="Okänt program"),
    ]
    plan = plan_of(rows)
    bad = [p for p in plan.projects if p.acronym.startswith("BAD")]
    assert {p.status for p in bad} == {ProjectStatus.ERROR}
    reasons = " ".join(reason for p in bad for reason in p.reasons)
    assert "Rad 7, kolumnen Roll: rollen ”XX” känns inte igen" in reasons
    assert "Rad 7, kolumnen Partnerns budget: ”abc” är inget belopp" in reasons
    assert "Rad 7, kolumnen Land: landet ”Narnia” känns inte igen" in reasons
    assert "kolumnen Program: programmet ”Okänt program” finns inte i registret" in reasons
    assert next(p for p in plan.projects if p.acronym == "GREENPORT").status is ProjectStatus.NEW


def test_two_lead_partners_or_a_partner_twice_are_row_errors():
    rows = [
        project("TWO", "Region Skåne", "LP"),
        project("TWO", "Region Halland", "Lead partner"),
        project("TWO", "REGION SKÅNE", "PP"),
    ]
    (planned,) = plan_of(rows).projects
    reasons = " ".join(planned.reasons)
    assert (
        "Rad 3, kolumnen Roll: projektet har redan en huvudpartner (Region Skåne, rad 2)" in reasons
    )
    assert (
        "Rad 4, kolumnen Partner: Region Skåne står redan som partner i projektet på rad 2"
        in reasons
    )


def test_a_project_without_a_swedish_municipality_or_region_is_skipped_and_said():
    rows = [project("DK", "Helsingør Kommune", "LP", "Denmark"), project("DK", "Lunds universitet")]
    (planned,) = plan_of(rows).projects
    assert planned.status is ProjectStatus.NO_SWEDISH_PARTY
    assert "Ingen av parterna är en svensk kommun eller region" in planned.reasons[0]


def test_a_programme_by_short_name_or_with_its_period_and_unknown_ones_with_the_closest():
    Programme.objects.filter(slug="interreg-oks").update(start_year=2014, end_year=2020)
    for text in ("ÖKS", "Interreg Öresund-Kattegatt-Skagerrak 2014-2020", "interreg-oks"):
        (planned,) = plan_of([project("P", "Region Skåne", "LP", programme=text)]).projects
        assert planned.programme.slug == "interreg-oks", (text, planned.reasons)
    (planned,) = plan_of(
        [project("P", "Region Skåne", "LP", programme="Interreg Oresund Kattegat Skagerak")]
    ).projects
    assert planned.status is ProjectStatus.ERROR
    assert "Närmast: ”Interreg Öresund-Kattegatt-Skagerrak 2014–2020”" in planned.reasons[0]


def test_a_programme_chosen_for_the_whole_list_stands_for_the_column():
    chosen = Programme.objects.get(slug="interreg-central-baltic")
    (planned,) = plan_of(
        [project("P", "Region Skåne", "LP", programme="Whatever they call it")], programme=chosen
    ).projects
    assert planned.status is ProjectStatus.NEW
    assert planned.programme == chosen


def test_a_coordinator_imports_what_their_municipality_takes_part_in(make_coordinator, client):
    coordinator = make_coordinator("malmo")
    rows = [*GREENPORT, project("OTHER", "Region Halland", "LP")]
    plan = plan_of(rows, user=coordinator)
    greenport, other = plan.projects
    assert greenport.owner.slug == "malmo"  # their own, though Region Skåne leads
    assert other.status is ProjectStatus.NO_SWEDISH_PARTY
    assert "Ingen av dina kommuner deltar (Region Halland deltar)" in other.reasons[0]
    assert plan.awaiting_confirmation == 1  # Region Skåne confirms itself
    partner_list_import(plan=plan, user=coordinator)
    skane = ProjectParticipant.objects.get(
        project__acronym="GREENPORT", organisation__municipality__slug="region-skane"
    )
    assert skane.awaiting_confirmation


def test_the_import_is_all_or_nothing(editor, monkeypatch):
    plan = plan_of(GREENPORT, user=editor)
    before = (Project.objects.count(), Organisation.objects.count())

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("projects.partner_list_import.search_index.refresh", fail)
    with pytest.raises(RuntimeError):
        partner_list_import(plan=plan, user=editor)
    assert (Project.objects.count(), Organisation.objects.count()) == before


def test_unreadable_files_get_a_swedish_message():
    from projects.partner_list_import import PartnerListFileError

    for data, message in (
        (b"", "Filen är tom."),
        (csv_bytes([], ["ID", "Titel", "Kommun"]), "Filen är ingen lista med en rad per partner"),
        (csv_bytes([], HEADERS), "Filen har kolumnrubriker men inga rader"),
        (b"\x00\x01binary", "Filen går inte att läsa"),
    ):
        with pytest.raises(PartnerListFileError, match=message):
            read_partner_list(data)


# --- The admin -----------------------------------------------------------------------------


def upload(client, data: bytes, name="lista.csv", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("admin:projects_project_import_partner_list"),
        {"file": SimpleUploadedFile(name, data), **fields},
    )


def test_the_admin_previews_then_imports_and_publishes(national_editor_client):
    response = upload(national_editor_client, csv_bytes(GREENPORT))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Organisationer som läggs till (4)" in html
    assert "Inget är sparat än" in html
    assert not Project.objects.filter(acronym="GREENPORT").exists()
    token = response.context["token"]
    confirm = reverse("admin:projects_project_import_partner_list_confirm")
    response = national_editor_client.post(confirm, {"token": token, "publish": "1"})
    assert response.status_code == 302
    record = Project.objects.get(acronym="GREENPORT")
    assert record.is_published
    # A second confirmation of the same preview changes nothing.
    response = national_editor_client.post(confirm, {"token": token}, follow=True)
    assert "Förhandsgranskningen finns inte längre" in response.content.decode()
    assert Project.objects.filter(acronym="GREENPORT").count() == 1


def test_the_spreadsheet_import_hands_a_partner_list_over(national_editor_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = national_editor_client.post(
        reverse("admin:projects_project_import"),
        {
            "import_file": SimpleUploadedFile("lista.csv", csv_bytes(GREENPORT)),
            "format": "0",
            "resource": "0",
        },
    )
    assert response.status_code == 200
    assert "Förhandsgranskning av projektlistan" in response.content.decode()


def test_a_bad_file_is_refused_in_swedish_and_changes_nothing(national_editor_client):
    before = Project.objects.count()
    response = upload(national_editor_client, "Titel;Kommun\nX;Växjö\n".encode())
    assert response.status_code == 200
    assert "Filen är ingen lista med en rad per partner" in response.content.decode()
    assert Project.objects.count() == before


def test_a_coordinator_without_a_municipality_in_the_list_imports_nothing(client, make_coordinator):
    client.force_login(make_coordinator("kiruna"))
    response = upload(client, csv_bytes(GREENPORT))
    assert response.status_code == 200
    assert "Inget projekt kan importeras" in response.content.decode()
    assert Municipality.objects.get(slug="kiruna")


# --- A whole list as programmes write them (tests/data/project_lists.py) --------------------


def test_the_120_project_list_is_what_its_generator_makes():
    from tests.data.project_lists import LIST_120, csv_text, project_rows

    assert LIST_120.read_bytes().decode("utf-8") == csv_text(project_rows(120))


def test_the_120_project_list_imports_whole_onto_every_swedish_partys_page(client, editor):
    from tests.data.project_lists import LIST_120

    plan = partner_list_plan(rows=read_partner_list(LIST_120.read_bytes()), user=editor)
    counts = plan.counts()
    # Every project is imported but those with a planted error or no Swedish party, and
    # each of those says why, naming its rows.
    assert counts[ProjectStatus.NEW] >= 110
    for skipped in plan.projects:
        if skipped.status is not ProjectStatus.NEW:
            assert skipped.reasons and (
                skipped.reasons[0].startswith("Rad ")
                or skipped.status is ProjectStatus.NO_SWEDISH_PARTY
            )
    result = partner_list_import(plan=plan, user=editor, publish=True)
    assert result.projects == counts[ProjectStatus.NEW]
    parties_checked = 0
    for planned in plan.to_import:
        record = Project.objects.get(acronym=planned.acronym)
        assert record.programme is not None and record.programme.start_year
        participants = list(record.project_participants.all())
        assert len(participants) == len(planned.partners)
        for party in planned.swedish_parties:
            assert record in Project.objects.published().involving(party.municipality)
            parties_checked += 1
    assert parties_checked >= counts[ProjectStatus.NEW]
    # On the pages themselves, for a few of them.
    for planned in plan.to_import[:5]:
        for party in planned.swedish_parties:
            page = client.get(f"/kommuner/{party.municipality.slug}/")
            assert page.status_code == 200
            assert planned.acronym in page.content.decode()


def test_a_kommun_column_names_the_owner_and_a_blank_partner_row_is_a_project_alone(
    make_coordinator,
):
    headers = ["Förkortning", "Titel", "Kommun", "Partner", "Roll", "Land"]
    rows = [
        ["ALONE", "Ett projekt utan parter", "Växjö", "", "", ""],
        ["OWNED", "Ägt av Växjö", "0780", "Københavns Kommune", "LP", "DK"],
        ["BADOWNER", "Okänd ägare", "Atlantis", "Region Skåne", "LP", "SE"],
        ["NONAME", "Roll utan partner", "Växjö", "", "PP", "DK"],
    ]
    alone, owned, bad, noname = plan_of(rows, headers).projects
    assert (alone.status, alone.owner.slug, alone.partners) == (ProjectStatus.NEW, "vaxjo", [])
    assert owned.owner.slug == "vaxjo"
    assert "Ägs av Växjö kommun (kolumnen Kommun)." in owned.reasons
    assert bad.status is ProjectStatus.ERROR
    assert "Rad 4, kolumnen Kommun: Ingen kommun heter ”Atlantis”" in bad.reasons[0]
    assert "Rad 5, kolumnen Partner: partnerns namn saknas" in noname.reasons[0]
    # A coordinator may not name another municipality as the owner.
    (planned, *_) = plan_of(rows[:1], headers, user=make_coordinator("ljungby")).projects
    assert planned.status is ProjectStatus.NO_SWEDISH_PARTY
    assert "Kolumnen Kommun anger Växjö, som du inte samordnar" in planned.reasons[0]


def test_text_the_exports_escaped_as_a_formula_reads_back_as_written():
    (planned,) = plan_of([project("'=SUM", "Region Skåne", "LP", title="'+46 Göteborg")]).projects
    assert (planned.acronym, planned.title) == ("=SUM", "+46 Göteborg")
