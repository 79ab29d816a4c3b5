"""The admin's project import does a fixed amount of SQL per import: the names a file
refers to (municipalities, programmes, organisations, themes, funding, countries) are read
once per import, not once per cell, and new projects are written together after the last
row (SpreadsheetResource.create_records), with their lists, history, filter values and
search documents, as a row-by-row save would have written them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Organisation
from portal.models import Country, FundingSource, Theme
from projects.models import Project
from tests.admin.test_spreadsheets_support import confirm, upload, xlsx_bytes
from tests.factories import make_project

pytestmark = pytest.mark.django_db

HEADERS = [
    "ID",
    "Titel",
    "Kommun",
    "Program",
    "Start",
    "Slut",
    "Deltagare",
    "Samarbetsområden",
    "Finansieringsformer",
    "Fler partnerländer",
]

NAMED_TABLES = [
    "portal_municipality",
    "projects_programme",
    "contacts_organisation",
    "portal_theme",
    "portal_fundingsource",
    "portal_country",
]


def project_rows(count: int, first: int) -> list[list]:
    organisations = list(Organisation.objects.order_by("pk")[:2])
    themes = list(Theme.objects.order_by("pk")[:2])
    funding = FundingSource.objects.order_by("pk").first()
    country = Country.objects.order_by("code").first()
    participants = f"{organisations[0].name} (Huvudpartner); {organisations[1].name} (Partner)"
    return [
        [
            None,
            f"Importerat projekt {number}",
            "Växjö kommun",
            "Interreg Öresund",
            2020,
            2022,
            participants,
            "; ".join(theme.name for theme in themes),
            funding.name,
            country.name,
        ]
        for number in range(first, first + count)
    ]


def import_queries(client, count: int, first: int) -> list[dict]:
    """The queries of previewing and confirming `count` new projects."""
    data = xlsx_bytes([HEADERS, *project_rows(count, first)])
    with CaptureQueriesContext(connection) as queries:
        preview = upload(client, Project, data, "projekt.xlsx")
        assert "confirm_form" in preview.context, preview.content.decode()[:2000]
        confirm(client, Project, preview)
    assert Project.objects.filter(title=f"Importerat projekt {first + count - 1}").exists()
    return queries.captured_queries


def name_reads(queries, table: str) -> int:
    """Reads of a table on its own: the lookups of names, neither the lists of a record
    (joins) nor the model validation's check that a chosen record exists (`AS "a"`)."""
    return sum(
        1
        for query in queries
        if query["sql"].startswith("SELECT")
        and f'FROM "{table}"' in query["sql"]
        and "JOIN" not in query["sql"]
        and 'AS "a"' not in query["sql"]
    )


def existence_checks(queries, table: str) -> int:
    """Model validation's queries asking whether a chosen record exists; the import has
    just found it (SpreadsheetResource.found_relation_fields)."""
    return sum(1 for query in queries if f'AS "a" FROM "{table}"' in query["sql"])


def test_names_are_read_once_per_import_and_rows_cost_a_fixed_number_of_queries(
    national_editor_client,
):
    few = import_queries(national_editor_client, 2, first=1)
    many = import_queries(national_editor_client, 6, first=100)

    for table in NAMED_TABLES:
        assert name_reads(many, table) == name_reads(few, table), table
    for table in ("portal_municipality", "projects_programme"):
        assert existence_checks(many, table) == existence_checks(few, table) == 0, table
    # New rows are written together: six rows cost no more queries than two (the first
    # import also reads what Django caches, such as content types).
    assert len(many) <= len(few)


def test_new_ids_are_numbered_past_those_in_use_and_those_of_earlier_rows(
    national_editor_client,
):
    """The IDs in use are read once per import; the rows' own new IDs count too."""
    make_project(slug="samma-titel", title="Samma titel").save()
    rows = project_rows(2, first=1)
    for row in rows:
        row[1] = "Samma titel"
    preview = upload(national_editor_client, Project, xlsx_bytes([HEADERS, *rows]), "p.xlsx")
    confirm(national_editor_client, Project, preview)

    assert set(Project.objects.filter(title="Samma titel").values_list("slug", flat=True)) == {
        "samma-titel",
        "samma-titel-2",
        "samma-titel-3",
    }


def test_the_preview_shows_a_new_rows_lists_as_the_export_writes_them(national_editor_client):
    """The lists of a new record are shown from what the import wrote, not read back."""
    from django.utils.html import escape

    from projects.resources import ProjectResource

    preview = upload(
        national_editor_client, Project, xlsx_bytes([HEADERS, *project_rows(1, 1)]), "p.xlsx"
    )
    shown = preview.context["result"].rows[0].diff
    confirm(national_editor_client, Project, preview)

    resource = ProjectResource()
    project = Project.objects.get(title="Importerat projekt 1")
    fields = resource.get_import_fields()
    for name in ("participants", "themes", "funding_sources", "partner_countries"):
        cell = resource.fields[name].export(project)
        assert cell
        assert escape(cell) in shown[fields.index(resource.fields[name])], name


def test_a_row_leaves_one_history_entry_with_its_lists(national_editor_client):
    """One entry per row, by the importing user, holding the lists the row set."""
    preview = upload(
        national_editor_client, Project, xlsx_bytes([HEADERS, *project_rows(1, 1)]), "p.xlsx"
    )
    confirm(national_editor_client, Project, preview)

    project = Project.objects.get(title="Importerat projekt 1")
    entry = project.history.get()
    assert entry.history_type == "+"
    assert entry.history_user == national_editor_client.user
    assert entry.history_change_reason == "Kalkylbladsimport"
    assert entry.title == project.title
    assert set(entry.themes.values_list("theme", flat=True)) == set(
        project.themes.values_list("pk", flat=True)
    )
    assert set(entry.partner_countries.values_list("country", flat=True)) == set(
        project.partner_countries.values_list("pk", flat=True)
    )
    assert project.themes.count() == 2


