from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from access.admin_base import (
    NeedsReviewFilter,
    PortalAdmin,
    PublishAdminMixin,
    ReviewAdminMixin,
)
from portal.forms import PhotoForm
from portal.models import (
    Concept,
    CoordinatorAssignment,
    Country,
    County,
    FundingSource,
    Municipality,
    Photo,
    Survey,
    SurveyFigure,
    SurveyPartnerCountry,
    Theme,
)


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "short_name"]
    search_fields = ["name", "short_name", "code"]


@admin.register(Municipality)
class MunicipalityAdmin(ReviewAdminMixin, PublishAdminMixin, PortalAdmin):
    actions = ["publish", "unpublish", "mark_reviewed"]
    list_display = ["public_name", "scb_code", "county", "kind", "is_published", "reviewed_on"]
    list_select_related = ["county"]
    list_filter = ["is_published", NeedsReviewFilter, "kind", "county", "municipality_group"]
    search_fields = ["name", "display_name", "short_name", "scb_code"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["county", "contacts"]
    #: contacts/admin.py adds the contact centre's form.
    inlines = []
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "display_name",
                    "short_name",
                    "slug",
                    "kind",
                    "scb_code",
                    "county",
                    "municipality_group",
                    "website",
                ]
            },
        ),
        (
            "Texter på kommunens sida",
            {
                "fields": [
                    "intro",
                    "partnerships_intro",
                    "twin_towns_intro",
                    "projects_intro",
                    "networks_intro",
                    "contact_intro",
                ]
            },
        ),
        ("Kontakt", {"fields": ["contacts"]}),
        ("Publicering", {"fields": ["is_published", "reviewed_on", "reviewed_by"]}),
    ]

    @admin.display(description="namn", ordering="short_name")
    def public_name(self, obj):
        return obj.public_name


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "world_region", "icld_eligible"]
    list_filter = ["world_region", "icld_eligible"]
    search_fields = ["name", "name_en", "code"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "in_survey"]
    list_select_related = ["parent"]
    list_filter = ["in_survey"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Photo)
class PhotoAdmin(PortalAdmin):
    form = PhotoForm
    list_display = ["alt_text", "credit", "municipality", "has_image"]
    list_select_related = ["municipality"]
    list_filter = [("municipality", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["alt_text", "caption", "credit", "slug"]
    autocomplete_fields = ["municipality"]

    @admin.display(description="bildfil finns", boolean=True)
    def has_image(self, obj):
        return bool(obj.image)


class SurveyFigureInline(admin.TabularInline):
    model = SurveyFigure
    extra = 0
    fields = ["order", "code", "topic", "label", "value", "unit", "respondent_group", "year"]
    show_change_link = True


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "publisher", "published_on"]
    list_select_related = ["publisher"]
    search_fields = ["title", "subtitle"]
    autocomplete_fields = ["publisher", "contact"]
    inlines = [SurveyFigureInline]


@admin.register(SurveyFigure)
class SurveyFigureAdmin(admin.ModelAdmin):
    list_display = ["label", "value_display", "topic", "cooperation", "respondent_group", "year"]
    list_select_related = ["survey"]
    list_filter = ["survey", "topic", "cooperation", "respondent_group", "year"]
    search_fields = ["label", "code", "note"]
    autocomplete_fields = ["survey", "theme", "funding_source", "country"]

    @admin.display(description="värde", ordering="value")
    def value_display(self, obj):
        return obj.value_display


@admin.register(SurveyPartnerCountry)
class SurveyPartnerCountryAdmin(admin.ModelAdmin):
    list_display = ["listed_as", "country", "respondent_group", "survey"]
    list_select_related = ["country", "survey"]
    list_filter = ["survey", "respondent_group"]
    search_fields = ["listed_as", "country__name"]
    autocomplete_fields = ["survey", "country"]


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    list_display = ["term", "category", "order"]
    list_filter = ["category"]
    search_fields = ["term", "definition"]
    prepopulated_fields = {"slug": ["term"]}
    autocomplete_fields = ["source"]


class CoordinatorAssignmentInline(admin.TabularInline):
    model = CoordinatorAssignment
    extra = 1
    autocomplete_fields = ["municipality"]
    verbose_name = "kommun som användaren samordnar"
    verbose_name_plural = "Kommuner som användaren samordnar"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Accounts, with the municipalities a coordinator keeps. Only a superuser may hand out
    superuser status or single permissions; national editors work through the groups."""

    inlines = [CoordinatorAssignmentInline]
    list_display = ["username", "get_full_name", "email", "is_staff", "roles", "municipalities"]
    list_filter = ["is_staff", "is_active", "groups"]

    def get_queryset(self, request):
        users = (
            super()
            .get_queryset(request)
            .prefetch_related("groups", "coordinator_assignments__municipality")
        )
        return users if request.user.is_superuser else users.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    @admin.display(description="roller")
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all()) or "–"

    @admin.display(description="samordnar")
    def municipalities(self, obj):
        return ", ".join(a.municipality.short_name for a in obj.coordinator_assignments.all())
