"""Admin forms of the shared core."""

from django import forms

from portal.models import Photo


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["slug", "image", "alt_text", "caption", "credit", "municipality"]
