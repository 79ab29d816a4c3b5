from django.contrib import admin
from django.db.models import Count

from access.admin_base import PortalAdmin, PublishAdminMixin, ScopedQuerysetMixin
from networks.models import Membership, MembershipRole, Network
from networks.resources import MembershipResource
from spreadsheets.admin import SpreadsheetAdminMixin


class MembershipInline(ScopedQuerysetMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["municipality", "since_year", "until_year", "note"]
    autocomplete_fields = ["municipality"]
    show_change_link = True


@admin.register(Network)
class NetworkAdmin(PublishAdminMixin, PortalAdmin):
    actions = ["publish", "unpublish"]
    list_display = ["name", "acronym", "category", "scope", "founded_year", "member_count"]
    list_filter = ["category", "scope", "is_published", "listed_in_survey"]
    search_fields = ["name", "acronym", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["programme", "listed_in_survey"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("memberships"))

    @admin.display(description="medlemmar i portalen", ordering="member_total")
    def member_count(self, obj):
        return obj.member_total


class MembershipRoleInline(ScopedQuerysetMixin, admin.TabularInline):
    model = MembershipRole
    extra = 1


@admin.register(Membership)
class MembershipAdmin(SpreadsheetAdminMixin, PortalAdmin):
    resource_classes = [MembershipResource]
    list_display = ["municipality", "network", "period_display", "roles_display"]
    list_filter = [("network", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["municipality__short_name", "network__name", "network__acronym"]
    autocomplete_fields = ["municipality", "network"]
    list_select_related = ["municipality", "network"]
    inlines = [MembershipRoleInline]

    def get_queryset(self, request):
        # __str__ names both ends; autocomplete lists use this queryset too.
        return (
            super()
            .get_queryset(request)
            .select_related("municipality", "network")
            .prefetch_related("roles")
        )

    @admin.display(description="period")
    def period_display(self, obj):
        return obj.period_display

    @admin.display(description="roller")
    def roles_display(self, obj):
        return ", ".join(str(role) for role in obj.roles.all())


@admin.register(MembershipRole)
class MembershipRoleAdmin(PortalAdmin):
    list_display = ["title", "membership", "years_display"]
    list_select_related = ["membership__municipality", "membership__network"]
    search_fields = ["title", "membership__network__name", "membership__municipality__short_name"]
    autocomplete_fields = ["membership"]
