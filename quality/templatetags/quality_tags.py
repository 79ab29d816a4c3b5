"""The admin front page's "Datakvalitet" box: findings per rule in the user's scope."""

from django import template

from portal.formatting import format_count
from quality.counts import front_page_counts
from quality.views import rule_url

register = template.Library()


@register.inclusion_tag("admin/includes/quality_summary.html", takes_context=True)
def quality_summary(context):
    results = front_page_counts(context["request"].user).rule_results()
    return {
        "results": [
            {"heading": result.heading, "count": result.count, "url": rule_url(result.rule)}
            for result in results
        ],
        "total": sum(result.count for result in results),
    }


@register.filter
def antal(value) -> str:
    """1 234, with a no-break space between the groups of digits."""
    return format_count(value)
