"""The project export's second shape: one row per partner (ProjectPartnerResource), the
project's columns repeated on each partner's row, under the headers that the partner-list
import (projects/partner_list_import.py) reads back; offered beside one row per project."""

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

from access.scoping import visible
from contacts.models import Organisation
from contacts.own import own_organisations
from portal.models import Country
from projects.models import ParticipantRole, Programme, Project
from projects.partner_list_import import (
    COLUMN_NAMES,
    ProjectStatus,
    columns_of,
    parse_date,
    parse_role,
    partner_list_plan,
    read_partner_list,
)
from projects.resources import ProjectPartnerResource, ProjectResource
from spreadsheets.formats import ODS
from tests.admin.test_spreadsheets_support import FORMAT_INDEX, xlsx_rows
from tests.factories import admin_url, make_organisation, make_project, municipality

pytestmark = pytest.mark.django_db

SEED_PROJECT = "kommunal-hallbar-tillvaxt-oresundsregionen"
PARTNER_COLUMNS = [
    "Partner",
    "Roll",
    "Land",
    "Län",
    "Partnerns budget",
    "Partnerns valuta",
    "Väntar på bekräftelse",
]


def partner_export_data(file_format: str, fields=None) -> dict:
    """POST data for the export page: the partner shape, the given (or every) column."""
    data = {"format": FORMAT_INDEX[file_format], "resource": "1"}
    for name in fields or ProjectPartnerResource().get_export_order():
        data[f"projectpartnerresource_{name}"] = "on"
    return data


def export_response(client, file_format: str, query: str = "", fields=None):
    response = client.post(
        admin_url(Project, "export") + query, partner_export_data(file_format, fields)
    )
    assert response.status_code == 200, response.content[:500]
    return response


def partner_export(client, file_format: str = "xlsx", query: str = "", fields=None) -> bytes:
    return b"".join(export_response(client, file_format, query, fields).streaming_content)


def read_rows(data: bytes, file_format: str) -> list[dict]:
    """The rows as dicts by header, as the file's format reads them."""
    if file_format == "xlsx":
        header, *body = xlsx_rows(data)
    elif file_format == "csv":
        assert data.startswith(b"\xef\xbb\xbf")
        header, *body = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    else:
        header, body = ODS().read(data)
        # The ODS reader leaves out a row's trailing empty cells.
        body = [[*row, *[None] * (len(header) - len(row))] for row in body]
    return [dict(zip(header, row, strict=True)) for row in body]


def text(value) -> str:
    return "" if value is None else str(value)


def rows_of(rows: list[dict], slug: str) -> list[dict]:
    return [row for row in rows if row["ID"] == slug]


def test_the_seed_project_has_a_row_per_partner(national_editor_client):
    rows = rows_of(read_rows(partner_export(national_editor_client), "xlsx"), SEED_PROJECT)

    assert [(row["Partner"], row["Roll"], row["Land"], row["Län"]) for row in rows] == [
        ("Køge Kommune", "Huvudpartner", "Danmark", None),
        ("Kristianstads kommun", "Partner", "Sverige", "Skåne län"),
    ]
    for row in rows:  # the project's columns on each partner's row
        assert row["Titel"] == "Kommunal hållbar tillväxt i framtidens Öresundsregion"
        assert row["Kommun"] == "Kristianstads kommun"
        assert row["Program"] == "Interreg Öresund"
        assert row["Startdatum"] == datetime.datetime(2014, 1, 1)
        assert row["Slutdatum"] == datetime.datetime(2014, 12, 31)
        assert row["Total budget"] == 75000 and not isinstance(row["Total budget"], str)
        assert row["Beviljat bidrag"] == 37500
        assert row["Valuta"] == "EUR"
        assert row["Väntar på bekräftelse"] == "Nej"


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "ods"])
def test_every_format_is_streamed_and_holds_the_partners(national_editor_client, file_format):
    response = export_response(national_editor_client, file_format)

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="projekt-per-partner-{datetime.date.today():%Y}'
    )
    assert response["Content-Disposition"].endswith(f'.{file_format}"')
    rows = rows_of(read_rows(b"".join(response.streaming_content), file_format), SEED_PROJECT)
    assert [(row["Partner"], row["Roll"], row["Land"]) for row in rows] == [
        ("Køge Kommune", "Huvudpartner", "Danmark"),
        ("Kristianstads kommun", "Partner", "Sverige"),
    ]


