"""The admin page "Datakvalitet": each rule finds the problem planted for it, in the user's
scope, with a link to the record that fixes it, in a fixed number of queries."""

import datetime
import itertools
import string

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.models import Organisation, OrganisationName, Person
from partnerships.models import Partnership, PartnershipParty
from portal.models import CoordinatorAssignment, Country, Municipality
from portal.review import REVIEW_INTERVAL
from projects.models import Project
from quality import rules
from quality.models import LinkCheck
from tests.factories import admin_url, make_organisation, make_partnership, make_project, unique

pytestmark = pytest.mark.django_db

PAGE = "/admin/datakvalitet/"
TODAY = timezone.localdate()


@pytest.fixture
def coordinator_client(make_coordinator):
    """Trollhättan's coordinator in a client of their own, beside national_editor_client."""
    client = Client()
    client.user = make_coordinator("trollhattan")
    client.force_login(client.user)
    return client


@pytest.fixture
def editor(django_user_model):
    return django_user_model(username="redaktor-test", is_superuser=True, is_staff=True)


def labels(findings) -> list[tuple[str, ...]]:
    return [tuple(record.label for record in finding.records) for finding in findings]


def urls(findings) -> list[tuple[str, ...]]:
    return [tuple(record.url for record in finding.records) for finding in findings]


def partnership(municipality_slug="vaxjo", *, partner=None, **fields) -> Partnership:
    fields.setdefault("activity_level", "aktiv")
    fields.setdefault("start_date", datetime.date(2010, 1, 1))
    record = make_partnership(
        municipality=Municipality.objects.get(slug=municipality_slug), **fields
    )
    record.save()
    if partner is not None:
        PartnershipParty.objects.create(partnership=record, organisation=partner)
    return record


def person(**fields) -> Person:
    fields.setdefault("name", "Testperson")
    fields.setdefault("slug", unique("testperson"))
    return Person.objects.create(**fields)


# --- 1. duplicate organisations -----------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Växjö kommun", "VAXJO"),
        ("Växjö Municipality", "Vaxjo Municipal Council"),
        ("JB Marks Local Municipality", "J.B. Marks"),
        ("Tempe City Council", "tempe"),
        ("Town of Tempe", "Tempe Town Council"),
        ("Køge Kommune", "Koge"),
        ("Stefan Vodă", "Stefan-Voda"),
        ("Kiel Stadt", "Stadt Kiel"),
        ("Gemeente Utrecht", "Utrecht"),
        ("Commune de Saint-Denis", "Saint Denis"),
        ("Ville d'Angers", "Angers City"),
        ("Trollhättans Stad", "Trollhättan"),
        ("Borås Stad", "Borås"),
        ("Opština Kommuna", "opstina"),
        ("Łódź", "Lodz"),
    ],
)
def test_names_that_are_equal_after_normalising(first, second):
    assert rules.organisation_name_keys(first) & rules.organisation_name_keys(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Växjö kommun", "Vänersborgs kommun"),
        ("Kisumu City Council", "Kisumu County"),
        ("Stadtwerke Kiel", "Kiel"),
        ("Cityvision", "Vision"),
    ],
)
def test_names_that_stay_different(first, second):
    assert not rules.organisation_name_keys(first) & rules.organisation_name_keys(second)


def test_a_name_that_is_only_a_suffix_keeps_itself():
    assert rules.organisation_name_keys("Municipality") == {"municipality"}


def test_organisations_with_the_same_normalised_name_in_one_country(editor):
    denmark = Country.objects.get(code="DK")
    first = make_organisation(name="Testrup Kommune", country=denmark)
    second = make_organisation(name="TESTRUP", country=denmark)
    make_organisation(name="Testrup", country=Country.objects.get(code="NO"))  # another country

    findings = rules.duplicate_organisations(editor)

    assert labels(findings) == [("TESTRUP (Danmark)", "Testrup Kommune (Danmark)")]
    assert urls(findings) == [
        (admin_url(Organisation, "change", second.pk), admin_url(Organisation, "change", first.pk))
    ]
    assert "”Testrup Kommune”" in findings[0].detail