def test_new_projects_written_together_are_as_saved_one_by_one(national_editor_client):
    """Participants with their history, filter values and search documents, as the signals
    of a row-by-row save would have made them; the preview writes nothing at all."""
    from projects import facets
    from projects.models import ProjectFacet, ProjectParticipant
    from search.models import SearchDocument

    data = xlsx_bytes([HEADERS, *project_rows(3, 1)])
    before = (Project.objects.count(), Project.history.count(), ProjectFacet.objects.count())
    preview = upload(national_editor_client, Project, data, "p.xlsx")
    assert (
        Project.objects.count(),
        Project.history.count(),
        ProjectFacet.objects.count(),
    ) == before

    confirm(national_editor_client, Project, preview)

    projects = list(Project.objects.filter(title__startswith="Importerat projekt "))
    assert len(projects) == 3
    ids = [project.pk for project in projects]
    participants = ProjectParticipant.objects.filter(project__in=ids)
    assert participants.count() == 6
    assert {row.role for row in participants} == {"lead_partner", "partner"}
    history = ProjectParticipant.history.filter(project_id__in=ids)
    assert history.count() == 6
    assert {entry.history_change_reason for entry in history} == {"Kalkylbladsimport"}
    assert {entry.history_user for entry in history} == {national_editor_client.user}
    stored = set(
        ProjectFacet.objects.filter(project__in=ids).values_list("project_id", "kind", "value")
    )
    assert stored == facets.facet_values(ids)
    assert set(
        SearchDocument.objects.filter(kind="project", object_id__in=ids).values_list(
            "object_id", "title"
        )
    ) == {(project.pk, project.title) for project in projects}


def edited_export(count: int, *, participants: bool = False) -> bytes:
    """The one-row-per-project export of the `count` first projects, each summary edited
    (and, with `participants`, the first row's participants cut to its first)."""
    from projects.resources import ProjectResource

    resource = ProjectResource()
    headers = resource.get_export_headers()
    projects = Project.objects.order_by("pk")[:count]
    rows = [list(row) for row in resource.export_rows(projects)]
    summary = headers.index("Kort beskrivning")
    for row in rows:
        row[summary] = f"{row[summary] or ''} Ändrad."
    if participants:
        column = headers.index("Deltagare")
        rows[0][column] = rows[0][column].split("; ")[0]
    return xlsx_bytes([headers, *rows])


def test_rows_that_change_records_cost_one_update_each_and_leave_their_history(
    national_editor_client,
):
    """An edited export read back: the records and their lists are read once for the whole
    file, a changed record is one UPDATE, and each gets one history entry ("~") holding
    its lists, written after the last row."""
    for _ in range(6 - Project.objects.count()):
        make_project().save()
    ids = list(Project.objects.order_by("pk").values_list("pk", flat=True)[:6])

    def queries(count: int) -> int:
        data = edited_export(count)
        with CaptureQueriesContext(connection) as captured:
            preview = upload(national_editor_client, Project, data, "p.xlsx")
            assert "confirm_form" in preview.context, preview.content.decode()[:2000]
            confirm(national_editor_client, Project, preview)
        return len(captured.captured_queries)

    few = queries(2)
    many = queries(6)

    # Each further changed row: its UPDATE in the preview and in the import, no more.
    assert (many - few) / 4 <= 2
    project = Project.objects.get(pk=ids[0])
    assert project.summary.endswith("Ändrad. Ändrad.")  # imported twice
    entry = project.history.order_by("-history_id").first()
    assert entry.history_type == "~"
    assert entry.history_change_reason == "Kalkylbladsimport"
    assert entry.history_user == national_editor_client.user
    assert set(entry.themes.values_list("theme", flat=True)) == set(
        project.themes.values_list("pk", flat=True)
    )


def test_a_changed_participant_list_is_written_and_the_preview_shows_before_and_after(
    national_editor_client,
):
    from django.db.models import Count

    from projects.models import ProjectParticipant

    project = (
        Project.objects.annotate(parties=Count("project_participants"))
        .filter(parties__gte=2)
        .order_by("pk")
        .first()
    )
    others = list(Project.objects.order_by("pk").filter(pk__lt=project.pk))
    for other in others:  # the first row of the export is this project's
        other.delete()
    before = ProjectParticipant.objects.filter(project=project).count()
    assert before >= 2
    data = edited_export(1, participants=True)

    preview = upload(national_editor_client, Project, data, "p.xlsx")
    row = preview.context["result"].rows[0]
    assert row.import_type == "update"
    assert "<del" in "".join(str(cell) for cell in row.diff)
    confirm(national_editor_client, Project, preview)

    assert ProjectParticipant.objects.filter(project=project).count() == 1


def test_a_new_id_in_the_file_counts_as_taken_for_later_rows_without_one(
    national_editor_client,
):
    """New records are written after the last row; until then their IDs are in the file
    only, and a later row's generated ID is numbered past them."""
    rows = project_rows(2, first=1)
    rows[0][0], rows[0][1] = "ny-titel", "Något annat"
    rows[1][1] = "Ny titel"
    preview = upload(national_editor_client, Project, xlsx_bytes([HEADERS, *rows]), "p.xlsx")
    assert "confirm_form" in preview.context, preview.content.decode()[:3000]
    confirm(national_editor_client, Project, preview)

    assert Project.objects.get(slug="ny-titel").title == "Något annat"
    assert Project.objects.get(slug="ny-titel-2").title == "Ny titel"
