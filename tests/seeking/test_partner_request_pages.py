"""/soker-partner/: the list with its filters, the detail page, the municipality page, search,
the sitemap and the feed. Only published, current requests are public: an expired one
disappears from all of them on its own, as the days pass."""

import datetime
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from portal.models import Municipality
from seeking.models import PartnerRequest, SoughtKind
from tests.seeking.factories import days_from_today, foreign_organisation, make_partner_request

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"/soker-partner/{query}")
    assert response.status_code == 200
    return [partner_request.slug for partner_request in response.context["object_list"]]


def public_paths(client, partner_request) -> dict[str, bool]:
    """Where the request shows: each public place it should be listed in."""
    detail = f"/soker-partner/{partner_request.slug}/"
    municipality = client.get(f"/kommuner/{partner_request.municipality.slug}/")
    feed = client.get("/flode/soker-partner/").content.decode()
    search = client.get("/sok/", {"q": partner_request.title})
    return {
        "list": partner_request.slug in listed(client),
        "detail": client.get(detail).status_code == 200,
        "municipality page": detail in municipality.content.decode(),
        "search": detail in search.content.decode(),
        "sitemap": detail in client.get("/sitemap-soker-partner.xml").content.decode(),
        "feed": detail in feed,
    }


@pytest.fixture
def freeze_today(monkeypatch):
    """Moves today: every derived status (requests, projects) reads timezone.localdate()."""

    def freeze(day: datetime.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return freeze


def test_a_current_published_request_is_everywhere(client):
    partner_request = make_partner_request(title="Vänort för skolutbyte i Kenya", countries=["KE"])
    assert public_paths(client, partner_request) == dict.fromkeys(
        ["list", "detail", "municipality page", "search", "sitemap", "feed"], True
    )


def test_a_request_that_ended_yesterday_is_nowhere(client):
    partner_request = make_partner_request(
        title="Vänort för skolutbyte i Kenya", valid_until=days_from_today(-1)
    )
    assert not any(public_paths(client, partner_request).values())
    assert client.get(f"/soker-partner/{partner_request.slug}/").status_code == 404


def test_a_request_is_shown_on_its_last_day_and_gone_the_day_after(client, freeze_today):
    last_day = datetime.date(2027, 3, 31)
    partner_request = make_partner_request(title="Partnerskap om vatten", valid_until=last_day)
    freeze_today(last_day)
    assert all(public_paths(client, partner_request).values())
    freeze_today(last_day + datetime.timedelta(days=1))
    assert not any(public_paths(client, partner_request).values())
    # Nothing was written: the status is derived, never stored.
    partner_request.refresh_from_db()
    assert partner_request.status == "utgangen"
    assert partner_request.status_display == "Utgången"


def test_a_draft_is_nowhere(client):
    partner_request = make_partner_request(title="Hemligt utkast om vänort", is_published=False)
    assert not any(public_paths(client, partner_request).values())


def test_an_unpublished_municipality_hides_its_requests(client):
    partner_request = make_partner_request(municipality=Municipality.objects.get(slug="vaxjo"))
    Municipality.objects.filter(slug="vaxjo").update(is_published=False)
    assert partner_request.slug not in listed(client)
    assert client.get(f"/soker-partner/{partner_request.slug}/").status_code == 404


def test_the_list_counts_and_filters(client):
    kenya = make_partner_request(
        title="Vänort i Kenya", countries=["KE"], themes=["skola-och-utbildning"]
    )
    europe = make_partner_request(
        title="Projektpartner i Europa",
        kind=SoughtKind.PROJECT_PARTNER,
        regions=["ovriga_europa"],
        themes=["energi"],
        municipality=Municipality.objects.get(slug="trollhattan"),
    )
    abroad = make_partner_request(
        title="Kisumu söker svensk partner",
        kind=SoughtKind.MUNICIPAL_PARTNERSHIP,
        organisation=foreign_organisation("KE"),
        description="Vi arbetar med **avfallshantering**.",
    )
    response = client.get("/soker-partner/")
    assert "3 sökningar." in response.content.decode()
    assert set(listed(client)) == {kenya.slug, europe.slug, abroad.slug}
    assert listed(client, "?kind=projektpartner") == [europe.slug]
    # A country: the requests looking there and the one coming from there.
    assert set(listed(client, "?country=KE")) == {kenya.slug, abroad.slug}
    # A region: chosen as a region, or through a country in it.
    assert listed(client, "?region=ovriga_europa") == [europe.slug]
    assert set(listed(client, "?region=ovriga_varlden")) == {kenya.slug, abroad.slug}
    # A theme matches its sub-themes too (energi belongs to miljöskydd …).
    assert listed(client, "?theme=miljoskydd-halsoskydd-och-klimat") == [europe.slug]
    assert listed(client, "?theme=skola-och-utbildning") == [kenya.slug]
    assert listed(client, "?municipality=trollhattan") == [europe.slug]
    assert listed(client, "?q=avfallshantering") == [abroad.slug]
    assert listed(client, "?q=kenya") == [kenya.slug]  # the title; countries too, below
    assert set(listed(client, "?q=Kisumu")) == {abroad.slug}
    filtered = client.get("/soker-partner/?kind=vanort").content.decode()
    assert "1 sökning som matchar filtret." in filtered


def test_expired_requests_are_not_counted_or_filtered_back(client):
    make_partner_request(title="Gammal", countries=["KE"], valid_until=days_from_today(-1))
    response = client.get("/soker-partner/?country=KE")
    assert response.context["page_obj"].paginator.count == 0
    assert "Inga aktuella sökningar matchar filtret" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?kind=allt", "kind", "Välj ett giltigt alternativ"),
        ("?country=ZZ", "country", "Välj ett giltigt alternativ"),
        ("?region=mars", "region", "Välj ett giltigt alternativ"),
        ("?theme=finns-inte", "theme", "Välj ett giltigt alternativ"),
        ("?municipality=atlantis", "municipality", "Välj ett giltigt alternativ"),
    ],
)
def test_bad_filter_input_is_reported_in_swedish_and_the_rest_still_filters(
    client, query, field, message
):
    kenya = make_partner_request(title="Vänort i Kenya", countries=["KE"])
    make_partner_request(title="Projektpartner", kind=SoughtKind.PROJECT_PARTNER)
    response = client.get(f"/soker-partner/{query}&q=Kenya")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Några val kunde inte användas" in content
    assert message in content
    assert field in response.context["filter"].form.errors
    assert [item.slug for item in response.context["object_list"]] == [kenya.slug]


