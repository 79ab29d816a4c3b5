"""The admin's project import does a fixed amount of SQL per row: the names a file refers
to (municipalities, programmes, organisations, themes, funding, countries) are read once
per import, not once per cell, and each further row costs the same few queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Organisation
from portal.models import Country, FundingSource, Theme
from projects.models import Project
from tests.admin.test_spreadsheets_support import confirm, upload, xlsx_bytes

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

#: What one more row may cost, preview and confirmation together.
QUERIES_PER_ROW = 115


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


def test_names_are_read_once_per_import_and_rows_cost_a_fixed_number_of_queries(
    national_editor_client,
):
    few = import_queries(national_editor_client, 2, first=1)
    many = import_queries(national_editor_client, 6, first=100)

    for table in NAMED_TABLES:
        assert name_reads(many, table) == name_reads(few, table), table
    assert (len(many) - len(few)) / 4 <= QUERIES_PER_ROW
