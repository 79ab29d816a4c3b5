from django.contrib import admin, messages
from django.utils import timezone

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
from access.scoping import editable
from partnerships.models import ExchangeProgramme, Partnership, PartnershipParty
from partnerships.resources import PartnershipResource
from partnerships.twin_town_import_admin import TwinTownImportAdminMixin
from portal.choices import ActivityLevel
from spreadsheets.admin import SpreadsheetAdminMixin


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
    actions = [
        "publish",
        "unpublish",
        "mark_reviewed",
        "set_activity_active",
        "set_activity_sporadic",
        "set_activity_dormant",
    ]
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
    show_full_result_count = False  # thousands of partnerships: one COUNT fewer a page

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

    def _set_activity_level(self, request, queryset, level: str) -> None:
        """The chosen level, assessed today, on each chosen partnership the user may change
        that has not ended (an ended one has no activity level)."""
        today = timezone.localdate()
        rows = editable(queryset, request.user).live(on=today)
        count = 0
        for partnership in rows:
            partnership.activity_level = level
            partnership.activity_noted_on = today
            partnership._change_reason = "Aktivitetsgrad satt i listan"
            partnership.save()
            count += 1
        skipped = queryset.count() - count
        message = f"{count} fick aktivitetsgraden {ActivityLevel(level).label.lower()}."
        if skipped:
            message += f" {skipped} hoppades över (avslutade eller inte dina att ändra)."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Sätt aktivitetsgrad: aktiv", permissions=["change"])
    def set_activity_active(self, request, queryset):
        self._set_activity_level(request, queryset, ActivityLevel.ACTIVE)

    @admin.action(description="Sätt aktivitetsgrad: sporadisk", permissions=["change"])
    def set_activity_sporadic(self, request, queryset):
        self._set_activity_level(request, queryset, ActivityLevel.SPORADIC)

    @admin.action(description="Sätt aktivitetsgrad: vilande", permissions=["change"])
    def set_activity_dormant(self, request, queryset):
        self._set_activity_level(request, queryset, ActivityLevel.DORMANT)


@admin.register(PartnershipParty)
class PartnershipPartyAdmin(PartyRowAdminMixin, PortalAdmin):
    list_display = ["organisation", "partnership", "role", "since_year", "until_year"]
    list_filter = ["role"]
    list_select_related = ["organisation", "partnership__municipality"]
    show_full_result_count = False
    search_fields = ["organisation__name", "partnership__name"]
    autocomplete_fields = ["partnership", "organisation"]


@admin.register(ExchangeProgramme)
class ExchangeProgrammeAdmin(PortalAdmin):
    list_display = ["name", "partnership", "organiser"]
    list_select_related = ["partnership__municipality", "organiser"]
    search_fields = ["name", "partnership__name"]
    autocomplete_fields = ["partnership", "organiser"]
