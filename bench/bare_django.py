"""A bare Django project: one empty view, no middleware, no apps, no database. The ceiling
issue 17's throughput targets are measured against: bench/load.py serves it with the
portal's own gunicorn settings (portal/gunicorn.conf.py) and loads /_bench/tom/ on it as on
the portal.

    gunicorn --config portal/gunicorn.conf.py bench.bare_django:application
"""

import django
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    SECRET_KEY="bench-only-not-secret",
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
)


def empty(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [path("_bench/tom/", empty)]

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402  (after configure)

application = get_wsgi_application()