def test_the_headers_are_the_ones_the_partner_list_import_reads(national_editor_client):
    headers = xlsx_rows(partner_export(national_editor_client))[0]
    columns = columns_of(headers)

    # Every field of the importer but its project ID, each under its Swedish name.
    assert set(columns) == set(COLUMN_NAMES) - {"project_id"}
    for field, index in columns.items():
        assert headers[index] == COLUMN_NAMES[field][0]
    # The extras are columns the importer ignores; the ID is not taken for a project ID.
    # (Kommun, the owner, it reads.)
    for extra in ("ID", "Bidragets valuta", "Partnerns valuta", "Väntar på bekräftelse"):
        assert extra in headers
        assert columns_of([extra]) == {}


def test_the_export_form_offers_both_shapes_in_swedish_and_the_import_one(
    national_editor_client,
):
    form = national_editor_client.get(admin_url(Project, "export")).context["form"]

    assert [label for _, label in form.fields["resource"].choices] == [
        "En rad per projekt",
        "En rad per partner",
    ]
    assert form.fields["resource"].label == "Rader"
    labels = [f.label for f in form if f.name.startswith("projectpartnerresource_")]
    assert labels[:3] == ["ID", "Förkortning", "Titel"]
    # The import reads one row per project only (partner lists: "Importera projektlista").
    import_form = national_editor_client.get(admin_url(Project, "import")).context["form"]
    assert import_form.resource_classes == [ProjectResource]


def test_the_one_row_per_project_export_is_unchanged(national_editor_client):
    data = {"format": FORMAT_INDEX["csv"], "resource": "0"}
    for name in ProjectResource().get_export_order():
        data[f"projectresource_{name}"] = "on"
    response = national_editor_client.post(admin_url(Project, "export"), data)
    rows = read_rows(b"".join(response.streaming_content), "csv")

    assert response["Content-Disposition"].startswith('attachment; filename="projekt-2')
    assert len(rows) == Project.objects.count()
    assert "Deltagare" in rows[0] and "Partner" not in rows[0]


def test_a_project_without_participants_has_one_row_with_empty_partner_columns(
    national_editor_client,
):
    make_project(slug="ensamt", title="Ensamt projekt", acronym="ENS").save()

    rows = rows_of(read_rows(partner_export(national_editor_client, "csv"), "csv"), "ensamt")

    assert len(rows) == 1
    assert rows[0]["Titel"] == "Ensamt projekt" and rows[0]["Förkortning"] == "ENS"
    assert all(rows[0][column] == "" for column in PARTNER_COLUMNS)


@pytest.fixture
def roles_project():
    """A project with a participant in every role, added in no particular order."""
    project = make_project(slug="alla-roller", title="Alla roller")
    project.save()
    denmark = Country.objects.get(code="DK")
    for number, role in enumerate(reversed(ParticipantRole.values)):
        organisation = make_organisation(name=f"Organisation {number}", country=denmark)
        project.project_participants.create(organisation=organisation, role=role)
    return project


def test_partners_come_by_role_and_every_role_is_written_readably(
    national_editor_client, roles_project
):
    rows = rows_of(read_rows(partner_export(national_editor_client, "csv"), "csv"), "alla-roller")

    assert [row["Roll"] for row in rows] == [
        "Huvudpartner",
        "Partner",
        "Associerad partner",
        "Samordnare",
        "Intressentgrupp",
        "Deltagare",
    ]
    # The importer reads every one of them back.
    read_back = [parse_role(row["Roll"])[0] for row in rows]
    assert read_back == [
        ParticipantRole.LEAD_PARTNER,
        ParticipantRole.PARTNER,
        ParticipantRole.ASSOCIATED_PARTNER,
        ParticipantRole.REGIONAL_COORDINATOR,
        ParticipantRole.STAKEHOLDER,
        ParticipantRole.OTHER,
    ]


