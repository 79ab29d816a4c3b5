"""A partnership or project with several Swedish municipalities and regions taking part: one
record, on each of their pages (marked with who leads it), found by each one's filter,
counted for each in the statistics but once nationally, in their downloads and the API,
read-only for their coordinators in the admin, and only once its municipality confirms
when a coordinator of another municipality named it."""

import datetime
from decimal import Decimal

import pytest

from contacts.models import Organisation
from partnerships.models import Partnership, PartnershipParty
from portal.models import Country, Municipality
from projects.models import Project, ProjectParticipant
from tests.admin.formdata import change_form_data
from tests.factories import admin_url, make_organisation, make_partnership, make_project
from tests.public.test_downloads import download, table

pytestmark = pytest.mark.django_db

TITLE = "Gemensam cirkulär upphandling i Småland"


def own_organisation(slug: str) -> Organisation:
    """The Swedish municipality or region itself as an organisation (portal.parties)."""
    municipality = Municipality.objects.get(slug=slug)
    organisation = Organisation.objects.filter(
        municipality=municipality, kind__in=["kommun", "region"], country="SE"
    ).first()
    return organisation or make_organisation(
        name=municipality.name,
        kind="region" if municipality.kind == "region" else "kommun",
        country=Country.objects.get(code="SE"),
        municipality=municipality,
    )


@pytest.fixture
def shared_project():
    """Växjö's published project, led by Växjö, with Ljungby and Region Skåne as partners."""
    project = make_project(
        title=TITLE,
        municipality=Municipality.objects.get(slug="vaxjo"),
        is_published=True,
        start_date=datetime.date(2024, 1, 1),
        start_precision="year",
        end_date=datetime.date(2030, 12, 31),
        end_precision="year",
    )
    project.save()
    ProjectParticipant.objects.create(
        project=project, organisation=own_organisation("vaxjo"), role="lead_partner"
    )
    ProjectParticipant.objects.create(
        project=project,
        organisation=own_organisation("ljungby"),
        role="partner",
        budget_amount=Decimal("120000"),
        budget_currency="EUR",
    )
    ProjectParticipant.objects.create(
        project=project, organisation=own_organisation("region-skane"), role="associerad"
    )
    return project


def test_it_shows_on_each_partys_page_marked_with_who_leads_it(client, shared_project):
    vaxjo = client.get("/kommuner/vaxjo/").content.decode()
    ljungby = client.get("/kommuner/ljungby/")
    skane = client.get("/kommuner/region-skane/")
    assert TITLE in vaxjo
    assert ljungby.status_code == skane.status_code == 200
    for response in (ljungby, skane):
        html = response.content.decode()
        assert TITLE in html
        assert "leds av Växjö kommun" in html
    assert "leds av" not in vaxjo.split(TITLE)[1].split("</li>")[0]
    # Region Skåne has not written a page: it is made from the records alone.
    assert "har inte skrivit någon egen presentation" in skane.content.decode()


def test_the_project_page_names_the_swedish_parties_roles_and_budgets(client, shared_project):
    html = client.get(f"/projekt/{shared_project.slug}/").content.decode()
    assert "Fler svenska parter" in html
    assert '<a href="/kommuner/ljungby/">Ljungby' in html
    assert "budget <span" in html and "120\u00a0000 EUR" in html
    assert "associerad partner" in html


