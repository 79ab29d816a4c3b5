from django.contrib import admin
from django.template.response import TemplateResponse

from quality.rules import quality_report

# A long list is worked through from the top; the count says how many there are in all.
SHOWN_PER_RULE = 200


def data_quality(request):
    """The admin page "Datakvalitet": every rule's findings in the user's scope."""
    results = quality_report(request.user, limit=SHOWN_PER_RULE)
    context = {
        **admin.site.each_context(request),
        "title": "Datakvalitet",
        "results": [
            {
                "rule": result.rule,
                "count": result.count,
                "findings": result.findings[:SHOWN_PER_RULE],
                "truncated": result.count > SHOWN_PER_RULE,
            }
            for result in results
        ],
        "total": sum(result.count for result in results),
        "shown_per_rule": SHOWN_PER_RULE,
    }
    return TemplateResponse(request, "admin/quality.html", context)
