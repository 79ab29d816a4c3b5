from django.contrib import admin

from access.admin import MunicipalityAdmin
from access.admin_base import PortalAdmin, ScopedQuerysetMixin
from access.admin_filters import ShortRelatedOnlyFieldListFilter
from contacts.models import ContactCentre, Organisation, OrganisationName, Person
from contacts.resources import PersonResource
from spreadsheets.admin import SpreadsheetAdminMixin


class OrganisationNameInline(ScopedQuerysetMixin, admin.TabularInline):
    model = OrganisationName
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(PortalAdmin):
    list_display = ["name", "short_name", "kind", "country", "municipality"]
    list_filter = [
        "kind",
        "country__world_region",
        ("country", admin.RelatedOnlyFieldListFilter),
        # Partners abroad without a place on the map (maps/partner_map.py) are found here.
        ("latitude", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "short_name", "other_names__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country", "municipality"]
    inlines = [OrganisationNameInline]
    list_select_related = ["country", "municipality"]


@admin.register(OrganisationName)
class OrganisationNameAdmin(PortalAdmin):
    list_display = ["name", "organisation", "is_former"]
    list_select_related = ["organisation"]
    list_filter = ["is_former"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation"]


@admin.register(Person)
class PersonAdmin(SpreadsheetAdminMixin, PortalAdmin):
    resource_classes = [PersonResource]
    list_display = [
        "name",
        "title",
        "organisation",
        "email",
        "phone_column",
        "contact_details_public",
    ]
    search_fields = ["name", "email", "title", "organisation__name"]
    list_filter = ["contact_details_public", ("organisation", ShortRelatedOnlyFieldListFilter)]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]
    show_full_result_count = False  # 20 000 people: one COUNT fewer on every page

    @admin.display(description="telefon", ordering="phone")
    def phone_column(self, obj):
        return obj.phone_display


@admin.register(ContactCentre)
class ContactCentreAdmin(PortalAdmin):
    list_display = ["name", "municipality", "street_address", "city"]
    list_select_related = ["municipality"]
    search_fields = ["name", "municipality__short_name", "city"]
    autocomplete_fields = ["municipality"]


class ContactCentreInline(ScopedQuerysetMixin, admin.StackedInline):
    model = ContactCentre
    extra = 0
    max_num = 1


# The municipality's form (access/admin.py) edits its contact centre too.
MunicipalityAdmin.inlines = [*MunicipalityAdmin.inlines, ContactCentreInline]