def test_each_partys_filter_finds_it_in_the_list_the_download_and_the_api(client, shared_project):
    kristianstads = Project.objects.get(slug="kommunal-hallbar-tillvaxt-oresundsregionen")
    for slug in ("vaxjo", "ljungby", "region-skane"):
        found = set(Project.objects.published().involving(Municipality.objects.get(slug=slug)))
        page = client.get("/projekt/", {"municipality": slug, "q": "cirkulär upphandling"})
        assert list(page.context["page_obj"].object_list) == [shared_project], slug
        assert shared_project in found and kristianstads not in found, slug
        api = client.get("/api/v1/projects/", {"municipality": slug}).json()
        assert shared_project.slug in [row["slug"] for row in api["results"]], slug
    _, data = download(client, "/projekt/", "csv", {"municipality": "ljungby"})
    row = next(row for row in table("csv", data) if row["Titel"] == TITLE)
    assert row["Kommun"] == "Växjö"
    assert row["Fler svenska parter"] == "Ljungby kommun; Region Skåne"
    detail = client.get(f"/api/v1/projects/{shared_project.slug}/").json()
    assert [m["slug"] for m in detail["other_municipalities"]] == ["ljungby", "region-skane"]
    budgets = {p["organisation"]["name"]: p["budget"] for p in detail["participants"]}
    assert budgets["Ljungby kommun"]["amount"] == "120000.00"
    assert {p["swedish_municipality"]["slug"] for p in detail["participants"]} == {
        "vaxjo",
        "ljungby",
        "region-skane",
    }


def test_the_municipality_list_counts_it_for_each_party(client, shared_project):
    municipalities = {m.slug: m for m in client.get("/kommuner/").context["municipalities"]}
    assert municipalities["ljungby"].project_count == 1
    assert municipalities["region-skane"].project_count == 1


def test_statistics_count_it_for_each_party_but_once_nationally(client, shared_project):
    from tests.public.test_statistics import table as stats_table

    caption = "Aktuella samarbeten och länder i portalen och i SKL:s enkät 2018 (hela riket)"
    key = "varav projekt utanför vänorter och partnerskap"
    with_it = stats_table(client.get("/statistik/"), caption)[key][0]
    Project.objects.filter(pk=shared_project.pk).update(is_published=False)
    without_it = stats_table(client.get("/statistik/"), caption)[key][0]
    assert int(with_it) == int(without_it) + 1
    Project.objects.filter(pk=shared_project.pk).update(is_published=True)
    # Ljungby's county (Kronoberg) and Region Skåne's count it too.
    for county in ("07", "12"):
        response = client.get("/statistik/", {"county": county})
        assert int(stats_table(response, caption)[key][0]) >= 1, county


