"""The admin front page's "Att granska": what in the user's scope needs looking at."""

from django import template
from django.urls import reverse

from partnerships.models import Partnership
from portal.confirmations import awaiting_count
from portal.models import Municipality
from portal.review import needs_review_q
from portal.scoping import editable
from projects.models import Project

register = template.Library()


@register.inclusion_tag("admin/includes/review_summary.html", takes_context=True)
def review_summary(context):
    user = context["request"].user
    rows = []
    for model in (Municipality, Partnership, Project):
        if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
            continue
        count = editable(model._default_manager.filter(needs_review_q()), user).count()
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        rows.append(
            {
                "label": model._meta.verbose_name_plural,
                "count": count,
                "url": f"{url}?granskning=behovs",
            }
        )
    return {"rows": rows, "awaiting_confirmation": awaiting_count(user)}