def test_a_former_name_matches_another_organisation(editor):
    south_africa = Country.objects.get(code="ZA")
    current = make_organisation(name="Nyby Local Municipality", country=south_africa)
    OrganisationName.objects.create(organisation=current, name="Gamleby City Council")
    make_organisation(name="Gamleby", country=south_africa)

    findings = rules.duplicate_organisations(editor)

    assert labels(findings) == [("Gamleby (Sydafrika)", "Nyby Local Municipality (Sydafrika)")]
    assert "”Gamleby City Council” (tidigare namn för Nyby Local Municipality)" in (
        findings[0].detail
    )


def test_an_organisation_with_its_own_former_name_is_no_duplicate(editor):
    organisation = make_organisation(name="Nyby Local Municipality")
    OrganisationName.objects.create(organisation=organisation, name="Nyby")
    assert rules.duplicate_organisations(editor) == []


def test_a_coordinator_sees_duplicates_of_organisations_linked_to_their_records(
    make_coordinator,
):
    trollhattan = make_coordinator("trollhattan")
    kristianstad = make_coordinator("kristianstad")
    denmark = Country.objects.get(code="DK")
    partner = make_organisation(name="Testrup Kommune", country=denmark)
    make_organisation(name="Testrup", country=denmark)
    partnership("trollhattan", partner=partner)

    assert len(rules.duplicate_organisations(trollhattan)) == 1
    assert rules.duplicate_organisations(kristianstad) == []


def test_a_duplicate_the_coordinator_may_not_change_is_named_without_a_link(make_coordinator):
    """Organisations are shared: the coordinator is told who can merge them, and gets a link
    only to the one they may change (here, one of their municipality's own)."""
    trollhattan = make_coordinator("trollhattan")
    denmark = Country.objects.get(code="DK")
    partner = make_organisation(name="Testrup Kommune", country=denmark)
    own = make_organisation(name="Testrup", country=denmark)
    own.municipality = Municipality.objects.get(slug="trollhattan")
    own.save()
    partnership("trollhattan", partner=partner)

    [finding] = rules.duplicate_organisations(trollhattan)

    by_label = {record.label: record for record in finding.records}
    assert by_label["Testrup (Danmark)"].url == admin_url(Organisation, "change", own.pk)
    shared = by_label["Testrup Kommune (Danmark)"]
    assert shared.url == "" and shared.why == rules.SHARED_RECORD


# --- 2. people with the same e-mail --------------------------------------------------------


def test_people_with_the_same_email_in_any_case(editor):
    first = person(name="Anna Test", email="anna.test@example.se")
    second = person(name="Anna Testsson", email="Anna.Test@Example.SE")
    person(name="Bo Test", email="bo.test@example.se")

    findings = rules.people_with_same_email(editor)

    assert labels(findings) == [("Anna Test", "Anna Testsson")]
    assert urls(findings) == [
        (admin_url(Person, "change", first.pk), admin_url(Person, "change", second.pk))
    ]


def test_a_coordinator_sees_the_duplicate_of_their_own_contact(make_coordinator):
    trollhattan = make_coordinator("trollhattan")
    own = person(name="Anna Test", email="anna.test@example.se")
    Municipality.objects.get(slug="trollhattan").contacts.add(own)
    other = person(name="Anna Testsson", email="anna.test@example.se")
    Municipality.objects.get(slug="vaxjo").contacts.add(other)

    findings = rules.people_with_same_email(trollhattan)

    assert urls(findings) == [(admin_url(Person, "change", own.pk), "")]  # Växjö's: no link
    assert rules.people_with_same_email(make_coordinator("kristianstad")) == []


# --- 3. the same partnership twice ---------------------------------------------------------


