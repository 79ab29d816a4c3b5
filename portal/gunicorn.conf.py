"""Gunicorn settings for `make serve` (gunicorn -c portal/gunicorn.conf.py portal.wsgi).

Workers follow gunicorn's rule of thumb, 2 × cores + 1, counting the cores this process may
use. Access and error logs go to stdout. The control socket gunicorn 27 would create under
~/.gunicorn/ is switched off (the Makefile also passes --no-control-socket).
"""

import os


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "portal.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * usable_cores() + 1)
accesslog = "-"
errorlog = "-"
control_socket_disable = True
# A worker may take this long over one request before it is replaced. Gunicorn's 30 s would
# kill a spreadsheet import of more than about 2 000 projects (13 s per 1 000 rows for the
# preview, and again for the confirmation); public pages answer in well under a second.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 120)


def post_worker_init(worker):
    """Once the worker has loaded Django, what its first requests would otherwise each pay
    for: the URL patterns, with every view module they import (120 ms on the first request
    of any page), the countries' outlines the maps draw from (90 ms on the first map), and
    the portal's own templates, compiled (60–100 ms on the first page of a kind). Then the
    hundreds of thousands of long-lived objects (models, URL patterns, templates) are left
    out of the garbage collector's scans, which otherwise cost a fifth of a long download's
    time."""
    import gc
    from pathlib import Path

    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template
    from django.urls import get_resolver

    from maps.partner_map import country_outlines

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and its views)
    country_outlines()

    folders = [folder for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])]
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.html")):
            try:
                get_template(path.relative_to(folder).as_posix())
            except (TemplateDoesNotExist, TemplateSyntaxError):
                worker.log.exception("Template %s could not be compiled.", path)
    gc.freeze()
