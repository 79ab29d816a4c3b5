"""The admin pages "Datakvalitet": every rule's count with its first findings, and each
rule's own page with all of its findings, a hundred at a time."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse

from portal.formatting import format_count
from quality.counts import overview
from quality.rules import RULES_BY_SLUG, Rule

# The overview stays short: each rule's first findings, and a link to all of them.
SHOWN_PER_RULE = 10
# A rule's own page.
PER_PAGE = 100


def rule_url(rule: Rule) -> str:
    return reverse("quality:rule", args=[rule.slug])


def data_quality(request):
    """The admin page "Datakvalitet": each rule's count, explanation and first findings
    in the user's scope (kept until content changes, quality.counts)."""
    results = overview(request.user, SHOWN_PER_RULE)
    context = {
        **admin.site.each_context(request),
        "title": "Datakvalitet",
        "results": [
            {
                "rule": result.rule,
                "count": result.count,
                "heading": result.heading,
                "findings": result.findings[:SHOWN_PER_RULE],
                "truncated": result.count > SHOWN_PER_RULE,
                "caption": (
                    f"{result.rule.title}, de första {SHOWN_PER_RULE} av "
                    f"{format_count(result.count)}"
                    if result.count > SHOWN_PER_RULE
                    else result.rule.title
                ),
                "url": rule_url(result.rule),
                "bulk_links": (
                    result.rule.bulk_links(request.user)
                    if result.rule.bulk_links and result.count
                    else []
                ),
            }
            for result in results
        ],
        "total": sum(result.count for result in results),
        "shown_per_rule": SHOWN_PER_RULE,
    }
    return TemplateResponse(request, "admin/quality.html", context)


class CountedFindings:
    """A rule that counts in the database, as the Paginator sees it: counted with one
    query set, and only the page's findings built."""

    def __init__(self, rule: Rule, user):
        self.rule = rule
        self.user = user

    def count(self) -> int:
        return self.rule.count(self.user)

    def __getitem__(self, window: slice):
        return self.rule.find(self.user, limit=window.stop - window.start, offset=window.start)


def rule_page(request, slug):
    """One rule's findings in the user's scope, PER_PAGE at a time (?page=2)."""
    rule = RULES_BY_SLUG.get(slug)
    if rule is None:
        raise Http404("Det finns ingen sådan regel.")
    findings = (
        rule.find(request.user) if rule.count is None else CountedFindings(rule, request.user)
    )
    paginator = Paginator(findings, PER_PAGE, allow_empty_first_page=True)
    number = request.GET.get("page", "")
    # A page number past the end shows the last page; zero, a negative number or text the first.
    page = paginator.get_page(number if number.isdigit() and int(number) >= 1 else 1)
    caption = rule.title
    if page.has_other_pages():
        caption += (
            f", {format_count(page.start_index())}–{format_count(page.end_index())} "
            f"av {format_count(paginator.count)}"
        )
    context = {
        **admin.site.each_context(request),
        "title": rule.title,
        "caption": caption,
        "rule": rule,
        "count": paginator.count,
        "heading": rule.heading(paginator.count),
        "page_obj": page,
        "findings": page.object_list,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "bulk_links": rule.bulk_links(request.user) if rule.bulk_links and paginator.count else [],
    }
    return TemplateResponse(request, "admin/quality/rule.html", context)