def test_the_same_pair_registered_twice(editor):
    partner = make_organisation(name="Testrup Kommune")
    first = partnership(name="Testrup", partner=partner)
    second = partnership(name="Testrup igen", partner=partner)
    partnership(name="Testrup projekt", kind="annat_samarbete", partner=partner)  # other kind

    findings = rules.same_pair_twice(editor)

    assert labels(findings) == [
        ("Växjö – Testrup (vänort)", "Växjö – Testrup igen (vänort)"),
    ]
    assert urls(findings) == [
        (admin_url(Partnership, "change", first.pk), admin_url(Partnership, "change", second.pk))
    ]
    assert findings[0].detail == "Båda är vänort med Testrup Kommune."


def test_a_pair_registered_twice_is_seen_only_by_its_municipality(make_coordinator):
    partner = make_organisation(name="Testrup Kommune")
    partnership(name="Testrup", partner=partner)
    partnership(name="Testrup igen", partner=partner)
    assert len(rules.same_pair_twice(make_coordinator("vaxjo"))) == 1
    assert rules.same_pair_twice(make_coordinator("trollhattan")) == []


def test_pairs_with_equal_names_are_listed_in_the_order_they_were_added(editor):
    partner = make_organisation(name="Testrup Kommune")
    other_partner = make_organisation(name="Testrup Amt")
    first = partnership(name="Testrup", partner=partner)
    second = partnership(name="Testrup", partner=partner)
    third = partnership(name="Testrup", partner=other_partner)
    fourth = partnership(name="Testrup", partner=other_partner)

    findings = rules.same_pair_twice(editor)

    assert urls(findings) == [
        (admin_url(Partnership, "change", first.pk), admin_url(Partnership, "change", second.pk)),
        (admin_url(Partnership, "change", third.pk), admin_url(Partnership, "change", fourth.pk)),
    ]
    assert [finding.detail for finding in findings] == [
        "Båda är vänort med Testrup Kommune.",
        "Båda är vänort med Testrup Amt.",
    ]


def id_(record) -> int:
    return record.pk


def test_a_partnership_between_two_swedish_municipalities_registered_from_both_sides(
    editor, make_coordinator
):
    trollhattans_stad = Organisation.objects.get(municipality__slug="trollhattan", kind="kommun")
    vaxjo_kommun = Organisation.objects.get(municipality__slug="vaxjo", kind="kommun")
    vaxjos = partnership("vaxjo", name="Trollhättan", partner=trollhattans_stad)
    trollhattans = partnership("trollhattan", name="Växjö", partner=vaxjo_kommun)
    # One side only, from the municipality with the lower id and from the higher.
    low, high = sorted(Municipality.objects.filter(slug__in=["kristianstad", "almhult"]), key=id_)
    partnership(low.slug, name="Ensidigt", partner=Organisation.objects.get(municipality=high))
    partnership("kristianstad", name="Växjö", partner=vaxjo_kommun)

    findings = rules.registered_from_both_sides(editor)

    assert len(findings) == 1
    assert sorted(labels(findings)[0]) == [
        "Trollhättan – Växjö (vänort)",
        "Växjö – Trollhättan (vänort)",
    ]
    assert set(urls(findings)[0]) == {
        admin_url(Partnership, "change", vaxjos.pk),
        admin_url(Partnership, "change", trollhattans.pk),
    }
    # Trollhättan's coordinator sees the pair, with a link only to their own side.
    (seen,) = rules.registered_from_both_sides(make_coordinator("trollhattan"))
    assert {record.url for record in seen.records} == {
        admin_url(Partnership, "change", trollhattans.pk),
        "",
    }
    assert rules.registered_from_both_sides(make_coordinator("kristianstad")) == []


# --- 4. activity level, and how it ended -------------------------------------------------


