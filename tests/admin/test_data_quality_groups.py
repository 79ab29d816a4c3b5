"""Datakvalitet grouped: each rule is one count line with its first findings on the
overview, its own paginated page, and where the admin's actions can work on all of its
records at once, links to the change lists filtered to exactly those records. And the rule
that finds organisations whose names share their distinctive words."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Organisation, OrganisationName
from partnerships.models import Partnership
from portal.formatting import NO_BREAK_SPACE
from portal.models import Country, Municipality
from projects.models import Project
from quality import rules
from quality.views import PER_PAGE, SHOWN_PER_RULE
from tests.admin.test_data_quality import (
    PAGE,
    TODAY,
    labels,
    partnership,
    plant_every_problem,
    urls,
)
from tests.factories import admin_url, make_organisation, make_partnership

pytestmark = pytest.mark.django_db

ACTIVITY = "saknar-aktivitetsgrad"
NOT_REVIEWED = "inte-granskade"
SAME_WORDS = "samma-sarskiljande-ord"


@pytest.fixture
def editor(django_user_model):
    return django_user_model(username="redaktor-test", is_superuser=True, is_staff=True)


@pytest.fixture
def coordinator_client(make_coordinator):
    """Växjö's coordinator in a client of their own, beside national_editor_client."""
    client = Client()
    client.user = make_coordinator("vaxjo")
    client.force_login(client.user)
    return client


def rule_page(slug: str, page: int | str | None = None) -> str:
    return f"{PAGE}{slug}/" + ("" if page is None else f"?page={page}")


def without_activity_level(slug: str, count: int, prefix: str) -> None:
    """`count` ongoing partnerships of the municipality without an activity level."""
    municipality = Municipality.objects.get(slug=slug)
    records = []
    for number in range(count):
        record = make_partnership(
            municipality=municipality,
            name=f"{prefix} {number:04}",
            activity_level="",
            start_date=datetime.date(2010, 1, 1),
        )
        record.normalise_period()
        records.append(record)
    Partnership.objects.bulk_create(records)


def section(page: str, slug: str) -> str:
    match = re.search(rf'<section aria-labelledby="{slug}">(.*?)</section>', page, re.S)
    assert match, slug
    return match.group(1)


def rows(html: str) -> int:
    tbody = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return tbody.group(1).count("<tr>") if tbody else 0


# --- the overview --------------------------------------------------------------------------


def test_the_overview_shows_each_rule_as_a_count_line_with_its_first_ten_findings(
    national_editor_client,
):
    without_activity_level("vaxjo", 1005, "Utan nivå")
    user = national_editor_client.user
    count = rules.count_live_without_activity_level(user)
    assert count > 1000

    page = national_editor_client.get(PAGE).content.decode()

    heading = f"1{NO_BREAK_SPACE}{count - 1000:03} pågående samarbeten saknar aktivitetsgrad"
    assert f'<h2 id="{ACTIVITY}">{heading}</h2>' in page
    assert f'<li><a href="#{ACTIVITY}">{heading}</a></li>' in page  # the list of rules
    activity = section(page, ACTIVITY)
    assert rows(activity) == SHOWN_PER_RULE
    assert (
        f'<a href="{rule_page(ACTIVITY)}" aria-describedby="{ACTIVITY}">'
        f"Visa alla 1{NO_BREAK_SPACE}{count - 1000:03}</a>"
    ) in activity
    # A rule with ten findings or fewer shows them all, with no link to more.
    contacts = section(page, "kontakter-utan-e-post-och-telefon")
    found = len(rules.contacts_without_email_or_phone(user))
    assert 0 < rows(contacts) == found <= SHOWN_PER_RULE
    assert "Visa alla" not in contacts
    assert f">{found} kontaktpersoner saknar både e-post och telefon</h2>" in contacts


