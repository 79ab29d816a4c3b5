"""The admin front page's counts ("Att granska" and the Datakvalitet box) and the overview
of Datakvalitet, kept in the cache until something they count may have changed.

A key names all they depend on: the content version (operations.page_cache: any save, delete
or many-to-many change of the portal's content moves it on), the version of the link
checks (moved by every LinkCheck saved or deleted, see QualityConfig.ready), today's date
(what needs review, what is live) and the user's scope: one for every national editor, one
per coordinator (their scope also holds the people and organisations they added). A second
visit reads the figures; the first after an edit counts them anew.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.urls import get_script_prefix
from django.utils import timezone

from access.roles import is_national_editor
from operations.page_cache import content_version
from quality.confirmations import awaiting_count
from quality.rules import (
    RULES_BY_SLUG,
    NotReviewedCounts,
    RuleResult,
    not_reviewed_counts,
    quality_report,
    shared_reads,
)

LINKS_VERSION_KEY = "quality:link-checks:version"
#: Kept at most this long; the key changes with the date anyway.
CACHE_SECONDS = 24 * 60 * 60


def link_checks_changed(**kwargs) -> None:
    """Signal receiver: a link check was saved or deleted."""
    caches["versions"].set(LINKS_VERSION_KEY, str(time.time_ns()), timeout=None)


def scope_key(user) -> str:
    return "nationell" if is_national_editor(user) else f"anvandare-{user.pk}"


def cache_key(what: str, user) -> str:
    links_version = caches["versions"].get(LINKS_VERSION_KEY, "0")
    return ":".join(
        [
            f"quality-{what}",
            content_version(),
            links_version,
            timezone.localdate().isoformat(),
            scope_key(user),
        ]
    )


@dataclass(frozen=True)
class FrontPageCounts:
    not_reviewed: NotReviewedCounts
    awaiting_confirmation: int
    #: (rule slug, count), in the order of RULES.
    rules: tuple[tuple[str, int], ...]

    def rule_results(self) -> list[RuleResult]:
        return [RuleResult(RULES_BY_SLUG[slug], total=count) for slug, count in self.rules]


def front_page_counts(user) -> FrontPageCounts:
    """Everything the admin front page counts in the user's scope; the rule "not reviewed"
    and "Att granska" share their COUNT queries."""
    key = cache_key("front-page", user)
    counts = cache.get(key)
    if counts is None:
        with shared_reads():
            results = quality_report(user, counts_only=True)
            counts = FrontPageCounts(
                not_reviewed=not_reviewed_counts(user),
                awaiting_confirmation=awaiting_count(user),
                rules=tuple((result.rule.slug, result.count) for result in results),
            )
        cache.set(key, counts, CACHE_SECONDS)
    return counts


def overview(user, shown_per_rule: int) -> list[RuleResult]:
    """Each rule's count and its first `shown_per_rule` findings in the user's scope (the
    page Datakvalitet). The findings link to change pages, so the key has the script prefix."""
    key = f"{cache_key('overview', user)}:{shown_per_rule}:{get_script_prefix()}"
    cached = cache.get(key)
    if cached is None:
        cached = [
            (result.rule.slug, result.findings[:shown_per_rule], result.count)
            for result in quality_report(user, limit=shown_per_rule)
        ]
        cache.set(key, cached, CACHE_SECONDS)
    return [
        RuleResult(RULES_BY_SLUG[slug], list(findings), total=count)
        for slug, findings, count in cached
    ]
