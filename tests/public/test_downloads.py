"""Every public list downloads as CSV, XLSX and JSON with the reader's filters, streamed,
with published content only and people's e-mail and phone only where they allow it."""

import datetime
import io
import json
import tracemalloc
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from contacts.models import Organisation, Person
from partnerships.models import Partnership, PartnershipParty
from portal.models import Country, FundingSource, Theme
from projects.models import ParticipantRole, Project, ProjectParticipant
from public.projects.downloads import COLUMNS, ProjectDownloadView
from spreadsheets import downloads, formats
from spreadsheets.downloads import listed
from spreadsheets.formats import CSV
from tests.factories import (
    make_membership,
    make_network,
    make_organisation,
    make_partnership,
    make_project,
)

pytestmark = pytest.mark.django_db

COLUMN_KEYS = [column.key for column in COLUMNS]

LISTS = {
    "/projekt/": ("projekt", "Projekt", {"municipality": "vaxjo"}),
    "/samarbeten/": ("samarbeten", "Samarbeten", {"municipality": "trollhattan"}),
    "/natverk/": ("natverk", "Nätverk", {"municipality": "trollhattan"}),
}


def download(client, path: str, file_format: str, params=None):
    response = client.get(f"{path}ladda-ner.{file_format}", params or {})
    assert response.status_code == 200, response.content[:500]
    assert response.streaming
    return response, b"".join(response.streaming_content)


def table(file_format: str, data: bytes) -> list[dict]:
    """The file's rows as dicts keyed by column header (JSON: by key)."""
    if file_format == "json":
        return json.loads(data)
    if file_format == "csv":
        headers, rows = CSV().read(data)
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        headers, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(headers, row, strict=False)) for row in rows]


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("path", LISTS)
def test_each_list_downloads_what_the_filtered_list_shows(client, path, file_format):
    name, title, params = LISTS[path]
    page = client.get(path, params)
    shown = page.context["page_obj"].paginator.count
    assert shown > 0

    response, data = download(client, path, file_format, params)

    rows = table(file_format, data)
    assert len(rows) == shown
    assert response["Content-Disposition"].startswith(f'attachment; filename="{name}-')
    assert response["Content-Disposition"].endswith(f'.{file_format}"')
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    if file_format == "xlsx":
        assert openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames == [title]
    url_key = "url" if file_format == "json" else "Sida på webbplatsen"
    listed = {obj.slug for obj in page.context["page_obj"].paginator.object_list}
    assert {row[url_key].rstrip("/").rsplit("/", 1)[1] for row in rows} == listed
    assert all(row[url_key].startswith("http://testserver" + path) for row in rows)


def test_project_money_and_partners_in_the_spreadsheet(client):
    _, data = download(client, "/projekt/", "xlsx", {"municipality": "kristianstad"})

    [row] = [row for row in table("xlsx", data) if row["Startår"] == 2014]
    assert row["Total budget"] == 75000
    assert row["Budgetens valuta"] == "EUR"
    assert row["Beviljat bidrag"] == 37500
    assert "Køge" in row["Huvudpartner"]
    assert "Danmark" in row["Partnerländer"]
    assert row["Kommun"] == "Kristianstad"


def test_json_keeps_types_and_exact_amounts(client):
    _, data = download(client, "/projekt/", "json", {"municipality": "kristianstad"})

    [row] = [row for row in json.loads(data) if row["start_year"] == 2014]
    assert Decimal(row["grant_amount"]) == Decimal("37500")
    assert row["grant_currency"] == "EUR"
    assert row["status"] == "Avslutat"


def test_only_published_projects_are_downloaded(client):
    make_project(title="Hemligt utkast", is_published=False).save()

    _, data = download(client, "/projekt/", "csv")

    assert "Hemligt utkast" not in data.decode("utf-8")
    assert len(table("csv", data)) == Project.objects.published().count()


def test_text_that_a_spreadsheet_would_run_is_escaped(client):
    make_project(title='=HYPERLINK("http://example.com","Klicka")', is_published=True).save()

    _, data = download(client, "/projekt/", "csv", {"q": "HYPERLINK"})

    assert [row["Titel"] for row in table("csv", data)] == [
        '\'=HYPERLINK("http://example.com","Klicka")'
    ]


