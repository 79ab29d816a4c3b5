"""Helpers for the spreadsheet tests: export and import through the admin, as a user would.

No tests here; the test_spreadsheets_* modules import these.
"""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.utils.escape import unescape

from contacts.models import Organisation, Person
from networks.models import Membership, MembershipRole
from partnerships.models import Partnership, PartnershipParty
from projects.models import Project, ProjectParticipant
from tests.factories import admin_url

FORMAT_INDEX = {"xlsx": "0", "csv": "1", "ods": "2"}

# Every model an import could write, for "nothing changed" checks.
WATCHED_MODELS = [
    Project,
    ProjectParticipant,
    Partnership,
    PartnershipParty,
    Membership,
    MembershipRole,
    Person,
    Organisation,
]


def export_form_data(model_admin_resource, file_format: str) -> dict:
    """POST data for the export page: the format and every column ticked."""
    prefix = model_admin_resource.__name__.lower()
    data = {"format": FORMAT_INDEX[file_format], "resource": "0"}
    for name in model_admin_resource().get_export_order():
        data[f"{prefix}_{name}"] = "on"
    return data


def export(client, model, file_format: str, query: str = "") -> bytes:
    """Export through the admin's export page and return the file."""
    from django.contrib import admin

    resource_class = admin.site._registry[model].resource_classes[0]
    response = client.post(
        admin_url(model, "export") + query, export_form_data(resource_class, file_format)
    )
    assert response.status_code == 200, response.content[:500]
    assert "attachment" in response["Content-Disposition"]
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def upload(client, model, data: bytes, filename: str):
    """The first import step: upload a file and get the preview (or the form's errors)."""
    return client.post(
        admin_url(model, "import"),
        {"resource": "0", "format": "", "import_file": SimpleUploadedFile(filename, data)},
    )


def confirm(client, model, preview):
    """The second import step: confirm what the preview showed."""
    confirm_form = preview.context["confirm_form"]
    data = {name: confirm_form.initial[name] for name in confirm_form.fields}
    return client.post(admin_url(model, "process_import"), data)


def form_errors(response) -> str:
    form = response.context["form"]
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def row_errors(response) -> dict[int, dict[str, list[str]]]:
    """Row number → column → messages, from the preview's validation errors."""
    result = response.context["result"]
    return {row.number: row.error_dict for row in result.invalid_rows}


def snapshot() -> dict:
    """Every watched row's values and every history count, to compare before and after."""
    state = {}
    for model in WATCHED_MODELS:
        state[model._meta.label] = sorted(map(repr, model.objects.values_list()))
        if hasattr(model, "history"):
            state[f"{model._meta.label} history"] = model.history.count()
    return state


def xlsx_rows(data: bytes) -> list[list]:
    """The cells as openpyxl reads them (with OOXML's _x000D_ escapes undone)."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [
        [unescape(cell.value) if isinstance(cell.value, str) else cell.value for cell in row]
        for row in sheet.iter_rows()
    ]


def xlsx_bytes(rows: list[list]) -> bytes:
    """A workbook as a person would make it in Excel (with openpyxl, not our writer)."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    import csv

    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)