def test_a_count_line_says_one_or_many_in_swedish():
    rule = rules.RULES_BY_SLUG[ACTIVITY]
    assert rule.heading(1) == "1 pågående samarbete saknar aktivitetsgrad"
    assert rule.heading(0) == "0 pågående samarbeten saknar aktivitetsgrad"
    assert rule.heading(1234) == f"1{NO_BREAK_SPACE}234 pågående samarbeten saknar aktivitetsgrad"
    assert all(rule.one and rule.many for rule in rules.RULES)


# --- a rule's own page ---------------------------------------------------------------------


def test_a_rule_page_lists_all_its_findings_a_hundred_at_a_time(national_editor_client):
    without_activity_level("vaxjo", 150, "Utan nivå")
    every = rules.live_without_activity_level(national_editor_client.user)
    assert PER_PAGE < len(every) < 2 * PER_PAGE

    first = national_editor_client.get(rule_page(ACTIVITY))
    assert first.status_code == 200
    assert first.context["findings"] == every[:PER_PAGE]
    page = first.content.decode()
    assert rows(page) == PER_PAGE
    assert f"<caption>{first.context['rule'].title}, 1–100 av {len(every)}</caption>" in page
    assert f"{len(every)} pågående samarbeten saknar aktivitetsgrad" in page
    assert f'<a href="{every[0].records[0].url}">{every[0].records[0].label}</a>' in page
    assert '<a href="?page=2" rel="next">Nästa sida</a>' in page

    second = national_editor_client.get(rule_page(ACTIVITY, 2))
    assert second.context["findings"] == every[PER_PAGE:]
    assert rows(second.content.decode()) == len(every) - PER_PAGE
    # Past the end: the last page; nonsense: the first.
    assert (
        national_editor_client.get(rule_page(ACTIVITY, 99)).context["findings"]
        == (every[PER_PAGE:])
    )
    for nonsense in ("0", "-1", "tre"):
        response = national_editor_client.get(rule_page(ACTIVITY, nonsense))
        assert response.context["findings"] == every[:PER_PAGE]


def test_the_unreviewed_rule_page_pages_through_every_kind_of_record(national_editor_client):
    without_activity_level("vaxjo", 150, "Ogranskad")  # never reviewed
    every = rules.not_reviewed(national_editor_client.user)
    assert len(every) > PER_PAGE
    response = national_editor_client.get(rule_page(NOT_REVIEWED, 2))
    assert response.context["count"] == len(every)
    assert response.context["findings"] == every[PER_PAGE : 2 * PER_PAGE]


@pytest.mark.parametrize("rule_slug", [ACTIVITY, NOT_REVIEWED])
def test_a_counted_rule_builds_exactly_the_window_asked_for(editor, rule_slug):
    """Offsets that start inside, at the end of and past each kind of record."""
    without_activity_level("vaxjo", 30, "Utan nivå")
    rule = rules.RULES_BY_SLUG[rule_slug]
    every = rule.find(editor)
    assert rule.count(editor) == len(every) > 30
    municipalities = sum(1 for f in every if "/portal/municipality/" in f.records[0].url)
    offsets = {0, 1, 29, municipalities - 1, municipalities, municipalities + 1, len(every) - 1}
    for offset in sorted(offset for offset in offsets if offset >= 0):
        assert rule.find(editor, limit=7, offset=offset) == every[offset : offset + 7], offset
    assert rule.find(editor, limit=7, offset=len(every)) == []