def test_a_live_partnership_without_an_activity_level(editor):
    ongoing = partnership(name="Testrup", activity_level="")
    partnership(name="Aktivby")  # has one
    partnership(name="Planerat", activity_level="", start_date=TODAY.replace(year=TODAY.year + 2))
    partnership(
        name="Slutat", activity_level="", end_date=datetime.date(2015, 12, 31), end_reason="Slut."
    )

    findings = rules.live_without_activity_level(editor)

    assert ("Växjö – Testrup (vänort)",) in labels(findings)
    assert not any(
        "Aktivby" in label or "Planerat" in label or "Slutat" in label
        for (label,) in labels(findings)
    )
    assert (admin_url(Partnership, "change", ongoing.pk),) in urls(findings)


def test_an_ended_partnership_without_a_reason_or_an_end_date(editor, make_coordinator):
    no_reason = partnership(
        name="Utan orsak", activity_level="", end_date=datetime.date(2015, 12, 31)
    )
    no_date = partnership(
        name="Utan slutdatum",
        activity_level="",
        start_date=datetime.date(2010, 1, 1),
        duration_months=24,
        end_reason="Avtalet löpte ut.",
    )
    partnership(
        name="Komplett",
        activity_level="",
        end_date=datetime.date(2015, 12, 31),
        end_reason="Avtalet löpte ut.",
    )

    findings = {f.records[0].url: f.detail for f in rules.ended_without_reason_or_date(editor)}

    assert findings[admin_url(Partnership, "change", no_reason.pk)] == (
        "Saknar varför det upphörde."
    )
    assert findings[admin_url(Partnership, "change", no_date.pk)] == "Saknar slutdatum."
    assert not any(
        "Komplett" in f.records[0].label for f in rules.ended_without_reason_or_date(editor)
    )
    assert not any(
        "Utan orsak" in f.records[0].label
        for f in rules.ended_without_reason_or_date(make_coordinator("trollhattan"))
    )


# --- 5. not reviewed for twelve months --------------------------------------------------


def test_records_not_reviewed_for_twelve_months(editor):
    stale = partnership(name="Gammal", reviewed_on=TODAY - REVIEW_INTERVAL - datetime.timedelta(1))
    partnership(name="Färsk", reviewed_on=TODAY - REVIEW_INTERVAL, reviewed_by="Kim")
    never = make_project(title="Aldrig granskat")
    never.save()
    vaxjo = Municipality.objects.get(slug="vaxjo")
    Municipality.objects.filter(pk=vaxjo.pk).update(reviewed_on=None, is_published=True)
    Municipality.objects.filter(slug="ale").update(reviewed_on=None, is_published=False)

    findings = rules.not_reviewed(editor)
    found = {finding.records[0].url: finding for finding in findings}

    assert found[admin_url(Partnership, "change", stale.pk)].date == stale.reviewed_on
    assert found[admin_url(Project, "change", never.pk)].date is None  # shown as "aldrig"
    assert found[admin_url(Project, "change", never.pk)].detail == "Projekt"
    assert admin_url(Municipality, "change", vaxjo.pk) in found
    assert not any("Färsk" in label for (label,) in labels(findings))
    assert admin_url(Municipality, "change", Municipality.objects.get(slug="ale").pk) not in found


@pytest.mark.parametrize("coordinator", [False, True])
def test_unreviewed_records_are_counted_in_the_database_and_listed_up_to_a_limit(
    editor, make_coordinator, coordinator
):
    """The admin index counts them without building them; the page builds at most its
    limit, the longest unreviewed first."""
    for number in range(5):
        partnership("trollhattan", name=f"Gammal {number}")
    user = make_coordinator("trollhattan") if coordinator else editor
    every = rules.not_reviewed(user)

    assert rules.count_not_reviewed(user) == len(every) > 5
    assert rules.not_reviewed(user, limit=3) == every[:3]
    [result] = [
        r for r in rules.quality_report(user, counts_only=True) if r.rule.slug == "inte-granskade"
    ]
    assert result.findings == [] and result.count == len(every)


def test_not_reviewed_covers_every_reviewed_model():
    assert set(rules.reviewed_models()) == {Municipality, Partnership, Project}


