"""Imports through the admin: what a bad file or a bad row says (in Swedish), that nothing
is written unless every row is fine, the user's scope row by row, and history."""

import datetime
import tempfile
import uuid
from pathlib import Path

import pytest
from django.test import override_settings

from contacts.models import Organisation, Person
from networks.models import Membership, Network
from partnerships.models import Partnership
from projects.models import Project
from tests.admin.test_spreadsheets_support import (
    confirm,
    csv_bytes,
    form_errors,
    row_errors,
    snapshot,
    upload,
    xlsx_bytes,
)
from tests.factories import make_project, municipality

pytestmark = pytest.mark.django_db

HEADERS = [
    "ID",
    "Titel",
    "Kommun",
    "Program",
    "Start",
    "Startens precision",
    "Slut",
    "Slutets precision",
    "Total budget",
    "Budgetens valuta",
]


def project_row(**cells) -> list:
    values = {
        "ID": "nytt-projekt",
        "Titel": "Nytt projekt",
        "Kommun": "Växjö kommun",
        "Program": "Interreg Öresund",
        "Start": datetime.date(2020, 1, 1),
        "Startens precision": "År",
        "Slut": datetime.date(2022, 12, 31),
        "Slutets precision": "År",
        "Total budget": 100000,
        "Budgetens valuta": "SEK",
    }
    values.update(cells)
    return [values[header] for header in HEADERS]


def preview_of(client, *rows, headers=HEADERS):
    return upload(client, Project, xlsx_bytes([headers, *rows]), "projekt.xlsx")


def refused_by_form(response) -> str:
    """The form's message; the file went no further than the form."""
    assert response.status_code == 200
    assert "result" not in response.context
    assert "confirm_form" not in response.context
    return form_errors(response)


def refused_rows(response) -> dict:
    """The rows' messages; the preview offers no confirmation."""
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    return row_errors(response)


# A file that is not what it should be


def test_png_renamed_xlsx(national_editor_client):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    before = snapshot()

    message = refused_by_form(upload(national_editor_client, Project, png, "projekt.xlsx"))

    assert "PNG-bild" in message
    assert snapshot() == before