def test_a_coordinator_sees_only_their_own_findings_on_a_rule_page(
    trollhattan_client, make_coordinator
):
    without_activity_level("vaxjo", 5, "Växjös")
    without_activity_level("trollhattan", 3, "Trollhättans")
    user = trollhattan_client.user

    response = trollhattan_client.get(rule_page(ACTIVITY))

    page = response.content.decode()
    assert response.context["count"] == rules.count_live_without_activity_level(user) >= 3
    assert "Trollhättans 0000" in page and "Trollhättans 0002" in page
    assert "Växjös" not in page
    # A rule compared in Python, with a shared record: named, but linked only where the
    # coordinator may change it.
    hungary = Country.objects.get(code="HU")
    partner = make_organisation(name="Budapest XXII – Budafok-Tétény", country=hungary)
    partnership("trollhattan", partner=partner)
    make_organisation(name="Budafok-Tétény (Budapest)", country=hungary)
    other_partner = make_organisation(name="Pécs-Baranya", country=hungary)
    partnership("vaxjo", partner=other_partner)
    make_organisation(name="Baranya (Pécs)", country=hungary)  # Växjö's concern only

    page = trollhattan_client.get(rule_page(SAME_WORDS)).content.decode()

    assert f"Budafok-Tétény (Budapest) (Ungern) ({rules.SHARED_RECORD})" in page
    assert "Baranya" not in page
    assert len(rules.same_distinctive_words(make_coordinator("vaxjo"))) == 1


def test_an_unknown_rule_is_not_found_and_rule_pages_are_for_staff_only(
    national_editor_client, client
):
    assert national_editor_client.get(rule_page("finns-inte")).status_code == 404
    client.logout()
    response = client.get(rule_page(ACTIVITY))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- acting on all of a rule's records at once ------------------------------------------


def plant_activity_levels(slug: str) -> None:
    """Each case of the rule, and each case it must leave out."""
    future = TODAY.replace(year=TODAY.year + 2)
    partnership(slug, name="Pågår utan nivå", activity_level="")
    partnership(slug, name="Okänd period utan nivå", activity_level="", start_date=None)
    partnership(
        slug, name="Bara slut utan nivå", activity_level="", start_date=None, end_date=future
    )
    partnership(slug, name="Planerat utan nivå", activity_level="", start_date=future)
    partnership(
        slug,
        name="Slutat utan nivå",
        activity_level="",
        end_date=datetime.date(2015, 12, 31),
        end_reason="Slut.",
    )
    partnership(slug, name="Pågår med nivå")


def follow(client, links) -> tuple[int, set[str]]:
    """The change lists' result counts added up, and the change URLs of their records."""
    total, found = 0, set()
    for link in links:
        response = client.get(link.url)
        # An unknown filter would redirect to "?e=1"; every filter must be applied.
        assert response.status_code == 200, link.url
        changelist = response.context["cl"]
        assert changelist.has_active_filters, link.url
        total += changelist.result_count
        found |= {admin_url(type(record), "change", record.pk) for record in changelist.queryset}
    return total, found


@pytest.mark.parametrize("as_coordinator", [False, True])
def test_the_activity_level_links_open_exactly_the_rules_partnerships(request, as_coordinator):
    plant_activity_levels("trollhattan")
    plant_activity_levels("vaxjo")
    # One fixture or the other: both log in the same test client.
    client = request.getfixturevalue(
        "trollhattan_client" if as_coordinator else "national_editor_client"
    )
    user = client.user
    findings = rules.live_without_activity_level(user)
    expected = {finding.records[0].url for finding in findings}

    response = client.get(rule_page(ACTIVITY))
    links = response.context["bulk_links"]
    page = response.content.decode()
    for link in links:
        assert f'<a href="{link.url.replace("&", "&amp;")}">{link.label}</a>' in page
    total, found = follow(client, links)

    assert total == len(findings) == rules.count_live_without_activity_level(user)
    assert found == expected
    assert len(expected) >= 3  # ongoing, unknown period, only an end in the future
    # The overview offers the same links.
    overview = client.get(PAGE)
    [result] = [r for r in overview.context["results"] if r["rule"].slug == ACTIVITY]
    assert result["bulk_links"] == links


