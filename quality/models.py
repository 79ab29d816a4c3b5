"""The last check of each external link (filled by `manage.py check_links`)."""

from django.db import models


class LinkCheck(models.Model):
    """What a web address answered the last time it was checked. One row per address."""

    url = models.URLField("adress", max_length=500, unique=True)
    checked_at = models.DateTimeField("kontrollerad")
    ok = models.BooleanField("fungerar")
    status_code = models.PositiveSmallIntegerField(
        "HTTP-status", null=True, blank=True, help_text="Svaret efter omdirigeringar."
    )
    final_url = models.URLField("slutlig adress", max_length=500, blank=True)
    error = models.CharField(
        "fel", max_length=300, blank=True, help_text="Vad som gick fel, på svenska."
    )

    class Meta:
        verbose_name = "länkkontroll"
        verbose_name_plural = "länkkontroller"
        ordering = ["url"]

    def __str__(self):
        return f"{self.url}: {'fungerar' if self.ok else self.error}"
