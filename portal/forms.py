"""Admin forms of the shared core."""

import re

from django import forms

from portal import images
from portal.models import Photo

CREDIT_REQUIRED = "Ange fotograf eller källa, till exempel Andrew Ruiz, Unsplash."
ALT_TEXT_REQUIRED = (
    "Skriv en alternativtext: vad bilden visar, för den som inte ser den. "
    "Till exempel ”Kommunalrådet skakar hand med borgmästaren i Tempe”."
)


class PhotoImageField(forms.ImageField):
    """An image field whose cleaned value is the checked, re-encoded, EXIF-free file.

    portal.images replaces Django's own Pillow check, so every refusal has its own
    Swedish message rather than one for all.
    """

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return images.prepare_upload(upload).file

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = "image/jpeg,image/png,image/webp"
        return attrs


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["slug", "image", "alt_text", "caption", "credit", "municipality"]
        field_classes = {"image": PhotoImageField}
        error_messages = {"alt_text": {"required": ALT_TEXT_REQUIRED}}

    def clean_credit(self):
        # The page shows "Foto: {credit}", so a credit typed as "Foto: …" loses its prefix.
        credit = self.cleaned_data.get("credit", "").strip()
        return re.sub(r"^foto:\s*", "", credit, flags=re.IGNORECASE)

    def clean(self):
        cleaned_data = super().clean()
        uploading = bool(self.files.get(self.add_prefix("image")))
        has_image = bool(cleaned_data.get("image")) or uploading
        if has_image and not cleaned_data.get("credit") and "credit" not in self.errors:
            self.add_error("credit", CREDIT_REQUIRED)
        return cleaned_data

    def save(self, commit=True):
        # The image in the database before this save (a revert from history starts from an
        # older instance, so the instance itself cannot tell).
        previous = ""
        if self.instance.pk is not None:
            stored = Photo.objects.filter(pk=self.instance.pk).values_list("image", flat=True)
            previous = stored.first() or ""
        photo = super().save(commit=commit)
        if commit:
            images.sync_renditions(photo.image, previous)
        else:  # the admin saves the instance itself, then calls save_m2m()
            save_m2m = self.save_m2m

            def save_m2m_and_renditions():
                save_m2m()
                images.sync_renditions(photo.image, previous)

            self.save_m2m = save_m2m_and_renditions
        return photo
