"""The admin's import of project lists with one row per partner (projects/partner_list_import.py).

Upload a list, read the dry run's report, confirm. The project change list's own
"Importera" (django-import-export, one row per project) hands a file with a partner column
over to this report too, so either shape of list can be uploaded in the same place.

The rows are kept in the session as plain data between the two steps (never a plan posted
back by the browser); the confirmation plans them again against the register as it is then
and imports all or nothing.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse

from access.roles import is_national_editor
from contacts.models import Organisation
from projects.models import Programme
from projects.partner_list_import import (
    MAX_FILE_SIZE,
    PartnerListFileError,
    ProjectStatus,
    SourceRow,
    file_is_partner_list,
    partner_list_import,
    partner_list_plan,
    read_partner_list,
    result_message,
)
from spreadsheets.bulk_import import confirm_staged, stage_preview
from spreadsheets.formats import reading_once

SESSION_KEY = "partner_list_import"


class PartnerListUploadForm(forms.Form):
    file = forms.FileField(
        label="Projektlista",
        help_text="En rad per partner, som programmen och keep.eu publicerar dem: Excel "
        "(xlsx), OpenDocument (ods) eller CSV sparad som UTF-8, högst 5 MB.",
    )
    programme = forms.ModelChoiceField(
        label="Program för hela listan",
        queryset=Programme.objects.order_by("name", "start_year"),
        required=False,
        empty_label="Enligt kolumnen Program i filen",
        help_text="Välj programmet när listan är ett programs egen lista utan programkolumn, "
        "eller skriver programmets namn på ett sätt som registret inte känner igen.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                "Filen är för stor. Den får vara högst 5 MB; dela upp listan i flera filer.",
                code="too_large",
            )
        try:
            self.cleaned_data["rows"] = read_partner_list(upload.read())
        except PartnerListFileError as error:
            raise forms.ValidationError(str(error), code="unreadable") from error
        return upload


class PartnerListImportAdminMixin:
    """ "Importera projektlista" on the project change list."""

    partner_list_template = "admin/projects/project/partner_list_import.html"
    partner_list_report_template = "admin/projects/project/partner_list_report.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "importera-projektlista/",
                view(self.partner_list_view),
                name="projects_project_import_partner_list",
            ),
            path(
                "importera-projektlista/bekrafta/",
                view(self.partner_list_confirm_view),
                name="projects_project_import_partner_list_confirm",
            ),
            *super().get_urls(),
        ]

    def has_partner_list_permission(self, request) -> bool:
        organisation_admin = self.admin_site._registry.get(Organisation)
        return self.has_add_permission(request) and (
            organisation_admin is None or organisation_admin.has_add_permission(request)
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["has_partner_list_permission"] = self.has_partner_list_permission(request)
        return super().changelist_view(request, extra_context)

    def import_action(self, request, **kwargs):
        """The spreadsheet import (one row per project) hands a partner list over here."""
        with reading_once():  # the check here, the form's and the preview parse it once
            return self._import_or_partner_list(request, **kwargs)

    def _import_or_partner_list(self, request, **kwargs):
        upload = request.FILES.get("import_file") if request.method == "POST" else None
        if upload is not None and self.has_partner_list_permission(request):
            data = upload.read()
            upload.seek(0)
            if file_is_partner_list(data):
                try:
                    rows = read_partner_list(data)
                except PartnerListFileError as error:
                    form = PartnerListUploadForm()
                    form.add_error(None, str(error))
                    return TemplateResponse(
                        request,
                        self.partner_list_template,
                        self._partner_list_context(request, form=form),
                    )
                return self.partner_list_preview(request, rows, upload.name)
        return super().import_action(request, **kwargs)

    def _partner_list_context(self, request, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Importera projektlista",
            "is_national_editor": is_national_editor(request.user),
            **context,
        }

    def partner_list_view(self, request):
        if not self.has_partner_list_permission(request):
            raise PermissionDenied
        form = PartnerListUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            return self.partner_list_preview(
                request,
                form.cleaned_data["rows"],
                form.cleaned_data["file"].name,
                programme=form.cleaned_data["programme"],
            )
        return TemplateResponse(
            request, self.partner_list_template, self._partner_list_context(request, form=form)
        )

    def partner_list_preview(self, request, rows, filename: str, *, programme=None):
        """Plan the rows and show the report; the session keeps them for the confirmation."""
        plan = partner_list_plan(rows=rows, user=request.user, programme=programme)
        token = stage_preview(
            request,
            SESSION_KEY,
            plan,
            rows=[row.as_list() for row in rows],
            filename=filename,
            programme=programme.pk if programme else None,
        )
        return self._partner_list_report(request, plan, token, filename)

    def _partner_list_report(self, request, plan, token, filename):
        counts = plan.counts()
        order = (
            ProjectStatus.ERROR,
            ProjectStatus.NO_SWEDISH_PARTY,
            ProjectStatus.DUPLICATE,
            ProjectStatus.NEW,
        )
        context = self._partner_list_context(
            request,
            title="Förhandsgranskning av projektlistan",
            plan=plan,
            groups=[(status, plan.with_status(status)) for status in order if counts[status]],
            counts=[(status, counts[status]) for status in order],
            to_import=len(plan.to_import),
            new_organisations=plan.organisations_to_create,
            token=token,
            filename=filename,
        )
        return TemplateResponse(request, self.partner_list_report_template, context)

    def partner_list_confirm_view(self, request):
        if not self.has_partner_list_permission(request):
            raise PermissionDenied
        publish = request.POST.get("publish") == "1"

        def plan_again(stored):
            rows = [SourceRow.from_list(values) for values in stored["rows"]]
            programme = Programme.objects.filter(pk=stored["programme"]).first()
            return partner_list_plan(rows=rows, user=request.user, programme=programme)

        def run_import(plan, stored):
            result = partner_list_import(plan=plan, user=request.user, publish=publish)
            return result_message(result, published=publish)

        return confirm_staged(
            request,
            session_key=SESSION_KEY,
            upload_url=reverse("admin:projects_project_import_partner_list"),
            plan_again=plan_again,
            report=lambda plan, stored: self._partner_list_report(
                request, plan, stored["token"], stored["filename"]
            ),
            run_import=run_import,
            done_url=reverse("admin:projects_project_changelist"),
        )