def _with_part(data: bytes, name: str, content: bytes = b"", types_replace=None) -> bytes:
    """The zipped workbook `data` with one more part (and its content types edited)."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item)
            if types_replace and item.filename == "[Content_Types].xml":
                body = body.replace(*types_replace)
            target.writestr(item, body)
        if name:
            target.writestr(name, content)
    return stream.getvalue()


MACRO_WORKBOOKS = {
    # Excel's VBA project in a file named .xlsx.
    "vba": ("projekt.xlsx", "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 VBA"),
    # A workbook saved as "Excel Macro-Enabled Workbook" (xlsm).
    "xlsm": ("projekt.xlsm", "", b""),
    # An Excel 4 macro sheet.
    "macrosheet": ("projekt.xlsx", "xl/macrosheets/sheet1.xml", b"<xm:macrosheet/>"),
}


@pytest.mark.parametrize("kind", MACRO_WORKBOOKS)
def test_a_macro_enabled_workbook_is_refused_whatever_its_name(national_editor_client, kind):
    filename, part, content = MACRO_WORKBOOKS[kind]
    plain = xlsx_bytes([HEADERS, project_row()])
    data = _with_part(
        plain,
        part,
        content,
        types_replace=(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
        if kind == "xlsm"
        else None,
    )
    before = snapshot()

    message = refused_by_form(upload(national_editor_client, Project, data, filename))

    assert "makron" in message and "xlsx" in message
    assert snapshot() == before


def test_an_ods_with_basic_macros_is_refused(national_editor_client):
    from spreadsheets.formats import ODS

    plain = b"".join(ODS().iter_chunks(HEADERS, [project_row()]))
    data = _with_part(plain, "Basic/Standard/Module1.xml", b"<script:module/>")
    before = snapshot()

    message = refused_by_form(upload(national_editor_client, Project, data, "projekt.ods"))

    assert "makron" in message
    assert snapshot() == before


def test_the_same_workbook_without_macros_is_read(national_editor_client):
    response = upload(
        national_editor_client, Project, xlsx_bytes([HEADERS, project_row()]), "projekt.xlsx"
    )

    assert "confirm_form" in response.context, form_errors(response)


def test_empty_file(national_editor_client):
    message = refused_by_form(upload(national_editor_client, Project, b"", "projekt.csv"))

    assert "tom" in message


def test_headers_without_rows(national_editor_client):
    message = refused_by_form(preview_of(national_editor_client))

    assert "inga rader" in message


@override_settings(SPREADSHEET_IMPORT_MAX_FILE_SIZE=5 * 1024 * 1024)
def test_file_over_the_size_limit(national_editor_client):
    data = csv_bytes([HEADERS]) + b"x" * (5 * 1024 * 1024)
    before = snapshot()

    message = refused_by_form(upload(national_editor_client, Project, data, "projekt.csv"))

    assert "Filen är för stor" in message and "högst 5 MB" in message
    assert snapshot() == before


def test_latin1_csv_must_be_saved_as_utf8(national_editor_client):
    data = csv_bytes([HEADERS, project_row(Titel="Vänort i Åbo")], encoding="latin-1")

    message = refused_by_form(upload(national_editor_client, Project, data, "projekt.csv"))

    assert "UTF-8" in message
    assert not Project.objects.filter(slug="nytt-projekt").exists()


def test_unknown_header(national_editor_client):
    headers = ["Titell" if header == "Titel" else header for header in HEADERS]

    message = refused_by_form(preview_of(national_editor_client, project_row(), headers=headers))

    assert "Okänd kolumn ”Titell”" in message
    assert "Kolumner som saknas: ”Titel”" in message


def test_missing_header(national_editor_client):
    headers = [header for header in HEADERS if header != "Kommun"]
    row = [cell for header, cell in zip(HEADERS, project_row(), strict=True) if header != "Kommun"]

    message = refused_by_form(preview_of(national_editor_client, row, headers=headers))

    assert "Kolumner som saknas: ”Kommun”" in message


def test_headers_match_without_regard_to_case_and_spaces(national_editor_client):
    headers = [f"  {header.upper()} " for header in HEADERS]

    response = preview_of(national_editor_client, project_row(), headers=headers)

    assert response.context["result"].totals["new"] == 1


def test_semicolon_csv_from_swedish_excel(national_editor_client):
    text = ";".join(HEADERS) + "\r\nsemikolon;Semikolon;0780;;2020;År;;År;37 500,50;SEK\r\n"

    response = upload(national_editor_client, Project, text.encode("utf-8"), "projekt.csv")

    assert response.context["result"].totals["new"] == 1
    confirm(national_editor_client, Project, response)
    project = Project.objects.get(slug="semikolon")
    assert project.municipality.slug == "vaxjo"
    assert str(project.total_budget) == "37500.50"


# Rows that are not what they should be


def test_unknown_municipality(national_editor_client):
    errors = refused_rows(preview_of(national_editor_client, project_row(Kommun="Växjö kommn")))

    assert "Hittar ingen kommun ”Växjö kommn”" in errors[1]["Kommun"][0]


def test_municipality_by_scb_code(national_editor_client):
    response = preview_of(national_editor_client, project_row(Kommun=780))

    assert response.context["result"].totals["new"] == 1


def test_unknown_programme(national_editor_client):
    errors = refused_rows(preview_of(national_editor_client, project_row(Program="Interreg Mars")))

    assert "Hittar inget program ”Interreg Mars”" in errors[1]["Program"][0]


def test_bad_dates(national_editor_client):
    errors = refused_rows(
        preview_of(national_editor_client, project_row(Start="32/13/2020", Slut="snart"))
    )

    assert "”32/13/2020” är inget datum" in errors[1]["Start"][0]
    assert "”snart” är inget datum" in errors[1]["Slut"][0]


def test_end_before_start(national_editor_client):
    errors = refused_rows(
        preview_of(
            national_editor_client,
            project_row(
                Start=datetime.date(2020, 5, 1),
                Slut=datetime.date(2019, 5, 1),
                **{"Startens precision": "Dag", "Slutets precision": "Dag"},
            ),
        )
    )

    assert errors[1]["Slut"] == ["Slutet kan inte ligga före starten."]


def test_negative_money(national_editor_client):
    errors = refused_rows(preview_of(national_editor_client, project_row(**{"Total budget": -5})))

    assert errors[1]["Total budget"] == ["Budgeten kan inte vara negativ."]


def test_text_for_money(national_editor_client):
    errors = refused_rows(
        preview_of(national_editor_client, project_row(**{"Total budget": "mycket"}))
    )

    assert "”mycket” är inget belopp" in errors[1]["Total budget"][0]


def test_unknown_precision(national_editor_client):
    errors = refused_rows(
        preview_of(national_editor_client, project_row(**{"Startens precision": "vecka"}))
    )

    assert "Skriv något av: År, Månad, Dag" in errors[1]["Startens precision"][0]


def test_same_id_twice_in_a_file(national_editor_client):
    before = snapshot()

    errors = refused_rows(
        preview_of(national_editor_client, project_row(), project_row(Titel="Igen"))
    )

    assert 1 not in errors
    assert "Samma post som på rad 1" in errors[2]["ID"][0]
    assert snapshot() == before


def test_unknown_participant(national_editor_client):
    headers = [*HEADERS, "Deltagare"]
    row = [*project_row(), "Ingen Sådan Organisation (Partner)"]

    errors = refused_rows(preview_of(national_editor_client, row, headers=headers))

    assert "Hittar ingen organisation ”Ingen Sådan Organisation”" in errors[1]["Deltagare"][0]


def test_an_unknown_participant_is_answered_with_the_nearest_names(national_editor_client):
    headers = [*HEADERS, "Deltagare"]
    row = [*project_row(), "Koge Kommun A/S (Partner)"]

    errors = refused_rows(preview_of(national_editor_client, row, headers=headers))

    assert "Närmast: Køge Kommune." in errors[1]["Deltagare"][0]
    assert "Importera projektlista" in errors[1]["Deltagare"][0]


def test_a_participant_is_found_by_its_normalised_or_other_name(national_editor_client):
    headers = [*HEADERS, "Deltagare"]
    # Køge Kommune as lists write it, and Kristianstad by the name the seed keeps as another.
    row = [*project_row(), "KØGE KOMMUNE (Huvudpartner); Kristianstad kommun (Partner)"]

    response = preview_of(national_editor_client, row, headers=headers)

    assert row_errors(response) == {}
    assert "confirm_form" in response.context


def test_two_lead_partners(national_editor_client):
    names = [organisation.name for organisation in Organisation.objects.order_by("slug")[:2]]
    headers = [*HEADERS, "Deltagare"]
    row = [*project_row(), "; ".join(f"{name} (Huvudpartner)" for name in names)]

    errors = refused_rows(preview_of(national_editor_client, row, headers=headers))

    assert "Bara en organisation kan ha rollen Huvudpartner" in errors[1]["Deltagare"][0]


def test_grant_above_budget_is_shown_at_the_grant(national_editor_client):
    headers = [*HEADERS, "Beviljat bidrag", "Bidragets valuta"]
    row = [*project_row(), 200000, "SEK"]

    errors = refused_rows(preview_of(national_editor_client, row, headers=headers))

    assert errors[1] == {"Beviljat bidrag": ["Bidraget kan inte vara större än hela budgeten."]}


def test_budget_without_currency(national_editor_client):
    errors = refused_rows(
        preview_of(national_editor_client, project_row(**{"Budgetens valuta": None}))
    )

    assert errors[1] == {"Budgetens valuta": ["Ange valuta för budgeten."]}


def test_one_bad_row_and_nothing_is_written(national_editor_client):
    before = snapshot()
    headers = ["ID", "Titel", "Kommun"]

    response = preview_of(
        national_editor_client,
        ["sumba", "Ny titel", "Växjö kommun"],
        ["annat", "Annat", "Ingenstans"],
        headers=headers,
    )

    assert set(refused_rows(response)) == {2}
    assert Project.objects.get(slug="sumba").title != "Ny titel"
    assert snapshot() == before


# Scope: a coordinator imports only into their own municipalities


def test_coordinator_cannot_add_rows_for_another_municipality(trollhattan_client):
    before = snapshot()

    errors = refused_rows(preview_of(trollhattan_client, project_row(Kommun="Växjö kommun")))

    assert "Växjö kommun är inte en av dem" in errors[1]["Kommun"][0]
    assert snapshot() == before


def test_coordinator_cannot_overwrite_another_municipalitys_record(trollhattan_client):
    sumba = Project.objects.get(slug="sumba")
    before = snapshot()

    errors = refused_rows(
        preview_of(
            trollhattan_client,
            project_row(ID="sumba", Titel="Kapad", Kommun="Trollhättans kommun"),
            project_row(ID=None, Titel="Eget", Kommun="Trollhättans kommun"),
        )
    )

    assert set(errors) == {1}
    assert "Hittar ingen av dina poster med ID ”sumba”" in errors[1]["ID"][0]
    assert "Växjö" not in str(errors)
    sumba.refresh_from_db()
    assert sumba.title != "Kapad" and sumba.municipality.slug == "vaxjo"
    assert snapshot() == before


def test_coordinator_cannot_move_their_record_to_another_municipality(trollhattan_client):
    make_project(slug="trollhattans", municipality=municipality("trollhattan")).save()

    errors = refused_rows(
        preview_of(trollhattan_client, project_row(ID="trollhattans", Kommun="Växjö kommun"))
    )

    assert "inte en av dem" in errors[1]["Kommun"][0]
    assert Project.objects.get(slug="trollhattans").municipality.slug == "trollhattan"


def test_coordinator_cannot_overwrite_another_municipalitys_membership(trollhattan_client):
    network = Network.objects.get(slug="eurotowns")
    Membership.objects.create(municipality=municipality("vaxjo"), network=network)
    headers = ["Kommun", "Nätverk", "Om medlemskapet"]

    errors = refused_rows(
        upload(
            trollhattan_client,
            Membership,
            xlsx_bytes([headers, ["Växjö kommun", "Eurotowns", "Ändrad"]]),
            "medlemskap.xlsx",
        )
    )

    assert "hör till en kommun du inte samordnar" in errors[1]["Nätverk"][0]


# What an import writes


def test_import_records_history_with_the_importing_user(trollhattan_client):
    project = make_project(slug="trollhattans", municipality=municipality("trollhattan"))
    project.save()
    row = project_row(ID="trollhattans", Titel="Ny titel", Kommun="Trollhättans kommun")

    preview = preview_of(trollhattan_client, row)
    assert preview.context["result"].totals["update"] == 1
    confirm(trollhattan_client, Project, preview)

    project.refresh_from_db()
    assert project.title == "Ny titel"
    latest = project.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == trollhattan_client.user
    assert latest.title == "Ny titel"
    assert latest.history_change_reason == "Kalkylbladsimport"


def test_row_without_id_becomes_a_new_project(trollhattan_client):
    row = project_row(ID=None, Titel="Vänortsbesök i Kolding", Kommun="Trollhättans kommun")

    preview = preview_of(trollhattan_client, row)
    confirm(trollhattan_client, Project, preview)

    project = Project.objects.get(title="Vänortsbesök i Kolding")
    assert project.slug == "vanortsbesok-i-kolding"
    assert project.history.get().history_user == trollhattan_client.user


def test_preview_shows_errors_per_column_in_swedish(national_editor_client):
    response = preview_of(national_editor_client, project_row(Kommun="Atlantis", Start="igår"))

    html = response.content.decode()
    assert "Hittar ingen kommun ”Atlantis”" in html
    assert "”igår” är inget datum" in html
    assert response.context["result"].diff_headers[:3] == ["ID", "Titel", "Förkortning"]


def test_coordinator_cannot_overwrite_a_person_they_do_not_reach(trollhattan_client):
    headers = ["ID", "Namn", "Titel"]
    row = ["daniel-folkesson", "Daniel Folkesson", "Kapad"]

    errors = refused_rows(
        upload(trollhattan_client, Person, xlsx_bytes([headers, row]), "kontakter.xlsx")
    )

    assert "Hittar ingen av dina poster med ID ”daniel-folkesson”" in errors[1]["ID"][0]
    assert Person.objects.get(slug="daniel-folkesson").title != "Kapad"


def test_another_municipalitys_draft_id_reads_as_an_id_no_one_has(trollhattan_client):
    """An ID in use by a record the coordinator cannot see is answered as one no one uses:
    the import must not tell whether another municipality has a draft under that ID."""
    draft = make_project(slug="hemligt-utkast", municipality=municipality("vaxjo"))
    draft.save()
    before = snapshot()

    errors = refused_rows(
        preview_of(
            trollhattan_client,
            project_row(ID="hemligt-utkast", Titel="A", Kommun="Trollhättans kommun"),
            project_row(ID="finns-inte-alls", Titel="B", Kommun="Trollhättans kommun"),
        )
    )

    taken, unused = errors[1]["ID"][0], errors[2]["ID"][0]
    assert taken.replace("hemligt-utkast", "X") == unused.replace("finns-inte-alls", "X")
    assert "lämna ID tomt" in taken
    assert snapshot() == before


def test_a_coordinators_new_row_gets_its_id_from_its_title(trollhattan_client):
    row = project_row(ID=None, Titel="Vänortsbesök i Lieto", Kommun="Trollhättans kommun")

    confirm(trollhattan_client, Project, preview_of(trollhattan_client, row))

    assert Project.objects.get(slug="vanortsbesok-i-lieto").municipality.slug == "trollhattan"


def test_a_national_editor_may_give_a_new_record_its_id(national_editor_client):
    row = project_row(ID="eget-id", Titel="Med eget ID")

    confirm(national_editor_client, Project, preview_of(national_editor_client, row))

    assert Project.objects.get(slug="eget-id").title == "Med eget ID"


# Lists of child records


def test_partners_with_years_and_roles_with_years(national_editor_client):
    tempe = Organisation.objects.order_by("slug").first()
    headers = ["ID", "Namn", "Samarbetsform", "Kommun", "Parter"]
    row = [
        "ny-vanort",
        "Ny vänort",
        "Vänort",
        "Växjö kommun",
        f"{tempe.name} (Partner, sedan 2005)",
    ]

    preview = upload(national_editor_client, Partnership, xlsx_bytes([headers, row]), "s.xlsx")
    confirm(national_editor_client, Partnership, preview)

    party = Partnership.objects.get(slug="ny-vanort").parties.get()
    assert (party.organisation, party.role, party.since_year, party.until_year) == (
        tempe,
        "partner",
        2005,
        None,
    )

    membership_headers = ["Kommun", "Nätverk", "Roller"]
    membership_row = ["Växjö kommun", "Eurotowns", "Ordförande (2021–2023); Värdkommun (2024)"]
    preview = upload(
        national_editor_client,
        Membership,
        xlsx_bytes([membership_headers, membership_row]),
        "m.xlsx",
    )
    confirm(national_editor_client, Membership, preview)

    membership = Membership.objects.get(municipality__slug="vaxjo", network__slug="eurotowns")
    assert sorted(membership.roles.values_list("title", "start_year", "end_year")) == [
        ("Ordförande", 2021, 2023),
        ("Värdkommun", 2024, 2024),
    ]


@pytest.mark.parametrize("written", ["Huvudpartner (lead partner)", "lead partner", "Huvudpartner"])
def test_lead_partner_moves_from_one_organisation_to_another(national_editor_client, written):
    first, second = Organisation.objects.order_by("slug")[:2]
    project = make_project(slug="byte-av-huvudpartner")
    project.save()
    project.project_participants.create(organisation=first, role="lead_partner", note="Kvar")
    project.project_participants.create(organisation=second, role="partner")
    headers = ["ID", "Titel", "Kommun", "Deltagare"]
    row = [
        project.slug,
        project.title,
        "Växjö kommun",
        f"{second.name} ({written}); {first.name} (Partner)",
    ]

    preview = preview_of(national_editor_client, row, headers=headers)
    assert preview.context["result"].totals["update"] == 1
    confirm(national_editor_client, Project, preview)

    roles = dict(project.project_participants.values_list("organisation__slug", "role"))
    assert roles == {first.slug: "partner", second.slug: "lead_partner"}
    assert project.project_participants.get(organisation=first).note == "Kvar"


def test_confirm_writes_nothing_when_a_row_fails_after_the_preview(trollhattan_client):
    from portal.models import CoordinatorAssignment

    rows = [
        project_row(ID=None, Titel="Först", Kommun="Trollhättans kommun"),
        project_row(ID=None, Titel="Sedan", Kommun="Växjö kommun"),
    ]
    CoordinatorAssignment.objects.create(
        user=trollhattan_client.user, municipality=municipality("vaxjo")
    )
    preview = preview_of(trollhattan_client, *rows)
    assert preview.context["result"].totals["new"] == 2
    # Meanwhile the coordinator stops coordinating Växjö: the second row is refused.
    CoordinatorAssignment.objects.filter(municipality__slug="vaxjo").delete()
    before = snapshot()

    response = confirm(trollhattan_client, Project, preview)

    assert response.status_code == 302 and response.url.endswith("/import/")
    assert snapshot() == before
    assert not Project.objects.filter(title="Först").exists()
    message = str(list(response.wsgi_request._messages)[0])
    assert "Inget har ändrats" in message


# The confirmation step: only what this session's own preview made, and only once.


def confirm_data(preview) -> dict:
    confirm_form = preview.context["confirm_form"]
    return {name: confirm_form.initial[name] for name in confirm_form.fields}


def process_import(client, data):
    from tests.factories import admin_url

    return client.post(admin_url(Project, "process_import"), data, follow=True)


def stale_message(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def test_the_upload_waits_under_a_random_name_in_a_folder_of_its_own(national_editor_client):
    from spreadsheets.admin import UPLOAD_FOLDER

    preview = preview_of(national_editor_client, project_row())
    name = confirm_data(preview)["import_file_name"]

    assert "/" not in name and len(name) == 32
    assert (Path(UPLOAD_FOLDER) / name).is_file()
    assert name in preview.content.decode() and "/tmp" not in preview.content.decode()


def test_confirming_twice_imports_once_and_then_says_so(national_editor_client):
    preview = preview_of(national_editor_client, project_row())
    data = confirm_data(preview)
    process_import(national_editor_client, data)
    assert Project.objects.filter(slug="nytt-projekt").count() == 1
    before = snapshot()

    again = process_import(national_editor_client, data)

    assert again.status_code == 200
    assert "filen från förhandsgranskningen finns inte längre" in stale_message(again)
    assert snapshot() == before


@pytest.mark.parametrize(
    "forged",
    [
        {"import_file_name": "{victim}"},
        {"import_file_name": "../{victim}"},
        {"import_file_name": ""},
        {"format": "9"},
        {"format": "abc"},
        {"format": "another"},  # not the format the preview read the file as
    ],
)
def test_a_forged_confirmation_changes_nothing_and_removes_no_file(
    national_editor_client, tmp_path, forged
):
    victim = Path(tempfile.gettempdir()) / f"offer-{uuid.uuid4().hex}.csv"
    victim.write_text("a,b\n1,2\n")
    try:
        preview = preview_of(national_editor_client, project_row())
        data = confirm_data(preview)
        if forged.get("format") == "another":
            forged = {"format": "1" if str(data["format"]) == "0" else "0"}
        data.update({key: value.format(victim=victim.name) for key, value in forged.items()})
        before = snapshot()

        response = process_import(national_editor_client, data)

        assert response.status_code == 200
        assert "filen från förhandsgranskningen finns inte längre" in stale_message(response)
        assert snapshot() == before
        assert victim.exists()
    finally:
        victim.unlink(missing_ok=True)


def test_another_sessions_preview_cannot_be_confirmed(national_editor_client):
    from django.test import Client

    preview = preview_of(national_editor_client, project_row())
    other_session = Client()
    other_session.force_login(preview.wsgi_request.user)  # the same user, another browser
    before = snapshot()

    response = process_import(other_session, confirm_data(preview))

    assert "filen från förhandsgranskningen finns inte längre" in stale_message(response)
    assert snapshot() == before


def test_uploads_never_confirmed_are_removed_after_a_day(national_editor_client):
    import os
    import time

    from spreadsheets.admin import UPLOAD_FOLDER, remove_stale_uploads

    name = confirm_data(preview_of(national_editor_client, project_row()))["import_file_name"]
    path = Path(UPLOAD_FOLDER) / name
    remove_stale_uploads()
    assert path.exists()

    os.utime(path, (time.time() - 25 * 3600,) * 2)
    remove_stale_uploads()
    assert not path.exists()


def test_a_confirmation_while_another_is_importing_the_same_upload_changes_nothing(
    national_editor_client,
):
    """A double click during a long import: the first confirmation has claimed the upload
    (renamed it) but its session is not saved yet, so the second still finds the preview."""
    import os

    from spreadsheets.admin import UPLOAD_FOLDER

    preview = preview_of(national_editor_client, project_row())
    data = confirm_data(preview)
    path = Path(UPLOAD_FOLDER) / data["import_file_name"]
    os.rename(path, f"{path}.claimed")
    before = snapshot()

    response = process_import(national_editor_client, data)

    assert "filen från förhandsgranskningen finns inte längre" in stale_message(response)
    assert snapshot() == before
    os.remove(f"{path}.claimed")


def test_a_preview_is_confirmed_only_where_it_was_made(national_editor_client):
    from tests.factories import admin_url

    preview = preview_of(national_editor_client, project_row())
    before = snapshot()

    response = national_editor_client.post(
        admin_url(Membership, "process_import"), confirm_data(preview), follow=True
    )

    assert "filen från förhandsgranskningen finns inte längre" in stale_message(response)
    assert snapshot() == before


def test_the_preview_shows_empty_cells_empty_not_none(national_editor_client):
    row = project_row(Program=None, **{"Total budget": None, "Budgetens valuta": None})

    html = preview_of(national_editor_client, row).content.decode()

    assert "Nytt projekt" in html
    assert ">None<" not in html and "None</" not in html
