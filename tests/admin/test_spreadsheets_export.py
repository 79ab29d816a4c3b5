"""Exports from the admin change list: Swedish headers, typed cells, the user's scope and
filters, streamed responses, and formula escaping in every format."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from contacts.models import Organisation
from partnerships.models import Partnership
from portal.models import Theme
from projects.models import Programme, Project
from projects.resources import ProjectResource
from spreadsheets.formats import ODS
from tests.admin.test_spreadsheets_support import (
    admin_url,
    export,
    export_form_data,
    xlsx_rows,
)
from tests.factories import make_project, municipality

pytestmark = pytest.mark.django_db

DANGEROUS_TITLES = ["=1+1", "+46 470", "-2", "@SUM(A1)", "\tflik", "\rvagnretur"]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark, for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def ods_cells(data: bytes) -> list[list]:
    headers, rows = ODS().read(data)
    return [headers, *rows]


def test_project_export_has_swedish_headers(national_editor_client):
    rows = xlsx_rows(export(national_editor_client, Project, "xlsx"))

    assert rows[0][:10] == [
        "ID",
        "Titel",
        "Förkortning",
        "Typ",
        "Kommun",
        "Start",
        "Startens precision",
        "Slut",
        "Slutets precision",
        "Längd i månader",
    ]
    assert {"Program", "Deltagare", "Samarbetsområden", "Total budget"} <= set(rows[0])


@pytest.mark.parametrize("file_format", ["xlsx", "ods"])
def test_dates_and_amounts_are_typed_cells(national_editor_client, file_format):
    make_project(
        slug="typat",
        title="Typat",
        start_date=datetime.date(2017, 3, 1),
        start_precision="month",
        total_budget=Decimal("37500.50"),
        budget_currency="SEK",
        duration_months=18,
    ).save()
    data = export(national_editor_client, Project, file_format)
    rows = xlsx_rows(data) if file_format == "xlsx" else ods_cells(data)
    header, row = rows[0], next(row for row in rows if row[0] == "typat")
    cell = dict(zip(header, row, strict=False))

    assert cell["Start"] in (datetime.datetime(2017, 3, 1), datetime.date(2017, 3, 1))
    assert cell["Startens precision"] == "Månad"
    assert cell["Total budget"] == Decimal("37500.50")
    assert not isinstance(cell["Total budget"], str)
    assert cell["Längd i månader"] == 18
    assert cell["Kommun"] == "Växjö kommun"


def test_lists_are_readable(national_editor_client):
    rows = csv_rows(export(national_editor_client, Project, "csv"))
    header = rows[0]
    participants = {row[header.index("Deltagare")] for row in rows[1:]}

    assert any("(Huvudpartner)" in text for text in participants)
    assert any("; " in text for text in participants)


def test_coordinator_exports_only_their_municipality(trollhattan_client):
    make_project(municipality=municipality("trollhattan"), title="Trollhättans eget").save()

    rows = csv_rows(export(trollhattan_client, Project, "csv"))

    assert [row[1] for row in rows[1:]] == ["Trollhättans eget"]
    partnerships = csv_rows(export(trollhattan_client, Partnership, "csv"))
    assert {row[3] for row in partnerships[1:]} == {"Trollhättans kommun"}


def test_export_follows_the_change_list_filters(national_editor_client):
    vaxjo = municipality("vaxjo")
    make_project(municipality=municipality("kristianstad"), title="Annan kommun").save()

    rows = csv_rows(
        export(national_editor_client, Project, "csv", f"?municipality__id__exact={vaxjo.pk}")
    )

    assert len(rows) - 1 == Project.objects.filter(municipality=vaxjo).count()
    assert {row[4] for row in rows[1:]} == {"Växjö kommun"}


def test_export_of_chosen_columns(national_editor_client):
    data = export_form_data(ProjectResource, "csv")
    for name in ProjectResource().get_export_order():
        if name not in ("slug", "title"):
            del data[f"projectresource_{name}"]
    response = national_editor_client.post(admin_url(Project, "export"), data)

    rows = csv_rows(b"".join(response.streaming_content))
    assert rows[0] == ["ID", "Titel"]


def test_export_form_names_columns_in_swedish(national_editor_client):
    response = national_editor_client.get(admin_url(Project, "export"))

    labels = [field.label for field in response.context["form"] if "projectresource_" in field.name]
    assert "Startens precision" in labels
    assert not any("Start Precision" in label for label in labels)


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "ods"])
def test_every_format_is_streamed(national_editor_client, file_format):
    url = admin_url(Project, "export")
    response = national_editor_client.post(url, export_form_data(ProjectResource, file_format))

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"].startswith('attachment; filename="projekt-')
    assert b"".join(response.streaming_content)


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_queries_do_not_grow_with_the_rows(national_editor_client, file_format):
    def queries_for_export() -> int:
        with CaptureQueriesContext(connection) as queries:
            export(national_editor_client, Project, file_format)
        return len(queries)

    before = queries_for_export()
    organisations = list(Organisation.objects.all()[:3])
    themes = list(Theme.objects.all()[:3])
    for number in range(30):
        project = make_project(slug=f"fler-{number}", programme=Programme.objects.first())
        project.save()
        project.themes.set(themes)
        for organisation in organisations:
            project.project_participants.create(organisation=organisation)

    assert queries_for_export() == before


@pytest.fixture
def dangerous_projects():
    for number, title in enumerate(DANGEROUS_TITLES):
        make_project(slug=f"farligt-{number}", title=title, acronym=title).save()


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "ods"])
def test_formulas_are_escaped_in_every_format(
    national_editor_client, dangerous_projects, file_format
):
    data = export(national_editor_client, Project, file_format)
    rows = {
        "xlsx": xlsx_rows,
        "csv": csv_rows,
        "ods": ods_cells,
    }[file_format](data)
    header = rows[0]
    titles = {row[header.index("Titel")] for row in rows[1:]}
    acronyms = {row[header.index("Förkortning")] for row in rows[1:]}

    for title in DANGEROUS_TITLES:
        assert "'" + title in titles
        assert "'" + title in acronyms
    assert not any(isinstance(text, str) and text[:1] in "=+-@\t\r" for text in titles)


def test_xlsx_has_no_formula_cells(national_editor_client, dangerous_projects):
    data = export(national_editor_client, Project, "xlsx")
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()

    assert "<f>" not in sheet


def test_library_export_path_escapes_too(dangerous_projects):
    """resource.export() → tablib, the path django-import-export itself takes."""
    dataset = ProjectResource().export(Project.objects.filter(slug__startswith="farligt-"))

    assert sorted(dataset["Titel"]) == sorted("'" + title for title in DANGEROUS_TITLES)


def test_each_admin_offers_the_three_formats(admin_client):
    for model in (Project, Partnership):
        model_admin = admin.site._registry[model]
        assert [f().get_title() for f in model_admin.get_export_formats()] == [
            "xlsx",
            "csv",
            "ods",
        ]
