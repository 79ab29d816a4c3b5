from django.db import models

from portal.formatting import normalise_phone


class PhoneNumberField(models.CharField):
    """A phone number stored as E.164 (0470-410 00 is kept as +4647041000).

    Form input is normalised in `to_python`, so a bad number is an error on the field;
    ORM saves are normalised in `pre_save`.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return normalise_phone(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = normalise_phone(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
