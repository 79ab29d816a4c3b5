"""The admin's twin-town import: upload a list, read the dry run's report, confirm.

The uploaded rows are kept in the session as plain data between the two steps (never a
plan posted back by the browser); the confirmation plans them again against the register
as it is then and imports through `twin_towns_import`, all or nothing.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse

from access.roles import is_national_editor
from contacts.models import Organisation
from partnerships.twin_town_import import (
    MAX_FILE_SIZE,
    SourceRow,
    TwinTownFileError,
    read_twin_town_file,
    result_message,
    too_large,
    twin_towns_import,
    twin_towns_plan,
)
from spreadsheets.bulk_import import confirm_staged, stage_preview

SESSION_KEY = "twin_town_import"


class TwinTownUploadForm(forms.Form):
    file = forms.FileField(
        label="Fil med vänorter",
        help_text="Excel (xlsx), OpenDocument (ods) eller CSV sparad som UTF-8 (komma eller "
        "semikolon), högst 5 MB och 10 000 rader.",
    )
    publish = forms.BooleanField(
        label="Publicera direkt",
        required=False,
        help_text="Utan krysset blir de importerade vänorterna utkast, som du publicerar "
        "med åtgärden ”Publicera” i listan när du har granskat dem.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            # Refused before it is read into memory; read_twin_town_file says the same.
            raise forms.ValidationError(too_large(upload.size), code="too_large")
        try:
            self.cleaned_data["rows"] = read_twin_town_file(upload.read())
        except TwinTownFileError as error:
            raise forms.ValidationError(str(error), code="unreadable") from error
        return upload


class TwinTownImportAdminMixin:
    """ "Importera vänorter" on the partnership change list (a national editor for every
    municipality, a coordinator for their own)."""

    twin_town_import_template = "admin/partnerships/partnership/twin_town_import.html"
    twin_town_report_template = "admin/partnerships/partnership/twin_town_import_report.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "importera-vanorter/",
                view(self.twin_town_import_view),
                name="partnerships_partnership_import_twin_towns",
            ),
            path(
                "importera-vanorter/bekrafta/",
                view(self.twin_town_confirm_view),
                name="partnerships_partnership_import_twin_towns_confirm",
            ),
            *super().get_urls(),
        ]

    def has_twin_town_import_permission(self, request) -> bool:
        organisation_admin = self.admin_site._registry.get(Organisation)
        return self.has_add_permission(request) and (
            organisation_admin is None or organisation_admin.has_add_permission(request)
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["has_twin_town_import_permission"] = self.has_twin_town_import_permission(
            request
        )
        return super().changelist_view(request, extra_context)

    def _twin_town_context(self, request, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Importera vänorter",
            "is_national_editor": is_national_editor(request.user),
            **context,
        }

    def twin_town_import_view(self, request):
        if not self.has_twin_town_import_permission(request):
            raise PermissionDenied
        form = TwinTownUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            rows = form.cleaned_data["rows"]
            plan = twin_towns_plan(rows=rows, user=request.user)
            token = stage_preview(
                request,
                SESSION_KEY,
                plan,
                rows=[row.as_list() for row in rows],
                publish=form.cleaned_data["publish"],
                filename=form.cleaned_data["file"].name,
            )
            return self._twin_town_report(
                request, plan, token, form.cleaned_data["publish"], form.cleaned_data["file"].name
            )
        return TemplateResponse(
            request, self.twin_town_import_template, self._twin_town_context(request, form=form)
        )

    def _twin_town_report(self, request, plan, token, publish, filename):
        counts = plan.counts()
        context = self._twin_town_context(
            request,
            title="Förhandsgranskning av vänortsimporten",
            plan=plan,
            groups=[(status, rows) for status, rows in plan.groups() if rows],
            counts=[(status, counts[status]) for status, _ in plan.groups()],
            to_import=len(plan.to_import),
            new_places=len(plan.new_places),
            token=token,
            publish=publish,
            filename=filename,
        )
        return TemplateResponse(request, self.twin_town_report_template, context)

    def twin_town_confirm_view(self, request):
        if not self.has_twin_town_import_permission(request):
            raise PermissionDenied

        def plan_again(stored):
            rows = [SourceRow.from_list(values) for values in stored["rows"]]
            return twin_towns_plan(rows=rows, user=request.user)

        def run_import(plan, stored):
            result = twin_towns_import(plan=plan, user=request.user, publish=stored["publish"])
            return result_message(result, published=stored["publish"])

        changelist = reverse("admin:partnerships_partnership_changelist")
        return confirm_staged(
            request,
            session_key=SESSION_KEY,
            upload_url=reverse("admin:partnerships_partnership_import_twin_towns"),
            plan_again=plan_again,
            report=lambda plan, stored: self._twin_town_report(
                request, plan, stored["token"], stored["publish"], stored["filename"]
            ),
            run_import=run_import,
            done_url=f"{changelist}?kind__exact=vanort",
        )