def test_a_swedish_partner_has_its_municipalitys_county(national_editor_client):
    sweden = Country.objects.get(code="SE")
    project = make_project(slug="lan", title="Län")
    project.save()
    with_municipality = own_organisations()[municipality("vaxjo").pk]
    without = make_organisation(name="Svensk förening", kind="forening", country=sweden)
    project.project_participants.create(organisation=with_municipality, role="lead_partner")
    project.project_participants.create(organisation=without)

    rows = rows_of(read_rows(partner_export(national_editor_client, "csv"), "csv"), "lan")

    assert [(row["Partner"], row["Land"], row["Län"]) for row in rows] == [
        (with_municipality.name, "Sverige", "Kronobergs län"),
        ("Svensk förening", "Sverige", ""),
    ]


def test_a_coordinator_exports_only_the_projects_they_may_see(client, make_coordinator):
    user = make_coordinator("kristianstad")
    client.force_login(user)
    make_project(slug="vaxjos-eget", municipality=municipality("vaxjo")).save()

    rows = read_rows(partner_export(client, "csv"), "csv")

    expected = set(visible(Project.objects.all(), user).values_list("slug", flat=True))
    assert {row["ID"] for row in rows} == expected
    assert SEED_PROJECT in expected and "vaxjos-eget" not in expected


def test_the_export_follows_the_change_list_filters(national_editor_client):
    kristianstad = municipality("kristianstad")
    query = f"?municipality__id__exact={kristianstad.pk}"

    rows = read_rows(partner_export(national_editor_client, "csv", query), "csv")

    assert {row["ID"] for row in rows} == set(
        Project.objects.filter(municipality=kristianstad).values_list("slug", flat=True)
    )


def test_chosen_columns_only(national_editor_client):
    data = partner_export(national_editor_client, "csv", fields=["title", "partner", "role"])
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))

    assert header == ["Titel", "Partner", "Roll"]
    assert [
        "Kommunal hållbar tillväxt i framtidens Öresundsregion",
        "Køge Kommune",
        "Huvudpartner",
    ] in rows
    assert {len(row) for row in rows} == {3}


@pytest.fixture
def round_trip_project():
    """A project with every column the partner list carries: a month and a year as its
    period, a programme with a period, partners in Sweden and abroad with budgets."""
    programme = Programme.objects.exclude(start_year=None).first()
    project = make_project(
        slug="rundresa",
        title="Rundresa",
        acronym="RUND",
        programme=programme,
        start_date=datetime.date(2017, 3, 1),
        start_precision="month",
        end_date=datetime.date(2019, 1, 1),
        end_precision="year",
        total_budget=Decimal("900000.50"),
        budget_currency="EUR",
        grant_amount=Decimal("450000"),
        grant_currency="EUR",
        summary="Kort om rundresan.",
        website="https://example.org/rundresa",
    )
    project.save()
    vaxjo = own_organisations()[municipality("vaxjo").pk]
    koge = Organisation.objects.get(slug="koge-kommune")
    project.project_participants.create(
        organisation=vaxjo, role="lead_partner", budget_amount=500000, budget_currency="EUR"
    )
    project.project_participants.create(organisation=koge, role="associerad")
    return project


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "ods"])
def test_the_export_reads_back_as_the_same_projects(
    national_editor_client, round_trip_project, file_format
):
    data = partner_export(national_editor_client, file_format)

    plan = partner_list_plan(rows=read_partner_list(data), user=national_editor_client.user)

    assert plan.new_organisations == []
    planned = {
        project.existing.slug: project for project in plan.with_status(ProjectStatus.DUPLICATE)
    }
    assert {SEED_PROJECT, "rundresa"} <= set(planned)
    # Every project, with partners in any role or none, is recognised as itself.
    assert [p.status for p in plan.projects] == [ProjectStatus.DUPLICATE] * len(plan.projects)
    assert set(Project.objects.values_list("slug", flat=True)) <= set(planned)
    # … and reads back with its own values.
    again, project = planned["rundresa"], round_trip_project
    assert (again.title, again.acronym, again.programme) == ("Rundresa", "RUND", project.programme)
    assert (again.start_date, again.start_precision) == (datetime.date(2017, 3, 1), "month")
    assert (again.end_date, again.end_precision) == (datetime.date(2019, 1, 1), "year")
    assert (again.total_budget, again.grant_amount, again.currency) == (
        Decimal("900000.50"),
        Decimal("450000.00"),
        "EUR",
    )
    assert (again.summary, again.website) == ("Kort om rundresan.", project.website)
    assert [(p.display_name, p.role, p.budget) for p in again.partners] == [
        ("Växjö kommun", "lead_partner", Decimal("500000.00")),
        ("Køge Kommune", "associerad", None),
    ]