@pytest.mark.parametrize("as_coordinator", [False, True])
def test_the_review_links_open_exactly_the_unreviewed_records(request, as_coordinator):
    partnership("trollhattan", name="Gammal")
    partnership("vaxjo", name="Gammal")
    Municipality.objects.filter(slug="ale").update(reviewed_on=None, is_published=False)
    # One fixture or the other: both log in the same test client.
    client = request.getfixturevalue(
        "trollhattan_client" if as_coordinator else "national_editor_client"
    )
    user = client.user

    links = client.get(rule_page(NOT_REVIEWED)).context["bulk_links"]
    total, found = follow(client, links)

    assert total == rules.count_not_reviewed(user)
    assert found == {finding.records[0].url for finding in rules.not_reviewed(user)}
    assert {link.url.split("?")[0] for link in links} == {
        admin_url(model, "changelist") for model in (Municipality, Partnership, Project)
    }


def test_rules_without_a_bulk_action_offer_no_links(national_editor_client):
    plant_every_problem(1)
    results = national_editor_client.get(PAGE).context["results"]
    with_links = {result["rule"].slug for result in results if result["bulk_links"]}
    assert with_links == {ACTIVITY, NOT_REVIEWED}


# --- organisations whose names share their distinctive words ----------------------------


def organisations(code: str, *names: str | tuple[str, str]) -> list[Organisation]:
    country = Country.objects.get(code=code)
    made = []
    for item in names:
        name, kind = item if isinstance(item, tuple) else (item, "kommun")
        made.append(make_organisation(name=name, kind=kind, country=country))
    return made


def test_names_with_the_same_distinctive_words_are_a_probable_duplicate(editor):
    first, second = organisations(
        "HU", "Budapest XXII – Budafok-Tétény", "Budafok-Tétény (Budapest)"
    )
    assert not rules.organisation_name_keys(first.name) & rules.organisation_name_keys(second.name)

    [finding] = rules.same_distinctive_words(editor)

    assert labels([finding]) == [
        ("Budafok-Tétény (Budapest) (Ungern)", "Budapest XXII – Budafok-Tétény (Ungern)")
    ]
    assert urls([finding]) == [
        (admin_url(Organisation, "change", second.pk), admin_url(Organisation, "change", first.pk))
    ]
    assert finding.detail == "Samma särskiljande ord: budafok, budapest, tétény"


@pytest.mark.parametrize(
    ("code", "first", "second"),
    [
        ("HU", "Budafok-Tétény", "Budapest XXII. kerület – Budafok-Tétény"),
        ("IT", "Comune di Padova", "Padova"),
        ("IT", "Comune di Reggio Emilia", "Reggio nell'Emilia"),
        ("DE", ("Landkreis Vorpommern-Greifswald", "region"), "Kreis Vorpommern Greifswald"),
        ("GB", "Newcastle upon Tyne", "City of Newcastle-upon-Tyne Council"),
        ("SE", ("Lunds universitet", "universitet"), ("Universitet, Lunds", "annan")),
    ],
)
def test_more_names_of_one_place(editor, code, first, second):
    organisations(code, first, second)
    [finding] = rules.same_distinctive_words(editor)
    assert len(finding.records) == 2


@pytest.mark.parametrize(
    ("code", "first", "second"),
    [
        ("HU", "Budapest XXII", "Budapest XI"),  # two districts
        ("HU", "Budapest XI – Budafok", "Budapest XXII – Budafok"),
        ("HU", "Budapest", "Budapest V"),  # a district of the city
        ("HU", "Budapest", "Budapest I – Várnegyed"),
        ("SE", ("Region Skåne", "region"), ("Skåne Universitet", "universitet")),
        ("KE", "Kisumu City Council", ("Kisumu County", "region")),
        ("KE", "Kisumu", "Kisumu County Government"),  # one word: the tiers must agree
        ("RS", "Grad Novi Sad", ("University of Novi Sad", "universitet")),
        ("DE", "Stadt Kiel", ("Stadtwerke Kiel", "foretag")),
        ("SE", ("Företagarna i Växjö", "forening"), ("Företagarna i Ljungby", "forening")),
    ],
)
def test_names_that_are_different_places_or_bodies(editor, code, first, second):
    organisations(code, first, second)
    assert rules.same_distinctive_words(editor) == []