@pytest.mark.parametrize("is_public", [True, False])
def test_contact_details_only_where_the_person_allows_it(client, is_public):
    project = make_project(title="Projekt med kontakt", is_published=True)
    project.save()
    person = Person.objects.create(
        name="Kim Kontakt",
        slug="kim-kontakt",
        title="Samordnare",
        email="kim.kontakt@example.se",
        phone="0470-410 00",
        contact_details_public=is_public,
    )
    project.contacts.add(person)

    _, data = download(client, "/projekt/", "json", {"q": "Projekt med kontakt"})
    page = client.get(f"/projekt/{project.slug}/").content.decode()

    [row] = json.loads(data)
    assert "Kim Kontakt, Samordnare" in row["contacts"]
    assert ("kim.kontakt@example.se" in row["contacts"]) is is_public
    assert ("0470-410 00" in row["contacts"]) is is_public
    assert "Kim Kontakt" in page
    assert ("kim.kontakt@example.se" in page) is is_public


def test_a_bad_filter_gives_a_swedish_message_and_no_file(client):
    response = client.get("/projekt/ladda-ner.csv", {"status": "kanske", "year_from": "abc"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Filen kunde inte skapas" in html
    assert "Status:" in html and "Från år:" in html
    assert 'href="/projekt/"' in html


def test_an_unknown_format_is_not_found(client):
    assert client.get("/projekt/ladda-ner.pdf").status_code == 404


def test_list_links_carry_the_valid_filters_only(client):
    response = client.get("/projekt/", {"municipality": "vaxjo", "status": "kanske", "page": 2})

    html = response.content.decode()
    assert 'href="/projekt/ladda-ner.xlsx?municipality=vaxjo" rel="nofollow"' in html
    assert "ladda-ner.csv?municipality=vaxjo&amp;status" not in html


def test_no_download_links_for_an_empty_result(client):
    response = client.get("/projekt/", {"q": "finns-inte-någonstans"})

    assert "ladda-ner" not in response.content.decode()


def add_project(number: int) -> None:
    project = make_project(title=f"Fler {number}", is_published=True)
    project.save()
    project.participants.add(make_organisation(name=f"Partner {number}"))
    project.themes.add(Theme.objects.first())
    project.contacts.add(Person.objects.first())


def add_partnership(number: int) -> None:
    partnership = make_partnership(name=f"Fler {number}", is_published=True)
    partnership.save()
    partnership.partners.add(make_organisation(name=f"Partner {number}"))
    partnership.themes.add(Theme.objects.first())


def add_network(number: int) -> None:
    make_membership(network=make_network(name=f"Fler {number}", is_published=True)).save()


@pytest.mark.parametrize(
    ("path", "add"),
    [("/projekt/", add_project), ("/samarbeten/", add_partnership), ("/natverk/", add_network)],
)
def test_queries_do_not_grow_with_the_rows(client, path, add):
    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            _, data = download(client, path, "xlsx")
        return len(captured), len(table("xlsx", data))

    before, rows_before = queries()
    for number in range(20):
        add(number)
    after, rows_after = queries()
    assert rows_after == rows_before + 20
    assert after == before


def add_project_with_everything(number: int, partnership) -> None:
    """A project with every relation the download reads, some of them shared."""
    project = make_project(
        title=f"Allt {number}",
        acronym="=SUM(A1)" if number % 3 == 0 else f"A{number}",
        is_published=True,
        partnership=partnership if number % 2 else None,
    )
    project.save()
    ProjectParticipant.objects.create(
        project=project,
        organisation=make_organisation(name=f"Ledare {number}"),
        role=ParticipantRole.LEAD_PARTNER,
    )
    ProjectParticipant.objects.create(
        project=project,
        organisation=Organisation.objects.filter(country_id="SE", kind="kommun")
        .exclude(municipality=project.municipality)
        .exclude(municipality=None)
        .first(),
        awaiting_confirmation=number % 4 == 0,
    )
    project.themes.set(Theme.objects.all()[number % 3 : number % 3 + 2])
    project.funding_sources.set(FundingSource.objects.all()[:1])
    project.partner_countries.set(Country.objects.filter(code__in=["KE", "VN"][: number % 3]))
    project.contacts.set(Person.objects.all()[number % 5 : number % 5 + 2])


def prefetched_projects():
    """The project list read the plain way, with Django's prefetch_related: what the
    download's own reading of the related rows (ProjectRelations) must give."""
    return (
        ProjectDownloadView()
        .get_queryset()
        .select_related("programme", "municipality", "partnership__municipality")
        .prefetch_related(
            listed(
                "project_participants",
                ProjectParticipant.objects.select_related(
                    "organisation__country", "organisation__municipality"
                ),
                "participants",
            ),
            listed("contacts", Person.objects.all()),
            listed("partner_countries", Country.objects.all()),
            listed("themes", Theme.objects.all()),
            listed("funding_sources", FundingSource.objects.all()),
            listed(
                "partnership__parties",
                PartnershipParty.objects.select_related("organisation__country"),
                "parties",
            ),
        )
    )


@pytest.mark.parametrize("escape", [True, False])
def test_project_rows_are_those_of_a_plain_prefetch(monkeypatch, escape):
    monkeypatch.setattr(downloads, "CHUNK_SIZE", 7)
    partnership = Partnership.objects.filter(is_published=True, parties__isnull=False).first()
    for number in range(12):
        add_project_with_everything(number, partnership)
    view = ProjectDownloadView()

    rows = list(view.rows(view.objects(view.get_queryset()), page_url="/p/", escape=escape))
    expected = list(view.rows(prefetched_projects(), page_url="/p/", escape=escape))

    assert len(rows) == Project.objects.published().count() > 3 * 7
    assert rows == expected
    assert any(row[-2] for row in rows)  # contacts
    assert any(row[COLUMN_KEYS.index("partnership")] for row in rows)
    assert any(row[COLUMN_KEYS.index("other_municipalities")] for row in rows)


def test_project_download_costs_a_fixed_number_of_queries_per_chunk(
    client, monkeypatch, django_assert_max_num_queries
):
    partnership = Partnership.objects.filter(is_published=True, parties__isnull=False).first()
    for number in range(12):
        add_project_with_everything(number, partnership)
    rows = Project.objects.published().count()
    monkeypatch.setattr(downloads, "CHUNK_SIZE", 5)
    chunks = -(-rows // 5)

    # The session, the small tables once, and per chunk: the projects, their participants,
    # partnerships, parties, organisations, contact people and three link tables.
    with django_assert_max_num_queries(10 + 10 * chunks):
        _, data = download(client, "/projekt/", "csv")

    assert len(table("csv", data)) == rows


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's driver holds the rows it has read; PostgreSQL streams them from a "
    "server-side cursor, as in production",
)
@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_a_longer_download_needs_no_more_memory(monkeypatch, file_format):
    """Memory stays flat: five times the rows take hardly more memory to send, since no
    more than a chunk of rows (and of the file) is held at a time."""
    monkeypatch.setattr(downloads, "CHUNK_SIZE", 10)
    monkeypatch.setattr(CSV, "CHUNK_ROWS", 10)
    monkeypatch.setattr(formats, "ZIP_ROWS_PER_CHUNK", 10)
    summary = "Ett sammanfattande stycke. " * 80
    Project.objects.bulk_create(
        make_project(
            title=f"Många {number}",
            summary=f"{number} {summary}",
            is_published=True,
            start_date=datetime.date(1990 if number < 100 else 1991, 1, 1),
        )
        for number in range(500)
    )

    def peak(params) -> int:
        client = Client()
        tracemalloc.start()
        for _ in client.get(f"/projekt/ladda-ner.{file_format}", params).streaming_content:
            pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    peak({"year_to": "1990"})  # warm-up
    part = peak({"year_to": "1990"})
    whole = peak({"year_to": "1991"})

    # The 400 more summaries alone, were the rows kept (a list of them takes four times
    # that); streamed, the peak grows by a fraction of it (garbage awaiting collection).
    held = 400 * len(summary)
    assert whole - part < held / 2
