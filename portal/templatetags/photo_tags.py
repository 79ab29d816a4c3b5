"""The <img> attributes of a photo: src, srcset and sizes from its renditions."""

from django import template

from portal import images

register = template.Library()


@register.simple_tag
def photo_sources(photo, sizes: str = ""):
    """{% photo_sources photo as img %}: img.src, img.srcset, img.sizes, img.width, img.height.

    Computed from the photo's stored width and height; no file is opened. A page where the
    photo is narrower than the text column can pass its own sizes.
    """
    return images.sources(photo, sizes)
