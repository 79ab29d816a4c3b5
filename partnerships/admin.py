from django.contrib import admin

from partnerships.models import ExchangeProgramme, Partnership, PartnershipParty
from partnerships.resources import PartnershipResource
from partnerships.twin_town_import_admin import TwinTownImportAdminMixin
from portal.admin_base import (
    NeedsReviewFilter,
    PortalAdmin,
    PublishAdminMixin,
    ReviewAdminMixin,
    ScopedQuerysetMixin,
    SwedishPartiesAdminMixin,
)
from portal.admin_filters import PERIOD_FIELDSET, PeriodAdminMixin, PeriodStatusFilter
from portal.search import refresh_search_vectors
from portal.spreadsheets.admin import SpreadsheetAdminMixin


class PartnershipPartyInline(ScopedQuerysetMixin, admin.TabularInline):
    model = PartnershipParty
    extra = 1
    autocomplete_fields = ["organisation"]
    readonly_fields = ["awaiting_confirmation"]


class ExchangeProgrammeInline(ScopedQuerysetMixin, admin.TabularInline):
    model = ExchangeProgramme
    extra = 0
    autocomplete_fields = ["organiser"]


@admin.register(Partnership)
class PartnershipAdmin(
    SwedishPartiesAdminMixin,
    TwinTownImportAdminMixin,
    SpreadsheetAdminMixin,
    ReviewAdminMixin,
    PublishAdminMixin,
    PeriodAdminMixin,
    PortalAdmin,
):
    resource_classes = [PartnershipResource]
    # The spreadsheet buttons and "Importera vänorter" (partnerships/twin_town_import_admin.py).
    import_export_change_list_template = "admin/partnerships/partnership/change_list.html"
    actions = ["publish", "unpublish", "mark_reviewed"]
    list_display = [
        "name",
        "municipality",
        "kind",
        "period_preview",
        "status_column",
        "activity_level",
        "is_published",
        "reviewed_on",
    ]
    list_filter = [
        "kind",
        PeriodStatusFilter,
        "activity_level",
        "is_published",
        ("municipality", admin.RelatedOnlyFieldListFilter),
        NeedsReviewFilter,
    ]
    search_fields = ["name", "municipality__short_name", "partners__name", "background"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = [
        "municipality",
        "coordinated_by",
        "themes",
        "funding_sources",
        "contacts",
        "photo",
        "replaced_by",
    ]
    readonly_fields = ["period_preview"]
    list_select_related = ["municipality"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The search vector names the partners, saved by the inline after the partnership.
        refresh_search_vectors(Partnership.objects.filter(pk=form.instance.pk))

    def get_queryset(self, request):
        # __str__ names the municipality; autocomplete lists use this queryset too.
        return super().get_queryset(request).select_related("municipality")

    inlines = [PartnershipPartyInline, ExchangeProgrammeInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "municipality", "is_published"]}),
        PERIOD_FIELDSET,
        (
            "Läge",
            {"fields": ["activity_level", "activity_noted_on", "end_reason", "replaced_by"]},
        ),
        (
            "Innehåll",
            {
                "fields": [
                    "background",
                    "coordinated_by",
                    "steering_group",
                    "earlier_projects_note",
                    "themes",
                    "funding_sources",
                    "contacts",
                    "photo",
                ]
            },
        ),
        ("Granskning", {"fields": ["reviewed_on", "reviewed_by"]}),
    ]


@admin.register(PartnershipParty)
class PartnershipPartyAdmin(PortalAdmin):
    list_display = ["organisation", "partnership", "role", "since_year", "until_year"]
    list_filter = ["role"]
    list_select_related = ["organisation", "partnership__municipality"]
    search_fields = ["organisation__name", "partnership__name"]
    autocomplete_fields = ["partnership", "organisation"]


@admin.register(ExchangeProgramme)
class ExchangeProgrammeAdmin(PortalAdmin):
    list_display = ["name", "partnership", "organiser"]
    list_select_related = ["partnership__municipality", "organiser"]
    search_fields = ["name", "partnership__name"]
    autocomplete_fields = ["partnership", "organiser"]
