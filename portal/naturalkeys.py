"""Natural keys (slugs, ISO codes) for fixtures, dumpdata and the fixture loader.

A model lists the fields that identify it in `natural_key_fields`; a path such as
"municipality__slug" identifies a row through a related one.
"""

from django.db import models

from portal.constraints import OneQueryCheckConstraintsMixin


class NaturalKeyQuerySet(models.QuerySet):
    def get_by_natural_key(self, *key):
        return self.get(**dict(zip(self.model.natural_key_fields, key, strict=True)))


class TimestampedModel(models.Model):
    """When a row was created and last changed (history of who did what comes later)."""

    created_at = models.DateTimeField("skapad", auto_now_add=True)
    updated_at = models.DateTimeField("senast ändrad", auto_now=True, db_index=True)

    class Meta:
        abstract = True


class NaturalKeyModel(OneQueryCheckConstraintsMixin):
    natural_key_fields: tuple[str, ...] = ("slug",)

    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        abstract = True

    def natural_key(self):
        values = []
        for path in self.natural_key_fields:
            value = self
            for part in path.split("__"):
                value = getattr(value, part)
            values.append(value)
        return tuple(values)
