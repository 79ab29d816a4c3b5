from django.contrib import admin

from partnerships.models import ExchangeProgramme, Partnership, PartnershipParty
from portal.admin_filters import PERIOD_FIELDSET, PeriodAdminMixin, PeriodStatusFilter


class PartnershipPartyInline(admin.TabularInline):
    model = PartnershipParty
    extra = 1
    autocomplete_fields = ["organisation"]


class ExchangeProgrammeInline(admin.TabularInline):
    model = ExchangeProgramme
    extra = 0
    autocomplete_fields = ["organiser"]


@admin.register(Partnership)
class PartnershipAdmin(PeriodAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "municipality",
        "kind",
        "period_preview",
        "status_column",
        "activity_level",
        "is_published",
    ]
    list_filter = [
        "kind",
        PeriodStatusFilter,
        "activity_level",
        "is_published",
        ("municipality", admin.RelatedOnlyFieldListFilter),
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
    ]


@admin.register(PartnershipParty)
class PartnershipPartyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "partnership", "role", "since_year", "until_year"]
    list_filter = ["role"]
    list_select_related = ["organisation", "partnership__municipality"]
    search_fields = ["organisation__name", "partnership__name"]
    autocomplete_fields = ["partnership", "organisation"]


@admin.register(ExchangeProgramme)
class ExchangeProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership", "organiser"]
    list_select_related = ["partnership__municipality", "organiser"]
    search_fields = ["name", "partnership__name"]
    autocomplete_fields = ["partnership", "organiser"]
