"""Review and publishing: when a record was last checked, by whom, and whether it is public."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

# A record not reviewed for this long needs to be looked at again ("Behöver granskas").
REVIEW_INTERVAL = datetime.timedelta(days=365)


def needs_review_q(on: datetime.date | None = None) -> Q:
    on = on or timezone.localdate()
    return Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=on - REVIEW_INTERVAL)


class ReviewedModel(models.Model):
    reviewed_on = models.DateField(
        "senast granskad",
        null=True,
        blank=True,
        help_text="Sätts med åtgärden ”Markera som granskad” i listan.",
    )
    reviewed_by = models.CharField(
        "granskad av", max_length=150, blank=True, help_text="Namn eller signatur."
    )

    class Meta:
        abstract = True

    @property
    def needs_review(self) -> bool:
        on = timezone.localdate()
        return self.reviewed_on is None or self.reviewed_on < on - REVIEW_INTERVAL


def publication_field(**kwargs) -> models.BooleanField:
    """New records start as drafts; publishing is a deliberate step."""
    return models.BooleanField(
        "publicerad",
        default=False,
        help_text="Utkast syns bara här i redigeringen. Publicera med åtgärden ”Publicera” "
        "i listan eller genom att kryssa i rutan.",
        **kwargs,
    )


def awaiting_confirmation_field() -> models.BooleanField:
    """On a Swedish municipality's or region's part in another municipality's record: named
    by a coordinator who does not coordinate it, the record shows on its page only once its
    own coordinators (or a national editor) confirm it."""
    return models.BooleanField(
        "väntar på bekräftelse",
        default=False,
        help_text="Den deltagande svenska kommunens eller regionens samordnare har inte "
        "bekräftat ännu. Till dess syns posten inte på dess sida.",
    )