def test_a_coordinator_sees_only_their_own_unreviewed_records(make_coordinator):
    partnership("vaxjo", name="Växjös gamla")
    own = partnership("trollhattan", name="Trollhättans gamla")
    findings = rules.not_reviewed(make_coordinator("trollhattan"))
    found = {finding.records[0].url for finding in findings}
    assert admin_url(Partnership, "change", own.pk) in found
    assert not any("Växjö" in label for (label,) in labels(findings))


# --- 6. contact people ---------------------------------------------------------------------


def test_a_published_municipality_page_without_a_contact_person(editor, make_coordinator):
    trollhattan = Municipality.objects.get(slug="trollhattan")
    assert (trollhattan.public_name,) not in labels(rules.published_without_contact(editor))
    trollhattan.contacts.clear()
    Municipality.objects.filter(slug="ale").update(is_published=False)

    findings = rules.published_without_contact(editor)

    assert (trollhattan.public_name,) in labels(findings)
    assert (admin_url(Municipality, "change", trollhattan.pk),) in urls(findings)
    assert not any("Ale" in label for (label,) in labels(findings))
    assert rules.published_without_contact(make_coordinator("trollhattan")) == [
        finding for finding in findings if finding.records[0].label == trollhattan.public_name
    ]


def test_a_contact_person_with_neither_email_nor_phone(editor, make_coordinator):
    unreachable = person(name="Ingen Kontakt")
    Municipality.objects.get(slug="vaxjo").contacts.add(unreachable)
    person(name="Bara Telefon", phone="0470-410 00")
    person(name="Bara E-post", email="bara@example.se")

    found = labels(rules.contacts_without_email_or_phone(editor))

    assert ("Ingen Kontakt",) in found
    assert ("Bara Telefon",) not in found and ("Bara E-post",) not in found
    assert ("Ingen Kontakt",) in labels(
        rules.contacts_without_email_or_phone(make_coordinator("vaxjo"))
    )
    assert ("Ingen Kontakt",) not in labels(
        rules.contacts_without_email_or_phone(make_coordinator("trollhattan"))
    )


# --- 7. broken links -------------------------------------------------------------------------


def test_links_whose_last_check_failed(editor, make_coordinator):
    broken = make_project(title="Trasig länk", website="https://trasig.example/")
    broken.save()
    working = make_project(title="Hel länk", website="https://hel.example/")
    working.save()
    checked_at = timezone.now() - datetime.timedelta(days=2)
    LinkCheck.objects.create(
        url=broken.website, checked_at=checked_at, ok=False, status_code=404, error="Svarade 404"
    )
    LinkCheck.objects.create(url=working.website, checked_at=checked_at, ok=True, status_code=200)
    LinkCheck.objects.create(
        url="https://ingen-anvander.example/", checked_at=checked_at, ok=False, error="x"
    )

    findings = rules.broken_links(editor)

    assert labels(findings) == [("Växjö – Trasig länk",)]
    assert urls(findings) == [(admin_url(Project, "change", broken.pk),)]
    assert findings[0].detail == "https://trasig.example/: Svarade 404"
    assert findings[0].date == checked_at
    assert len(rules.broken_links(make_coordinator("vaxjo"))) == 1
    assert rules.broken_links(make_coordinator("trollhattan")) == []


def test_a_broken_link_shared_by_several_records_is_one_finding(editor):
    url = "https://delad.example/"
    make_organisation(name="Testrup Kommune", website=url)
    make_project(title="Testprojekt", website=url).save()
    LinkCheck.objects.create(
        url=url, checked_at=timezone.now(), ok=False, error="Namnet finns inte"
    )
    (finding,) = rules.broken_links(editor)
    assert labels([finding]) == [("Testrup Kommune", "Växjö – Testprojekt")]