def test_a_party_named_by_another_municipality_waits_for_its_confirmation(
    client, shared_project, make_coordinator
):
    ProjectParticipant.objects.filter(
        project=shared_project, organisation__municipality__slug="ljungby"
    ).update(awaiting_confirmation=True)
    # Ljungby has nothing else published: without the project it has no page, no choice in
    # the filter, and is not in the API.
    assert client.get("/kommuner/ljungby/").status_code == 404
    assert "ljungby" not in client.get("/projekt/").content.decode()
    assert client.get("/api/v1/projects/", {"municipality": "ljungby"}).status_code == 400
    assert TITLE in client.get("/kommuner/vaxjo/").content.decode()

    coordinator = make_coordinator("ljungby")
    client.force_login(coordinator)
    queue = client.get("/admin/bekrafta/")
    assert queue.status_code == 200
    html = queue.content.decode()
    assert TITLE in html and "Sammanlagt 1 att besvara" in html
    row = ProjectParticipant.objects.get(
        project=shared_project, organisation__municipality__slug="ljungby"
    )
    response = client.post(
        "/admin/bekrafta/", {"kind": "projekt", "id": row.pk, "answer": "bekrafta"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert not row.awaiting_confirmation
    assert row.history.latest().history_user == coordinator
    client.logout()
    assert TITLE in client.get("/kommuner/ljungby/").content.decode()


def test_a_coordinator_cannot_answer_for_another_municipality(
    client, shared_project, make_coordinator
):
    row = ProjectParticipant.objects.get(
        project=shared_project, organisation__municipality__slug="ljungby"
    )
    ProjectParticipant.objects.filter(pk=row.pk).update(awaiting_confirmation=True)
    client.force_login(make_coordinator("trollhattan"))
    assert TITLE not in client.get("/admin/bekrafta/").content.decode()
    for answer in ("bekrafta", "avboj"):
        response = client.post(
            "/admin/bekrafta/", {"kind": "projekt", "id": row.pk, "answer": answer}, follow=True
        )
        assert "väntar inte på din kommuns svar; inget ändrades" in response.content.decode()
    for bad in ({"kind": "nagot", "id": row.pk, "answer": "bekrafta"}, {"answer": "ja"}):
        response = client.post("/admin/bekrafta/", bad, follow=True)
        assert "inget ändrades" in response.content.decode()
    row.refresh_from_db()
    assert row.awaiting_confirmation


def test_declining_removes_the_party_with_history(client, shared_project, make_coordinator):
    row = ProjectParticipant.objects.get(
        project=shared_project, organisation__municipality__slug="region-skane"
    )
    ProjectParticipant.objects.filter(pk=row.pk).update(awaiting_confirmation=True)
    client.force_login(make_coordinator("region-skane"))
    client.post("/admin/bekrafta/", {"kind": "projekt", "id": row.pk, "answer": "avboj"})
    assert not ProjectParticipant.objects.filter(pk=row.pk).exists()
    assert ProjectParticipant.history.filter(id=row.pk, history_type="-").exists()


def test_a_coordinator_naming_another_municipality_makes_it_wait(
    client, shared_project, make_coordinator
):
    client.force_login(make_coordinator("vaxjo"))
    url = admin_url(Project, "change", shared_project.pk)
    data = change_form_data(client.get(url))
    prefix = "project_participants"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    data[f"{prefix}-{total}-organisation"] = str(own_organisation("alvesta").pk)
    data[f"{prefix}-{total}-role"] = "partner"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    row = ProjectParticipant.objects.get(
        project=shared_project, organisation__municipality__slug="alvesta"
    )
    assert row.awaiting_confirmation
    assert TITLE not in client.get("/kommuner/alvesta/").content.decode()


def test_a_national_editors_word_needs_no_confirmation(national_editor_client, shared_project):
    url = admin_url(Project, "change", shared_project.pk)
    data = change_form_data(national_editor_client.get(url))
    prefix = "project_participants"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    data[f"{prefix}-{total}-organisation"] = str(own_organisation("alvesta").pk)
    data[f"{prefix}-{total}-role"] = "partner"
    assert national_editor_client.post(url, data).status_code == 302
    row = ProjectParticipant.objects.get(
        project=shared_project, organisation__municipality__slug="alvesta"
    )
    assert not row.awaiting_confirmation


def test_a_taking_part_coordinator_sees_it_read_only(client, shared_project, make_coordinator):
    client.force_login(make_coordinator("ljungby"))
    listed = client.get(admin_url(Project, "changelist")).context["cl"].result_list
    assert shared_project in listed
    url = admin_url(Project, "change", shared_project.pk)
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert 'name="_save"' not in response.content.decode()
    assert client.post(url, {"title": "Kapad"}).status_code == 403
    assert (
        client.post(admin_url(Project, "delete", shared_project.pk), {"post": "yes"}).status_code
        == 403
    )
    shared_project.refresh_from_db()
    assert shared_project.title == TITLE
    # Another municipality's project it has no part in stays out of reach.
    assert (
        client.get(admin_url(Project, "change", Project.objects.get(slug="sumba").pk)).status_code
        == 404
    )


def test_a_twin_town_pair_of_two_swedish_municipalities_is_one_record_on_both_pages(client):
    pair = make_partnership(
        name="Växjö",
        municipality=Municipality.objects.get(slug="boras"),
        kind="vanort",
        is_published=True,
        start_date=datetime.date(1990, 1, 1),
        start_precision="year",
    )
    pair.save()
    PartnershipParty.objects.create(
        partnership=pair, organisation=own_organisation("vaxjo"), role="partner"
    )
    boras = client.get("/kommuner/boras/").content.decode()
    vaxjo = client.get("/kommuner/vaxjo/").content.decode()
    assert f'href="/samarbeten/{pair.slug}/">Växjö kommun, Sverige</a>' in boras
    assert f'href="/samarbeten/{pair.slug}/">Borås kommun</a>' in vaxjo
    assert "leds av Borås kommun" in vaxjo
    assert Partnership.objects.filter(pk=pair.pk).count() == 1
    found = client.get("/samarbeten/", {"municipality": "vaxjo"}).context["page_obj"].object_list
    assert pair in found


def test_the_shared_municipality_follows_the_organisation_and_the_owner(client, shared_project):
    """`party_municipality` is derived: it follows a changed organisation or owner."""
    ljungby_row = ProjectParticipant.objects.get(
        project=shared_project, organisation__municipality__slug="ljungby"
    )
    assert ljungby_row.party_municipality.slug == "ljungby"
    # The organisation turns out to be Alvesta's: the project moves from Ljungby's page.
    organisation = ljungby_row.organisation
    organisation.municipality = Municipality.objects.get(slug="alvesta")
    organisation.save()
    ljungby_row.refresh_from_db()
    assert ljungby_row.party_municipality.slug == "alvesta"
    # Alvesta is named now, by nobody of its own: it waits for Alvesta's word.
    assert ljungby_row.awaiting_confirmation
    alvesta = Municipality.objects.get(slug="alvesta")
    assert shared_project not in Project.objects.involving(alvesta)
    assert shared_project in Project.objects.involving(alvesta, include_awaiting=True)
    # Ljungby has nothing left published: no page.
    assert client.get("/kommuner/ljungby/").status_code == 404
    # The project changes owner to Region Skåne: Region Skåne's row no longer shares it,
    # Växjö's now does.
    shared_project.municipality = Municipality.objects.get(slug="region-skane")
    shared_project.save()
    rows = {
        row.organisation.municipality.slug: row.party_municipality_id
        for row in shared_project.project_participants.select_related("organisation__municipality")
    }
    assert rows["region-skane"] is None
    assert rows["vaxjo"] == Municipality.objects.get(slug="vaxjo").pk
    assert TITLE in client.get("/kommuner/vaxjo/").content.decode()


def test_a_party_that_has_ended_no_longer_takes_part(client):
    """Region Kronoberg was a formal party to Växjö's JB Marks partnership until 2018."""
    jb_marks = Partnership.objects.get(slug="vaxjo-jb-marks")
    kronoberg = Municipality.objects.get(slug="region-kronoberg")
    almhult = Municipality.objects.get(slug="almhult")
    assert jb_marks not in Partnership.objects.involving(kronoberg)
    assert jb_marks in Partnership.objects.involving(almhult)
    page = client.get("/samarbeten/vaxjo-jb-marks/").content.decode()
    others = page.split("Fler svenska parter")[1].split("</dd>")[0]
    assert "Älmhult" in others and "Region Kronoberg" not in others
    assert "JB Marks" not in client.get("/kommuner/region-kronoberg/").content.decode()


def test_a_page_does_not_say_it_is_led_by_its_own_municipality(client, shared_project):
    ProjectParticipant.objects.filter(project=shared_project, role="lead_partner").update(
        role="partner"
    )
    ProjectParticipant.objects.filter(
        project=shared_project, organisation__municipality__slug="ljungby"
    ).update(role="lead_partner")
    ljungby = client.get("/kommuner/ljungby/").content.decode()
    assert TITLE in ljungby and "leds av" not in ljungby
    assert "leds av Ljungby kommun" in client.get("/kommuner/region-skane/").content.decode()


def test_declining_the_only_partner_of_a_swedish_pair_makes_it_a_draft(client, make_coordinator):
    pair = make_partnership(
        name="Lunds kommun", municipality=Municipality.objects.get(slug="vaxjo"), is_published=True
    )
    pair.save()
    row = PartnershipParty.objects.create(
        partnership=pair, organisation=own_organisation("lund"), role="partner"
    )
    PartnershipParty.objects.filter(pk=row.pk).update(awaiting_confirmation=True)
    client.force_login(make_coordinator("lund"))
    response = client.post(
        "/admin/bekrafta/", {"kind": "samarbete", "id": row.pk, "answer": "avboj"}, follow=True
    )
    assert "har gjorts till utkast" in response.content.decode()
    pair.refresh_from_db()
    assert not pair.is_published


def test_a_swedish_twin_town_is_no_partner_country_in_the_statistics(client):
    from tests.public.test_statistics import table as stats_table

    caption = "Aktuella samarbeten och länder i portalen och i SKL:s enkät 2018 (hela riket)"
    key = "Länder med vänorter eller kommunala partnerskap"
    before = stats_table(client.get("/statistik/"), caption)[key][0]
    pair = make_partnership(
        name="Lund", municipality=Municipality.objects.get(slug="vaxjo"), is_published=True
    )
    pair.save()
    PartnershipParty.objects.create(
        partnership=pair, organisation=own_organisation("lund"), role="partner"
    )
    assert stats_table(client.get("/statistik/"), caption)[key][0] == before
    countries = stats_table(
        client.get("/statistik/"),
        "Länder med pågående vänorter eller kommunala partnerskap i portalen",
    )
    assert "Sverige" not in countries


def test_funding_counts_a_shared_record_for_each_party_taking_part(client, shared_project):
    """As the base of each funding chart does (municipalities with the form): a project
    of Växjö's with Ljungby and Region Skåne as parties is funded for all three, and for a
    county only for its own municipalities, never for an owner outside it."""
    from portal.models import FundingSource
    from tests.public.test_statistics import table as stats_table

    fund = FundingSource.objects.create(name="Testfonden", slug="testfonden")
    shared_project.funding_sources.add(fund)
    caption = "Tabell: Finansiering, andra samarbeten"

    def funded(**filters) -> str:
        rows = stats_table(client.get("/statistik/", filters), caption)
        return rows["Testfonden"][2] if "Testfonden" in rows else "0"

    assert funded() == "3"
    assert funded(county="07") == "2"  # Kronobergs län: Växjö and Ljungby
    assert funded(county="12") == "1"  # Skåne län: Region Skåne, not Växjö
    assert funded(county="12", kind="kommun") == "0"


def test_programme_funding_counts_a_shared_record_for_each_party_taking_part(
    client, shared_project
):
    """A project's programme funds it for each selected municipality that owns it or takes
    part in it, as its own funding does; a party awaiting confirmation is not counted."""
    from portal.models import FundingSource
    from projects.models import Programme
    from tests.public.test_statistics import table as stats_table

    fund = FundingSource.objects.create(name="Programfonden", slug="programfonden")
    programme = Programme.objects.create(
        name="Testprogrammet", slug="testprogrammet", funding_source=fund
    )
    Project.objects.filter(pk=shared_project.pk).update(programme=programme)
    caption = "Tabell: Finansiering, andra samarbeten"

    def funded(**filters) -> str:
        rows = stats_table(client.get("/statistik/", filters), caption)
        return rows["Programfonden"][2] if "Programfonden" in rows else "0"

    assert funded() == "3"
    assert funded(county="07") == "2"  # Kronobergs län: Växjö and Ljungby
    assert funded(county="12") == "1"  # Skåne län: Region Skåne, not Växjö
    ProjectParticipant.objects.filter(
        project=shared_project, organisation__municipality__slug="ljungby"
    ).update(awaiting_confirmation=True)
    assert funded(county="07") == "1"


def test_a_save_that_keeps_the_owner_leaves_the_party_rows_alone(shared_project):
    """Which rows share a record is worked out again only when its owner changes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project = Project.objects.get(pk=shared_project.pk)
    project.title = "Ett nytt namn"
    with CaptureQueriesContext(connection) as same_owner:
        project.save()
    project.municipality = Municipality.objects.get(slug="region-skane")
    with CaptureQueriesContext(connection) as new_owner:
        project.save()

    def party_updates(captured) -> int:
        return sum(
            query["sql"].startswith('UPDATE "projects_projectparticipant"')
            for query in captured.captured_queries
        )

    assert party_updates(same_owner) == 0
    assert party_updates(new_owner) > 0