def test_a_period_keeps_its_precision(round_trip_project, national_editor_client):
    rows = rows_of(read_rows(partner_export(national_editor_client, "csv"), "csv"), "rundresa")

    assert (rows[0]["Startdatum"], rows[0]["Slutdatum"]) == ("2017-03", "2019")
    assert parse_date(rows[0]["Startdatum"], "Startdatum")[:2] == (
        datetime.date(2017, 3, 1),
        "month",
    )
    assert parse_date(rows[0]["Slutdatum"], "Slutdatum")[:2] == (datetime.date(2019, 1, 1), "year")


def add_projects(count: int, prefix: str) -> None:
    programme = Programme.objects.first()
    organisations = list(Organisation.objects.filter(country_id="DK")[:3])
    for number in range(count):
        project = make_project(slug=f"{prefix}-{number}", programme=programme)
        project.save()
        for index, organisation in enumerate(organisations):
            project.project_participants.create(
                organisation=organisation, role="lead_partner" if index == 0 else "partner"
            )


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_queries_do_not_grow_with_the_projects(
    national_editor_client, django_assert_max_num_queries, file_format
):
    add_projects(5, "en-gang")
    with CaptureQueriesContext(connection) as once:
        rows_once = read_rows(partner_export(national_editor_client, file_format), file_format)
    add_projects(45, "tio-ganger")

    with django_assert_max_num_queries(len(once)):
        rows_ten_times = read_rows(partner_export(national_editor_client, file_format), file_format)

    assert len(rows_ten_times) - len(rows_once) == 45 * 3


def test_chunks_give_the_same_rows_with_a_fixed_number_of_queries_each(
    national_editor_client, roles_project, monkeypatch
):
    make_project(slug="utan-partner").save()
    with CaptureQueriesContext(connection) as whole:
        expected = read_rows(partner_export(national_editor_client, "csv"), "csv")
    monkeypatch.setattr(ProjectPartnerResource._meta, "chunk_size", 2)

    with CaptureQueriesContext(connection) as chunked:
        rows = read_rows(partner_export(national_editor_client, "csv"), "csv")

    assert rows == expected
    chunks = -(-Project.objects.count() // 2)
    assert len(chunked) == len(whole) + chunks - 1  # one participants query per chunk


DANGEROUS = ["=1+1", "+46 470", "-2", "@SUM(A1)"]


@pytest.fixture
def dangerous_project():
    project = make_project(slug="farligt", title=DANGEROUS[0], acronym=DANGEROUS[1])
    project.save()
    for name in DANGEROUS[2:]:
        project.project_participants.create(organisation=make_organisation(name=name))


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "ods"])
def test_formulas_are_escaped(national_editor_client, dangerous_project, file_format):
    data = partner_export(national_editor_client, file_format)
    rows = rows_of(read_rows(data, file_format), "farligt")

    assert {row["Titel"] for row in rows} == {"'=1+1"}
    assert {row["Förkortning"] for row in rows} == {"'+46 470"}
    assert sorted(row["Partner"] for row in rows) == ["'-2", "'@SUM(A1)"]
    if file_format == "xlsx":
        sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet


def test_the_library_export_path_escapes_too(dangerous_project):
    dataset = ProjectPartnerResource().export(Project.objects.filter(slug="farligt"))

    assert sorted(dataset["Partner"]) == ["'-2", "'@SUM(A1)"]
    assert set(dataset["Titel"]) == {"'=1+1"}


def test_the_admin_offers_the_partner_shape_for_export_only(rf, admin_user):
    model_admin = admin.site._registry[Project]
    request = rf.get("/")
    request.user = admin_user

    assert model_admin.get_export_resource_classes(request) == [
        ProjectResource,
        ProjectPartnerResource,
    ]
    assert model_admin.get_import_resource_classes(request) == [ProjectResource]