def test_a_broken_link_on_a_shared_record_links_only_what_the_coordinator_may_change(
    make_coordinator,
):
    url = "https://delad.example/"
    partner = make_organisation(name="Testrup Kommune", website=url)
    partnership("vaxjo", partner=partner)
    project = make_project(title="Testprojekt", website=url)
    project.save()
    LinkCheck.objects.create(url=url, checked_at=timezone.now(), ok=False, error="x")

    (finding,) = rules.broken_links(make_coordinator("vaxjo"))

    by_label = {record.label: record for record in finding.records}
    assert by_label["Växjö – Testprojekt"].url == admin_url(Project, "change", project.pk)
    assert by_label["Testrup Kommune"].url == ""
    assert by_label["Testrup Kommune"].why == rules.SHARED_RECORD


# --- the page and the index --------------------------------------------------------------


def plant_every_problem(times: int, prefix: str = "") -> None:
    """Each rule's problem, `times` times, in Växjö and Trollhättan."""
    denmark = Country.objects.get(code="DK")
    spare = itertools.cycle(
        Municipality.objects.filter(is_published=False).order_by("pk")[: times * 2]
    )
    others = iter(
        Municipality.objects.exclude(slug__in=["vaxjo", "trollhattan"])
        .filter(partnerships__isnull=True)
        .order_by("-pk")
    )
    for number in range(times):
        for slug in ("vaxjo", "trollhattan"):
            tag = f"{prefix}{slug}{number}"
            partner = make_organisation(name=f"Plantby{tag} Kommune", country=denmark)
            make_organisation(
                name=f"PLANTBY{tag}", country=denmark, website=f"https://{tag}.example/"
            )
            partnership(slug, name=f"Par {tag}", partner=partner, activity_level="")
            partnership(slug, name=f"Par {tag} igen", partner=partner)
            partnership(
                slug, name=f"Slut {tag}", activity_level="", end_date=datetime.date(2015, 1, 1)
            )
            contact = person(name=f"Person {tag}", email=f"{tag}@example.se")
            twin = person(name=f"Person {tag} B", email=f"{tag.upper()}@EXAMPLE.SE")
            Municipality.objects.get(slug=slug).contacts.add(
                contact, twin, person(name=f"Tyst {tag}")
            )
            project = make_project(
                title=f"Projekt {tag}",
                municipality=Municipality.objects.get(slug=slug),
                website=f"https://{tag}.example/projekt",
            )
            project.save()
            LinkCheck.objects.create(
                url=project.website, checked_at=timezone.now(), ok=False, error="Svarade 404"
            )
            LinkCheck.objects.create(
                url=f"https://{tag}.example/",
                checked_at=timezone.now(),
                ok=False,
                error="Svarade 500",
            )
            Municipality.objects.filter(pk=next(spare).pk).update(is_published=True)
            # Names with the same distinctive words that normalise differently, one of them
            # the municipality's own organisation (so in its coordinator's scope).
            place = f"Ort{prefix}{slug}{string.ascii_lowercase[number]}"
            make_organisation(
                name=f"{place} Östra",
                country=denmark,
                municipality=Municipality.objects.get(slug=slug),
            )
            make_organisation(name=f"Östra {place} District", country=denmark)
        # Each pair of municipalities is one finding: pair Växjö and Trollhättan with others.
        for slug in ("vaxjo", "trollhattan"):
            other = next(others)
            swedes = {
                municipality.pk: make_organisation(
                    name=f"Svensk {prefix}{municipality.short_name} {number}",
                    country=Country.objects.get(code="SE"),
                    municipality=municipality,
                )
                for municipality in (Municipality.objects.get(slug=slug), other)
            }
            own = Municipality.objects.get(slug=slug)
            partnership(slug, name=f"Båda {prefix}{number}", partner=swedes[other.pk])
            partnership(other.slug, name=f"Båda {prefix}{number}", partner=swedes[own.pk])


def count_queries(function, user) -> tuple[int, int]:
    if user.pk:  # a fresh copy: nothing cached on it from an earlier call
        user = type(user).objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        findings = function(user)
    return len(queries), len(findings)