def test_organisations_in_two_countries_are_no_duplicate(editor):
    organisations("HU", "Budafok-Tétény (Budapest)")
    organisations("AT", "Budapest XXII – Budafok-Tétény")
    assert rules.same_distinctive_words(editor) == []


def test_what_duplicate_organisations_finds_is_not_found_again(editor):
    """Names equal after normalising have equal distinctive words too: one finding, under
    the duplicates; a third organisation that only shares the words makes a new one."""
    organisations("HU", "Budafok-Tétény (Budapest)", "Budafok-Tétény, Budapest kommun")
    assert len(rules.duplicate_organisations(editor)) == 1
    assert rules.same_distinctive_words(editor) == []

    [district] = organisations("HU", "Budapest XXII – Budafok-Tétény")

    findings = rules.same_distinctive_words(editor)
    # Two pairs, not one group: each name has the words, but only two of them are known to
    # be one organisation.
    assert len(findings) == 2
    for finding in findings:
        assert len(finding.records) == 2
        assert admin_url(Organisation, "change", district.pk) in urls([finding])[0]


def test_another_name_with_the_same_distinctive_words(editor):
    district, _other = organisations(
        "HU", "Budapest XXII. kerület", "Budapest XXII – Budafok-Tétény"
    )
    assert rules.same_distinctive_words(editor) == []
    OrganisationName.objects.create(organisation=district, name="Budafok-Tétény (Budapest)")

    [finding] = rules.same_distinctive_words(editor)

    assert labels([finding]) == [
        ("Budapest XXII – Budafok-Tétény (Ungern)", "Budapest XXII. kerület (Ungern)")
    ]
    assert "för Budapest XXII. kerület)" in finding.detail
    assert finding.detail.startswith("Samma särskiljande ord: budafok, budapest, tétény.")


def test_a_coordinator_sees_probable_duplicates_of_their_organisations(make_coordinator):
    trollhattan = make_coordinator("trollhattan")
    own, _shared = organisations("HU", "Budapest XXII – Budafok-Tétény", "Budafok-Tétény")
    own.municipality = Municipality.objects.get(slug="trollhattan")
    own.save()

    [finding] = rules.same_distinctive_words(trollhattan)

    by_label = {record.label: record for record in finding.records}
    assert by_label["Budapest XXII – Budafok-Tétény (Ungern)"].url == admin_url(
        Organisation, "change", own.pk
    )
    assert by_label["Budafok-Tétény (Ungern)"].url == ""
    assert rules.same_distinctive_words(make_coordinator("kristianstad")) == []


@pytest.mark.parametrize(
    ("name", "words", "numbers"),
    [
        ("Budapest XXII – Budafok-Tétény", {"budapest", "budafok", "teteny"}, {22}),
        ("Budapest 22. kerület", {"budapest"}, {22}),
        ("Budapest V", {"budapest"}, {5}),
        ("Budapest I – Várnegyed", {"budapest", "varnegyed"}, {1}),
        ("Företagarna i Växjö", {"foretagarna", "vaxjo"}, set()),
        ("Municipality of J.B. Marks", {"marks"}, set()),
        ("The City of London Council", {"london"}, set()),
        ("Mix Liv DC", {"mix", "liv", "dc"}, set()),
    ],
)
def test_the_distinctive_words_and_numbers_of_a_name(name, words, numbers):
    found = rules.name_words(name)
    assert (found.words, found.numbers) == (words, numbers)


# --- query counts ----------------------------------------------------------------------------


def rule_page_queries(client) -> dict[str, int]:
    counts = {}
    for rule in rules.RULES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(rule_page(rule.slug)).status_code == 200
        counts[rule.slug] = len(queries)
    return counts


