from django.contrib import admin

from portal.formatting import PeriodStatus
from portal.periods import today


class PeriodStatusFilter(admin.SimpleListFilter):
    """Planerat / pågående / avslutat, derived from the period and today."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            *PeriodStatus.choices,
            ("okand", "Okänd period"),
            ("levande", "Pågående eller okänd period"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == PeriodStatus.PLANNED:
            return queryset.planned()
        if value == PeriodStatus.ONGOING:
            return queryset.ongoing()
        if value == PeriodStatus.FINISHED:
            return queryset.finished()
        if value == "okand":
            return queryset.filter(start_date__isnull=True, ends_on__isnull=True)
        if value == "levande":
            # Not ended and not planned: what has an activity level to judge (Datakvalitet).
            return queryset.live().exclude(start_date__gt=today())
        return queryset


PERIOD_FIELDSET = (
    "Period",
    {
        "fields": (
            ("start_date", "start_precision"),
            ("end_date", "end_precision"),
            "duration_months",
            "period_preview",
        ),
        "description": "Ange datum med den precision källan har: år, månad eller dag. "
        "Status (planerat, pågående, avslutat) räknas ut från perioden.",
    },
)


class PeriodAdminMixin:
    """Columns and a preview that show a period the way the public pages do."""

    @admin.display(description="period")
    def period_preview(self, obj):
        return obj.period_display or "–"

    @admin.display(description="status")
    def status_column(self, obj):
        return obj.status_display


class ShortRelatedOnlyFieldListFilter(admin.RelatedOnlyFieldListFilter):
    """RelatedOnlyFieldListFilter that lists its choices only while they are few: a side
    bar of 3 000 organisations takes longer to draw than the list itself. With more, it
    offers "Alla" and the chosen one; the change list's search finds the rest, and links
    to a filtered list (?organisation__id__exact=…) keep working."""

    max_choices = 200

    def field_choices(self, field, request, model_admin):
        choices = super().field_choices(field, request, model_admin)
        if len(choices) <= self.max_choices:
            return choices
        chosen = {str(value) for value in self.lookup_val or ()}
        return [(pk, label) for pk, label in choices if str(pk) in chosen]
