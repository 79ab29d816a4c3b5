from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied

from access.admin_base import PortalAdmin, PublishAdminMixin
from access.roles import is_national_editor
from portal.choices import WorldRegion
from seeking.models import PartnerRequest, RequestStatus

ONLY_EDITORS_ABROAD = (
    "Bara en nationell redaktör kan lägga in en sökning från en utländsk organisation."
)


class RequestStatusFilter(admin.SimpleListFilter):
    """Aktuell / utgången, derived from the last day and today."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return RequestStatus.choices

    def queryset(self, request, queryset):
        if self.value() == RequestStatus.CURRENT:
            return queryset.current()
        if self.value() == RequestStatus.EXPIRED:
            return queryset.expired()
        return queryset


class PartnerRequestForm(forms.ModelForm):
    world_regions = forms.MultipleChoiceField(
        label="Världsdelar",
        choices=WorldRegion.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Hela världsdelar där partnern kan finnas, utöver eller i stället för länder.",
    )
    #: Set by the admin for the user: only national editors enter seekers from abroad.
    allow_foreign_seeker = False

    class Meta:
        model = PartnerRequest
        fields = [
            "title",
            "slug",
            "kind",
            "municipality",
            "organisation",
            "description",
            "themes",
            "countries",
            "contact",
            "valid_until",
            "is_published",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("world_regions", self.instance.world_regions)
        if not self.allow_foreign_seeker and "municipality" in self.fields:
            self.fields["municipality"].required = True
            self.fields["municipality"].error_messages["required"] = "Välj kommunen som söker."

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organisation") is not None and not self.allow_foreign_seeker:
            self.add_error("organisation", ONLY_EDITORS_ABROAD)
        return cleaned


@admin.register(PartnerRequest)
class PartnerRequestAdmin(PublishAdminMixin, PortalAdmin):
    form = PartnerRequestForm
    actions = ["publish", "unpublish"]
    list_display = ["title", "seeker", "kind", "valid_until", "status_column", "is_published"]
    list_select_related = ["municipality", "organisation"]
    list_filter = [
        RequestStatusFilter,
        "kind",
        ("municipality", admin.RelatedOnlyFieldListFilter),
        "is_published",
    ]
    search_fields = ["title", "description", "municipality__short_name", "organisation__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["municipality", "organisation", "themes", "countries", "contact"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "municipality", "organisation"]}),
        (
            "Vad och var",
            {"fields": ["description", "themes", "countries", "world_regions"]},
        ),
        (
            "Kontakt och publicering",
            {
                "fields": ["contact", "valid_until", "is_published"],
                "description": "Sökningen visas till och med sista dagen och försvinner sedan "
                "av sig själv från listor, sökningen, kommunens sida och flödet.",
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if is_national_editor(request.user):
            return fieldsets
        # Coordinators enter their own municipalities' requests, never a seeker abroad.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "organisation"]})
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.allow_foreign_seeker = is_national_editor(request.user)
        return form

    def save_model(self, request, obj, form, change):
        if obj.organisation_id is not None and not is_national_editor(request.user):
            raise PermissionDenied(ONLY_EDITORS_ABROAD)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.set_world_regions(form.cleaned_data.get("world_regions", []))

    @admin.display(description="sökande", ordering="municipality__short_name")
    def seeker(self, obj):
        return obj.seeker_name

    @admin.display(description="status", ordering="valid_until")
    def status_column(self, obj):
        return obj.status_display
