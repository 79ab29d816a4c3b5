"""A period kept in the precision it was given in, and the status derived from it."""

import datetime

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.formatting import (
    DatePrecision,
    add_months,
    derive_status,
    first_day,
    format_duration,
    format_period,
    last_day,
)
from portal.naturalkeys import NaturalKeyQuerySet


def today() -> datetime.date:
    return timezone.localdate()


class PeriodQuerySet(NaturalKeyQuerySet):
    """Status filters in SQL; they agree with `PeriodModel.status_on`."""

    def planned(self, on: datetime.date | None = None):
        return self.filter(start_date__gt=on or today())

    def finished(self, on: datetime.date | None = None):
        return self.filter(ends_on__lt=on or today())

    def ongoing(self, on: datetime.date | None = None):
        on = on or today()
        return self.exclude(start_date__isnull=True, ends_on__isnull=True).filter(
            Q(start_date__isnull=True) | Q(start_date__lte=on),
            Q(ends_on__isnull=True) | Q(ends_on__gte=on),
        )

    def live(self, on: datetime.date | None = None):
        """Not ended: ongoing, planned, or with no known period."""
        on = on or today()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))

    def ended(self, on: datetime.date | None = None):
        return self.finished(on)


def period_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(start_date__isnull=True)
            | Q(end_date__isnull=True)
            | Q(end_date__gte=models.F("start_date")),
            name=f"{prefix}_end_not_before_start",
            violation_error_message="Slutet kan inte ligga före starten.",
        ),
    ]


class PeriodModel(models.Model):
    """Start and end with their precision ("2014", "januari 2017", "1 december 2014").

    Dates are stored normalised: a start at the first day of its year or month, an end at
    the last, so that comparisons in SQL are plain. `ends_on` is the end as given or, when
    the source only says how long ("femårigt"), the end that length gives.
    """

    OPEN_PREFIX = "från"

    start_date = models.DateField("start", null=True, blank=True)
    start_precision = models.CharField(
        "startens precision",
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.YEAR,
        help_text="Hur exakt källan anger starten: år (2014), månad (januari 2017) eller dag.",
    )
    end_date = models.DateField("slut", null=True, blank=True)
    end_precision = models.CharField(
        "slutets precision",
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.YEAR,
    )
    duration_months = models.PositiveSmallIntegerField(
        "längd i månader",
        null=True,
        blank=True,
        validators=[MinValueValidator(1, "Längden måste vara minst en månad.")],
        help_text="När källan bara anger längden, till exempel ”femårigt” (60).",
    )
    ends_on = models.DateField("slutar", null=True, blank=True, editable=False, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.normalise_period()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.normalise_period()

    def normalise_period(self) -> None:
        if self.start_date:
            self.start_date = first_day(self.start_date, self.start_precision)
        if self.end_date:
            self.end_date = last_day(self.end_date, self.end_precision)
        if self.end_date:
            self.ends_on = self.end_date
        elif self.start_date and self.duration_months:
            self.ends_on = add_months(self.start_date, self.duration_months) - datetime.timedelta(
                days=1
            )
        else:
            self.ends_on = None

    @property
    def period_display(self) -> str:
        return format_period(
            self.start_date,
            self.start_precision,
            self.end_date,
            self.end_precision,
            open_prefix=self.OPEN_PREFIX,
        )

    @property
    def duration_display(self) -> str:
        return format_duration(self.duration_months)

    def status_on(self, on: datetime.date | None = None):
        return derive_status(self.start_date, self.ends_on, on or today())

    @property
    def status(self):
        return self.status_on()

    @property
    def status_display(self) -> str:
        status = self.status
        return status.label if status else "Okänd period"
