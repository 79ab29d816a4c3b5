from django.contrib import admin

from access.admin_base import (
    NeedsReviewFilter,
    PartyRowAdminMixin,
    PortalAdmin,
    PublishAdminMixin,
    ReviewAdminMixin,
    ScopedQuerysetMixin,
    SwedishPartiesAdminMixin,
)
from access.admin_filters import PERIOD_FIELDSET, PeriodAdminMixin, PeriodStatusFilter
from projects.models import Initiative, Programme, Project, ProjectParticipant, Story
from projects.partner_list_admin import PartnerListImportAdminMixin
from projects.resources import ProjectPartnerResource, ProjectResource
from spreadsheets.admin import SpreadsheetAdminMixin
from spreadsheets.forms import SpreadsheetExportForm


@admin.register(Programme)
class ProgrammeAdmin(PortalAdmin):
    list_display = ["name", "period_display", "short_name", "funding_source", "parent"]
    list_select_related = ["funding_source", "parent"]
    list_filter = ["funding_source"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["funding_source", "parent", "predecessor"]

    @admin.display(description="programperiod", ordering="start_year")
    def period_display(self, programme):
        return programme.period_display


class ProjectParticipantInline(ScopedQuerysetMixin, admin.TabularInline):
    model = ProjectParticipant
    extra = 1
    autocomplete_fields = ["organisation"]
    readonly_fields = ["awaiting_confirmation"]


@admin.register(Project)
class ProjectAdmin(
    SwedishPartiesAdminMixin,
    PartnerListImportAdminMixin,
    SpreadsheetAdminMixin,
    ReviewAdminMixin,
    PublishAdminMixin,
    PeriodAdminMixin,
    PortalAdmin,
):
    resource_classes = [ProjectResource]
    #: The export writes either shape; the import reads one row per project (a list with
    #: one row per partner goes to "Importera projektlista", projects/partner_list_admin.py).
    export_resource_classes = [ProjectResource, ProjectPartnerResource]

    class ExportForm(SpreadsheetExportForm):
        """The export form, its choice of resource named as the shape of the list."""

        def _init_resources(self, resources):
            super()._init_resources(resources)
            self.fields["resource"].label = "Rader"
            self.fields["resource"].choices = [
                (index, getattr(resource, "export_choice_label", resource.get_display_name()))
                for index, resource in enumerate(resources)
            ]

    export_form_class = ExportForm

    def get_export_resource_classes(self, request):
        return self.export_resource_classes

    def choose_export_resource_class(self, form, request):
        resource_class = super().choose_export_resource_class(form, request)
        request._project_export_resource_class = resource_class  # for the file's name
        return resource_class

    def get_export_filename(self, request, queryset, file_format):
        filename = super().get_export_filename(request, queryset, file_format)
        if getattr(request, "_project_export_resource_class", None) is ProjectPartnerResource:
            return filename.replace("projekt-", "projekt-per-partner-", 1)
        return filename

    # The spreadsheet buttons and "Importera projektlista" (projects/partner_list_admin.py).
    import_export_change_list_template = "admin/projects/project/change_list.html"
    actions = ["publish", "unpublish", "mark_reviewed"]
    list_display = [
        "title",
        "acronym",
        "municipality",
        "kind",
        "period_preview",
        "status_column",
        "programme",
        "is_published",
        "reviewed_on",
    ]
    list_filter = [
        PeriodStatusFilter,
        "kind",
        ("programme", admin.RelatedOnlyFieldListFilter),
        ("municipality", admin.RelatedOnlyFieldListFilter),
        "is_published",
        NeedsReviewFilter,
    ]
    search_fields = ["title", "acronym", "original_title", "summary", "participants__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = [
        "municipality",
        "partnership",
        "programme",
        "funding_sources",
        "partner_countries",
        "themes",
        "contacts",
        "photo",
    ]
    readonly_fields = ["period_preview", "money_preview"]
    list_select_related = ["municipality", "programme"]
    show_full_result_count = False  # 50 000 projects: one COUNT fewer on every page
    inlines = [ProjectParticipantInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "acronym",
                    ("original_title", "original_language"),
                    "slug",
                    "kind",
                    "municipality",
                    "partnership",
                    "is_published",
                ]
            },
        ),
        PERIOD_FIELDSET,
        (
            "Pengar",
            {
                "fields": [
                    "programme",
                    "funding_sources",
                    ("total_budget", "budget_currency"),
                    ("grant_amount", "grant_currency"),
                    "money_note",
                    "money_preview",
                ]
            },
        ),
        (
            "Innehåll",
            {
                "fields": [
                    "summary",
                    "description",
                    "partner_countries",
                    "themes",
                    "contacts",
                    "website",
                    "photo",
                ]
            },
        ),
        ("Granskning", {"fields": ["reviewed_on", "reviewed_by"]}),
    ]

    @admin.display(description="så här visas pengarna")
    def money_preview(self, obj):
        parts = [
            f"Budget {obj.budget_display}" if obj.total_budget is not None else "",
            f"bidrag {obj.grant_display}" if obj.grant_amount is not None else "",
        ]
        return ", ".join(part for part in parts if part) or "–"


@admin.register(ProjectParticipant)
class ProjectParticipantAdmin(PartyRowAdminMixin, PortalAdmin):
    list_display = ["organisation", "project", "role"]
    list_select_related = ["organisation", "project"]
    show_full_result_count = False  # 175 000 rows: one COUNT fewer on every page
    list_filter = ["role"]
    search_fields = ["organisation__name", "project__title", "project__acronym"]
    autocomplete_fields = ["project", "organisation"]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["name", "organiser"]
    list_select_related = ["organiser"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organiser"]


@admin.register(Story)
class StoryAdmin(PublishAdminMixin, PortalAdmin):
    actions = ["publish", "unpublish"]
    list_display = ["title", "municipality", "initiative", "partner", "is_published"]
    list_filter = [
        "initiative",
        "is_published",
        ("municipality", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "teaser", "municipality__short_name", "partner__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = [
        "municipality",
        "initiative",
        "partner",
        "partner_country",
        "partnership",
        "photo",
    ]
    list_select_related = ["municipality", "initiative", "partner"]
