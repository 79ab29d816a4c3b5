"""The admin front page's "Datakvalitet" box: findings per rule in the user's scope."""

from django import template

from quality.rules import quality_report

register = template.Library()


@register.inclusion_tag("admin/includes/quality_summary.html", takes_context=True)
def quality_summary(context):
    results = quality_report(context["request"].user, counts_only=True)
    return {
        "results": results,
        "total": sum(result.count for result in results),
    }
