"""Suggested municipalities for a partner request: who already cooperates in the sought
countries or parts of the world or on the sought themes, ranked, each with its reasons, in
a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.formatting import join_swedish
from portal.models import Municipality
from seeking.models import SoughtKind
from seeking.suggestions import in_sentence, suggest_municipalities
from tests.seeking.factories import cooperation, foreign_organisation, make_partner_request, project

pytestmark = pytest.mark.django_db


def suggested(partner_request) -> list[tuple[str, int, list[str]]]:
    from public.seeking.selectors import partner_request_queryset

    fetched = partner_request_queryset().get(pk=partner_request.pk)
    return [
        (match.municipality.slug, match.score, match.reasons)
        for match in suggest_municipalities(fetched)
    ]


def test_ranked_by_country_region_theme_and_kind_with_reasons():
    cooperation("kristianstad", country="KE", themes=["skola-och-utbildning"])  # twin town
    project("nacka", participant_country="KE")
    cooperation("gavle", country="TZ", kind="kommunalt_partnerskap")  # same region only
    cooperation("kalix", country="DK", themes=["skola-och-utbildning"])  # theme only
    cooperation("karlstad", country="KE", ended=True)  # ended: not a cooperation now
    cooperation("kinda", country="KE", published=False)  # draft: not public
    partner_request = make_partner_request(
        kind=SoughtKind.TWIN_TOWN, countries=["KE"], themes=["skola-och-utbildning"]
    )
    results = suggested(partner_request)
    slugs = [slug for slug, _score, _reasons in results]
    # Equal scores in name order: Kalix (Kampala, Uganda) before Trollhättan (Tempe, USA).
    assert slugs[:4] == ["kristianstad", "nacka", "kalix", "trollhattan"]
    assert "karlstad" not in slugs and "kinda" not in slugs
    assert "vaxjo" not in slugs  # the seeker itself
    by_slug = {slug: (score, reasons) for slug, score, reasons in results}
    # Kenya 3 + one theme 1 + a twin town, the kind sought, 2
    assert by_slug["kristianstad"] == (
        6,
        ["Har vänort i Kenya", "Samarbetar om skola och utbildning"],
    )
    assert by_slug["nacka"] == (3, ["Har projekt med partner i Kenya"])
    # Trollhättan's twin town Tempe is outside Europe, like Kenya, and shares a theme; no
    # bonus, since the request names a country and Trollhättan has no twin town there.
    assert by_slug["trollhattan"] == (
        2,
        ["Har partner utanför Europa (USA)", "Samarbetar om skola och utbildning"],
    )
    assert by_slug["kalix"] == (
        2,
        ["Har partner utanför Europa (Uganda)", "Samarbetar om skola och utbildning"],
    )
    assert by_slug["gavle"] == (1, ["Har partner utanför Europa (Tanzania)"])


def test_several_countries_and_themes_are_told_in_one_reason_each():
    cooperation("kristianstad", country="KE", themes=["kultur", "energi"])
    cooperation("kristianstad", country="TZ")
    partner_request = make_partner_request(
        countries=["KE", "TZ"], themes=["kultur", "miljoskydd-halsoskydd-och-klimat"]
    )
    (slug, score, reasons), *_ = suggested(partner_request)
    assert slug == "kristianstad"
    # Two countries 6, two themes (energi counts for its parent) 2, twin towns 2.
    assert score == 10
    assert reasons == [
        "Har vänort i Kenya och Tanzania",
        "Samarbetar om kultur samt miljöskydd, hälsoskydd och klimat",
    ]


def test_a_chosen_region_suggests_who_cooperates_there():
    cooperation("kristianstad", country="PL")
    cooperation("nacka", country="KE")
    partner_request = make_partner_request(
        kind=SoughtKind.PROJECT_PARTNER, regions=["ovriga_europa"]
    )
    results = suggested(partner_request)
    by_slug = {slug: (score, reasons) for slug, score, reasons in results}
    assert by_slug["kristianstad"] == (1, ["Har partner i övriga Europa (Polen)"])
    assert "nacka" not in by_slug
    # Växjö's partnership in Kosovo would count, but Växjö is the seeker.
    assert "vaxjo" not in by_slug


def test_the_kind_sought_decides_the_bonus():
    cooperation("kristianstad", country="KE", kind="vanort")
    project("nacka", participant_country="KE")
    for kind, first in [
        (SoughtKind.TWIN_TOWN, "kristianstad"),
        (SoughtKind.PROJECT_PARTNER, "nacka"),
    ]:
        results = suggested(make_partner_request(kind=kind, countries=["KE"]))
        assert results[0][0] == first, kind


def test_a_request_from_abroad_looks_for_swedes_who_know_its_country():
    cooperation("kristianstad", country="KE")
    cooperation("vaxjo", country="KE", kind="kommunalt_partnerskap")
    partner_request = make_partner_request(
        organisation=foreign_organisation("KE"), kind=SoughtKind.MUNICIPAL_PARTNERSHIP
    )
    results = suggested(partner_request)
    assert [slug for slug, _score, _reasons in results][:2] == ["vaxjo", "kristianstad"]
    assert results[0][2] == [
        "Har kommunalt partnerskap i Kenya",
        # Växjö's partnerships with JB Marks and An Giang (the seeds), in Kenya's region.
        "Har partner utanför Europa (Sydafrika, Vietnam)",
    ]


def test_swedish_partners_never_make_a_nordic_match():
    project("nacka", participant_country="SE")
    partner_request = make_partner_request(regions=["norden"])
    assert "nacka" not in [slug for slug, _score, _reasons in suggested(partner_request)]


def test_a_request_without_places_or_themes_suggests_no_one():
    assert suggested(make_partner_request()) == []


def test_at_most_ten_are_suggested_best_first():
    slugs = list(
        Municipality.objects.exclude(slug="vaxjo")
        .order_by("scb_code")
        .values_list("slug", flat=True)
    )[:12]
    for slug in slugs:
        cooperation(slug, country="KE")
    cooperation(slugs[-1], country="KE", themes=["kultur"])
    results = suggested(make_partner_request(countries=["KE"], themes=["kultur"]))
    assert len(results) == 10
    assert results[0][0] == slugs[-1]
    scores = [score for _slug, score, _reasons in results]
    assert scores == sorted(scores, reverse=True)


def test_the_detail_page_shows_the_suggestions(client):
    cooperation("kristianstad", country="KE")
    partner_request = make_partner_request(countries=["KE"])
    content = client.get(f"/soker-partner/{partner_request.slug}/").content.decode()
    assert "Förslag på kommuner att kontakta" in content
    assert 'href="/kommuner/kristianstad/"' in content
    assert "Har vänort i Kenya" in content


def grow(factor: int) -> None:
    """Cooperation in Kenya, its region and on culture for `factor` × 3 more municipalities,
    each with a partnership and a project."""
    municipalities = (
        Municipality.objects.exclude(slug="vaxjo")
        .exclude(partnerships__isnull=False)
        .order_by("scb_code")
        .values_list("slug", flat=True)
    )
    for slug in list(municipalities[: factor * 3]):
        cooperation(slug, country="KE", themes=["kultur"])
        project(slug, participant_country="TZ", partner_country="UG", themes=["energi"])


def count_queries(callable_) -> int:
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return len(queries)


def test_the_suggestions_cost_the_same_with_ten_times_the_rows(client):
    partner_request = make_partner_request(
        countries=["KE"],
        regions=["ovriga_europa"],
        themes=["kultur", "miljoskydd-halsoskydd-och-klimat"],
    )
    url = f"/soker-partner/{partner_request.slug}/"
    grow(1)
    baseline = count_queries(lambda: client.get(url))
    assert len(suggested(partner_request)) < 10
    grow(10)
    assert len(suggested(partner_request)) == 10  # more shown, and many more to rank
    assert count_queries(lambda: client.get(url)) == baseline
    assert baseline <= 15


def test_swedish_phrasing_helpers():
    assert join_swedish(["Kenya"]) == "Kenya"
    assert join_swedish(["Kenya", "Tanzania", "Uganda"]) == "Kenya, Tanzania och Uganda"
    assert in_sentence("Skola och utbildning") == "skola och utbildning"
    assert in_sentence("PR och kommunikation") == "PR och kommunikation"