def test_the_detail_page(client):
    vaxjo_contact = make_partner_request(
        title="Vänort i Kenya för skolutbyte",
        countries=["KE"],
        regions=["norden"],
        themes=["skola-och-utbildning"],
        description="Vi vill <script>alert(1)</script> **utbyta** lärare.",
        valid_until=datetime.date(2099, 6, 30),
    )
    response = client.get(f"/soker-partner/{vaxjo_contact.slug}/")
    content = response.content.decode()
    assert "<h1>Vänort i Kenya för skolutbyte</h1>" in content
    assert "Kenya" in content and "Norden" in content and "Skola och utbildning" in content
    assert "30 juni 2099" in content
    assert "<strong>utbyta</strong>" in content
    assert "<script>alert" not in content
    assert 'href="/kommuner/vaxjo/"' in content
    assert "Aktuell" in content


def test_a_contact_persons_details_follow_their_consent(client):
    from contacts.models import Person

    person = Person.objects.create(
        name="Ada Kontakt",
        slug="ada-kontakt",
        email="ada@vaxjo.se",
        phone="+46470123456",
        contact_details_public=False,
    )
    partner_request = make_partner_request(contact=person)
    content = client.get(f"/soker-partner/{partner_request.slug}/").content.decode()
    assert "Ada Kontakt" in content
    assert "ada@vaxjo.se" not in content
    person.contact_details_public = True
    person.save()
    content = client.get(f"/soker-partner/{partner_request.slug}/").content.decode()
    assert "ada@vaxjo.se" in content