def test_each_rule_costs_the_same_queries_with_ten_times_the_rows(editor, make_coordinator):
    coordinator = make_coordinator("vaxjo")
    plant_every_problem(1)
    cases = [(rule, user) for rule in rules.RULES for user in (editor, coordinator)]
    before = [count_queries(rule.find, user) for rule, user in cases]
    plant_every_problem(10, prefix="fler")
    # The municipalities planting published are the coordinator's too, so that their
    # pages without contacts count for them.
    for municipality in Municipality.objects.filter(is_published=True).exclude(slug="vaxjo"):
        CoordinatorAssignment.objects.create(user=coordinator, municipality=municipality)
    after = [count_queries(rule.find, user) for rule, user in cases]
    for (rule, user), (queries_before, found_before), (queries_after, found_after) in zip(
        cases, before, after, strict=True
    ):
        who = f"{rule.slug} for {user.username}"
        assert queries_after == queries_before, who
        assert found_after > found_before, f"{who} found nothing more"
        assert queries_after <= 9, who  # one per kind of linked record at most


def test_the_page_lists_every_rule_with_links_counts_and_table_headers(national_editor_client):
    plant_every_problem(1)
    response = national_editor_client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    results = response.context["results"]
    assert all(result["count"] > 0 for result in results), [
        result["rule"].slug for result in results if not result["count"]
    ]
    for result in results:
        rule = result["rule"]
        assert f'<h2 id="{rule.slug}">{rule.heading(result["count"])}</h2>' in page
        assert rule.explanation in page
        assert f"<caption>{rule.title}" in page
    assert '<th scope="col">Organisationer</th>' in page
    assert '<th scope="row"><a href="/admin/contacts/organisation/' in page
    assert "Svarade 404" in page


def test_a_coordinator_sees_only_findings_about_their_records(trollhattan_client):
    plant_every_problem(1)
    page = trollhattan_client.get(PAGE).content.decode()
    assert "Par trollhattan0" in page
    assert "Par vaxjo0" not in page
    assert "Person vaxjo0" not in page
    # The pair registered from both sides: Växjö's side is named but not linked.
    assert "– Båda 0 (vänort) (utanför dina kommuner)" in page


def test_the_page_is_for_staff_only(client, django_user_model):
    assert client.get(PAGE).status_code == 302
    client.force_login(django_user_model.objects.create_user("besokare", password="x-1-y-2-z"))
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_index_shows_the_counts_in_the_users_scope(
    national_editor_client, coordinator_client
):
    plant_every_problem(1)
    editor_results = rules.quality_report(national_editor_client.user)
    page = national_editor_client.get(reverse("admin:index")).content.decode()
    total = sum(result.count for result in editor_results)
    assert f'<a href="{PAGE}">{total} fynd att åtgärda</a>' in page
    for result in editor_results:
        assert f'<a href="{PAGE}{result.rule.slug}/">{result.heading}</a>' in page

    coordinator_total = sum(
        result.count for result in rules.quality_report(coordinator_client.user)
    )
    assert 0 < coordinator_total < total
    page = coordinator_client.get(reverse("admin:index")).content.decode()
    assert f"{coordinator_total} fynd att åtgärda" in page


@pytest.mark.parametrize("times", [1, 10])
def test_the_admin_index_and_the_page_keep_their_query_counts(
    times, national_editor_client, coordinator_client, django_assert_max_num_queries
):
    plant_every_problem(times)
    for client in (national_editor_client, coordinator_client):
        # 32, one more for "Att bekräfta" (quality/confirmations.py) and four for the
        # organisations with the same distinctive words (names, other names, scope).
        with django_assert_max_num_queries(37):
            assert client.get(reverse("admin:index")).status_code == 200
        # The unreviewed records and the partnerships without an activity level are
        # counted (one COUNT per reviewed model, one for the partnerships) and the first
        # ten listed.
        with django_assert_max_num_queries(35):
            assert client.get(PAGE).status_code == 200
