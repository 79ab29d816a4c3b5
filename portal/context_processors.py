from django.conf import settings
from django.core.exceptions import DisallowedHost


def site(request):
    """The canonical address of the page: its path without filters or page numbers. None
    on the 400 page for a Host header the site does not serve."""
    try:
        return {"canonical_url": request.build_absolute_uri(request.path)}
    except DisallowedHost:
        return {"canonical_url": ""}


def site_info(request):
    """Who answers for the site and when it was last assessed (the accessibility statement)."""
    return {"site": settings.SITE_INFO}
