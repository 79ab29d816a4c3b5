"""The admin front page's "Att granska": what in the user's scope needs looking at. The
counts are Datakvalitet's own (quality.counts), kept until content changes."""

from django import template
from django.urls import reverse

from partnerships.models import Partnership
from portal.models import Municipality
from projects.models import Project
from quality.counts import front_page_counts

register = template.Library()


@register.inclusion_tag("admin/includes/review_summary.html", takes_context=True)
def review_summary(context):
    user = context["request"].user
    counts = front_page_counts(user)
    rows = []
    for model in (Municipality, Partnership, Project):
        if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
            continue
        count = (
            counts.not_reviewed.municipality_pages
            if model is Municipality
            else counts.not_reviewed.by_model[model._meta.label_lower]
        )
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        rows.append(
            {
                "label": model._meta.verbose_name_plural,
                "count": count,
                "url": f"{url}?granskning=behovs",
            }
        )
    return {"rows": rows, "awaiting_confirmation": counts.awaiting_confirmation}