def test_a_request_from_abroad_shows_the_organisation_and_its_country(client):
    partner_request = make_partner_request(
        title="Kisumu söker svensk partner", organisation=foreign_organisation("KE")
    )
    content = client.get(f"/soker-partner/{partner_request.slug}/").content.decode()
    assert "Kisumu County, Kenya" in content
    assert partner_request.slug in listed(client)


def test_the_municipality_page_lists_its_current_requests_before_the_contacts(client):
    trollhattan = Municipality.objects.get(slug="trollhattan")
    current = make_partner_request(title="Söker vänort i Japan", municipality=trollhattan)
    make_partner_request(
        title="Utgången sökning", municipality=trollhattan, valid_until=days_from_today(-3)
    )
    make_partner_request(title="Växjös sökning")
    content = client.get("/kommuner/trollhattan/").content.decode()
    assert 'id="soker-partner"' in content
    assert content.index('id="soker-partner"') < content.index('id="kontakt"')
    assert f"/soker-partner/{current.slug}/" in content
    assert "Söker vänort · till och med" in content
    assert "Utgången sökning" not in content
    assert "Växjös sökning" not in content


def test_a_municipality_without_requests_has_no_section(client):
    assert 'id="soker-partner"' not in client.get("/kommuner/vaxjo/").content.decode()


def test_search_finds_requests_by_title_country_and_seeker(client):
    partner_request = make_partner_request(
        title="Partnerskap om vattenrening", countries=["KE"], themes=["vatten-och-avlopp"]
    )
    for query in ("vattenrening", "Kenya", "Växjö"):
        response = client.get("/sok/", {"q": query})
        groups = {key: items for _label, key, items in response.context["groups"]}
        assert partner_request in groups.get("partner_requests", []), query
    content = client.get("/sok/", {"q": "vattenrening"}).content.decode()
    assert '<h2 id="traffar-partner_requests">Söker partner' in content


def test_the_feed_lists_current_requests_as_plain_text(client):
    current = make_partner_request(
        title="Vänort <b>i</b> Kenya", countries=["KE"], themes=["kultur"]
    )
    make_partner_request(title="Utgången", valid_until=days_from_today(-1))
    make_partner_request(title="Utkast", is_published=False)
    response = client.get("/flode/soker-partner/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "sv"
    entries = root.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Vänort <b>i</b> Kenya (Växjö kommun)"
    ]
    entry = entries[0]
    assert (
        entry.findtext(f"{ATOM}id") == f"urn:internationella-samarbeten:soker-partner:{current.pk}"
    )
    summary = entry.findtext(f"{ATOM}summary")
    assert summary.startswith(
        "Söker vänort. Länder och världsdelar: Kenya. Samarbetsområden: Kultur."
    )
    assert "<link" not in summary
    assert 'href="/flode/soker-partner/"' in client.get("/soker-partner/").content.decode()


def test_the_sitemap_lists_the_list_and_current_requests(client):
    current = make_partner_request()
    expired = make_partner_request(valid_until=days_from_today(-1))
    pages = client.get("/sitemap-sidor.xml").content.decode()
    assert "http://testserver/soker-partner/</loc>" in pages
    content = client.get("/sitemap-soker-partner.xml").content.decode()
    assert f"/soker-partner/{current.slug}/" in content
    assert f"/soker-partner/{expired.slug}/" not in content


def test_the_page_cache_forgets_a_request_at_midnight(client, settings, freeze_today):
    """A cached page is kept for an hour, but never past the day it was made on."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 3600
    # The content version in this process only: other processes' saves must not renew it.
    settings.CACHES = {
        **settings.CACHES,
        "versions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    last_day = datetime.date(2027, 3, 31)
    partner_request = make_partner_request(title="Sista dagen", valid_until=last_day)
    freeze_today(last_day)
    assert partner_request.slug in client.get("/soker-partner/").content.decode()
    freeze_today(last_day + datetime.timedelta(days=1))
    assert partner_request.slug not in client.get("/soker-partner/").content.decode()
    assert PartnerRequest.objects.filter(pk=partner_request.pk).exists()
