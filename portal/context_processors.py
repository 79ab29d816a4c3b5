from django.conf import settings


def site(request):
    """The canonical address of the page: its path without filters or page numbers."""
    return {"canonical_url": request.build_absolute_uri(request.path)}


def site_info(request):
    """Who answers for the site and when it was last assessed (the accessibility statement)."""
    return {"site": settings.SITE_INFO}