def test_each_rule_page_keeps_its_query_count_with_ten_times_the_rows(
    national_editor_client, coordinator_client
):
    plant_every_problem(1)
    clients = (national_editor_client, coordinator_client)
    before = [rule_page_queries(client) for client in clients]
    plant_every_problem(10, prefix="fler")
    without_activity_level("vaxjo", PER_PAGE, "Utan nivå")  # more than one page
    after = [rule_page_queries(client) for client in clients]
    for client, counts_before, counts_after in zip(clients, before, after, strict=True):
        for slug, queries in counts_after.items():
            who = f"{slug} for {client.user.username}"
            # Counted rules may need fewer: the first kinds of record fill the page.
            assert queries <= counts_before[slug], who
            assert queries <= 15, who
    # A later page of a rule counted in the database costs no more than fifteen either.
    for slug in (ACTIVITY, NOT_REVIEWED):
        with CaptureQueriesContext(connection) as queries:
            response = national_editor_client.get(rule_page(slug, 2))
        assert response.context["page_obj"].number == 2, slug
        assert len(queries) <= 15, slug


def test_the_activity_level_is_set_on_all_of_them_at_once(trollhattan_client):
    """From the rule's link, select all and "Sätt aktivitetsgrad": every live partnership
    of the user's gets the level, dated today; ended ones and others' are left alone."""
    from django.utils import timezone

    from partnerships.models import Partnership

    plant_activity_levels("trollhattan")
    plant_activity_levels("vaxjo")
    user = trollhattan_client.user
    before = rules.count_live_without_activity_level(user)
    assert before >= 3
    (link,) = rules.live_without_activity_level_links(user)
    listed = trollhattan_client.get(link.url).context["cl"].result_list
    ended = Partnership.objects.filter(municipality__slug="trollhattan").finished().first()
    vaxjos = Partnership.objects.filter(municipality__slug="vaxjo", activity_level="").first()
    ids = [p.pk for p in listed] + [ended.pk, vaxjos.pk]
    response = trollhattan_client.post(
        admin_url(Partnership, "changelist"),
        {"action": "set_activity_sporadic", "_selected_action": ids},
        follow=True,
    )
    assert f"{len(listed)} fick aktivitetsgraden sporadisk." in response.content.decode()
    assert rules.count_live_without_activity_level(user) == 0
    changed = Partnership.objects.filter(pk__in=[p.pk for p in listed])
    assert set(changed.values_list("activity_level", flat=True)) == {"sporadisk"}
    assert set(changed.values_list("activity_noted_on", flat=True)) == {timezone.localdate()}
    ended.refresh_from_db()
    vaxjos.refresh_from_db()
    assert ended.activity_level == "" and vaxjos.activity_level == ""


def test_a_remembered_computation_is_made_again_when_its_arguments_change():
    calls = []

    @rules.remember_last
    def double(values):
        calls.append(list(values))
        return [value * 2 for value in values]

    assert double([1, 2]) == [2, 4]
    assert double([1, 2]) == [2, 4]  # equal arguments, a new list: remembered
    assert double([1, 3]) == [2, 6]
    assert double([1, 2]) == [2, 4]  # only the last arguments are remembered
    assert calls == [[1, 2], [1, 3], [1, 2]]


def test_the_organisation_rules_see_a_name_changed_between_two_counts(editor):
    """The name comparisons are remembered while the names stay the same (remember_last):
    a rename, a new other name or a move to another country is a new comparison."""
    first, second = organisations("HU", "Budapest XXII – Budafok-Tétény", "Szeged")
    assert rules.same_distinctive_words(editor) == []
    assert rules.duplicate_organisations(editor) == []

    Organisation.objects.filter(pk=second.pk).update(name="Budafok-Tétény (Budapest)")
    assert len(rules.same_distinctive_words(editor)) == 1
    assert rules.duplicate_organisations(editor) == []

    OrganisationName.objects.create(organisation=second, name=first.name)
    assert rules.same_distinctive_words(editor) == []  # now duplicate_organisations' finding
    assert len(rules.duplicate_organisations(editor)) == 1

    Organisation.objects.filter(pk=second.pk).update(country=Country.objects.get(code="AT"))
    assert rules.same_distinctive_words(editor) == []
    assert rules.duplicate_organisations(editor) == []
