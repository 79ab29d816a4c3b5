"""The public lists filter with plain GET forms, keep their values, count and paginate, and
answer bad input calmly in Swedish."""

import pytest
from django.utils.html import strip_tags

from projects.models import Project
from public.listing import PAGE_SIZE

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return strip_tags(response.content.decode())


def test_project_status_filter_keeps_its_value_and_counts(client):
    response = client.get("/projekt/", {"status": "avslutat"})
    html = response.content.decode()
    assert '<option value="avslutat" selected>' in html
    finished = [p for p in Project.objects.published() if p.status == "avslutat"]
    assert f"{len(finished)} projekt som matchar filtret" in text(response)
    assert "CoBiUM" not in html  # unknown period is not "avslutat"


def test_programme_filter_includes_sub_programmes(client):
    response = client.get("/projekt/", {"programme": "eruf"})
    assert "Urban Platsinnovation" not in text(response)
    assert response.context["page_obj"].paginator.count >= 1
    titles = [project.title for project in response.context["object_list"]]
    assert any(
        project.programme.slug == "interreg-oresund" for project in response.context["object_list"]
    ), titles


def test_country_and_region_filters(client):
    kosovo = client.get("/projekt/", {"country": "XK"})
    assert kosovo.context["page_obj"].paginator.count == 8
    world = client.get("/samarbeten/", {"region": "ovriga_varlden"})
    names = {p.name for p in world.context["object_list"]}
    assert "Tempe" in names
    assert "Hjørring" not in names


def test_year_range_overlaps_periods(client):
    response = client.get(
        "/projekt/", {"year_from": 2019, "year_to": 2019, "municipality": "vaxjo"}
    )
    titles = {p.acronym or p.title for p in response.context["object_list"]}
    assert "SUMBA" in titles  # oktober 2017 – september 2020
    assert "Avfallshantering och återvinning" not in titles  # 2014–2015


def test_free_text_searches_titles_and_participants(client):
    response = client.get("/projekt/", {"q": "Burlington"})
    assert [p.acronym for p in response.context["object_list"]] == ["IUCBV"]


def test_pagination_keeps_the_filter_in_its_links(client):
    response = client.get("/projekt/", {"municipality": "vaxjo", "q": ""})
    count = response.context["page_obj"].paginator.count
    assert count > PAGE_SIZE or response.context["page_obj"].paginator.num_pages == 1
    if count > PAGE_SIZE:
        assert "municipality=vaxjo&amp;q=&amp;page=2" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year_from": "abc"}, "Skriv året med fyra siffror"),
        ({"year_from": "2020", "year_to": "2010"}, "Till-året kan inte vara före från-året."),
        ({"status": "okand"}, "Välj ett giltigt alternativ"),
        ({"programme": "finns-inte"}, "Välj ett giltigt alternativ"),
        ({"country": "ZZ"}, "Välj ett giltigt alternativ"),
        ({"year_from": "99999"}, "Året måste vara 2100 eller tidigare."),
    ],
)
def test_bad_filter_values_get_a_swedish_message_not_an_error(client, params, message):
    response = client.get("/projekt/", params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_valid_filters_still_apply_beside_an_invalid_one(client):
    response = client.get("/projekt/", {"country": "XK", "year_from": "abc"})
    assert response.context["page_obj"].paginator.count == 8


def test_page_past_the_end_shows_the_last_page(client):
    response = client.get("/projekt/", {"page": "99999"})
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert page.number == page.paginator.num_pages
    assert client.get("/projekt/", {"page": "x"}).status_code == 200


@pytest.mark.parametrize("number", ["0", "-1", "x", "1.5", ""])
def test_a_page_number_that_is_not_a_page_shows_the_first(client, number):
    response = client.get("/projekt/", {"page": number})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_very_long_query_is_cut_calmly(client):
    response = client.get("/projekt/", {"q": "a" * 5000})
    assert response.status_code == 200
    response = client.get("/sok/", {"q": "a" * 5000})
    assert response.status_code == 200
    assert "Sökningen var för lång" in response.content.decode()


def test_html_in_a_query_is_escaped(client):
    attack = '<script>alert("x")</script>'
    for url in ["/sok/", "/projekt/", "/samarbeten/", "/natverk/", "/berattelser/"]:
        html = client.get(url, {"q": attack}).content.decode()
        assert attack not in html, url
        assert "&lt;script&gt;" in html, url


@pytest.mark.parametrize(
    "url",
    [
        "/kommuner/finns-inte/",
        "/samarbeten/finns-inte/",
        "/projekt/finns-inte/",
        "/natverk/finns-inte/",
    ],
)
def test_unknown_slugs_answer_a_swedish_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_network_list_and_detail(client):
    response = client.get("/natverk/", {"category": "interreg"})
    assert response.context["page_obj"].paginator.count == 20
    html = client.get("/natverk/sern/").content.decode()
    assert "Trollhättans Stad" in html
    assert "Medlem sedan 2005" in html
    assert "Ordförande 2021–2023" in html
    assert '"@type": "Organization"' in html


def test_search_groups_results_by_type(client):
    html = client.get("/sok/", {"q": "Växjö"}).content.decode()
    for heading in ["Kommuner", "Projekt", "Organisationer"]:
        assert f'{heading} <span class="count">' in html
    html = client.get("/sok/", {"q": "Isak"}).content.decode()
    assert "Personer" in html and "isak.johansson@trollhattan.se" in html


def test_glossary_and_accessibility_statement(client):
    glossary = text(client.get("/om/begrepp/"))
    for term in [
        "Vänort",
        "Kommunalt partnerskap",
        "Andra internationella samarbeten",
        "Sporadisk",
        "Vilande",
        "ICLD",
        "ERUF",
        "Interreg",
        "IUC",
        "Förstudie",
    ]:
        assert term in glossary
    statement = client.get("/om/tillganglighet/").content.decode()
    # Every page type the browser tests run axe on (tests/browser/test_pages_in_browser.py).
    for page_type in ["kartan", "statistiken", "söker partner", "sökningen", "felsidan"]:
        assert page_type in statement
    assert "https://www.digg.se/tdosanmalan" in statement
    assert "delvis förenlig" in statement
    assert "Senaste bedömningen gjordes den" in statement
    home = client.get("/").content.decode()
    assert 'href="/om/tillganglighet/"' in home


def test_robots_and_sitemap(client):
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    assert "Disallow: /*/ladda-ner." in robots
    index = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/sitemap-kommuner.xml</loc>" in index
    assert "/kommuner/vaxjo/</loc>" in client.get("/sitemap-kommuner.xml").content.decode()
    assert "/projekt/</loc>" in client.get("/sitemap-sidor.xml").content.decode()


@pytest.mark.parametrize("path", ["/projekt/", "/samarbeten/"])
def test_dropdowns_are_in_swedish_alphabetical_order(client, path):
    from portal.formatting import swedish_sort_key

    form = client.get(path).context["filter"].form
    for name in ("country", "municipality"):
        labels = [str(label) for value, label in form.fields[name].choices if value != ""]
        assert labels == sorted(labels, key=swedish_sort_key), name
    countries = [str(label) for _value, label in form.fields["country"].choices]
    assert countries.index("Moçambique") < countries.index("Montenegro")
    assert countries.index("Åland") < countries.index("Österrike") if "Åland" in countries else True


@pytest.mark.parametrize(
    "path", ["/projekt/", "/samarbeten/", "/natverk/", "/berattelser/", "/soker-partner/"]
)
def test_every_list_filters_by_municipality(client, path):
    """Each list's Kommun filter narrows it to that municipality's entries (and never fails)."""
    response = client.get(path, {"municipality": "trollhattan"})
    assert response.status_code == 200
    filtered = response.context["page_obj"].paginator.count
    assert filtered <= client.get(path).context["page_obj"].paginator.count
    assert "municipality" not in response.context["filter"].errors


def test_a_page_lists_its_rows_in_the_lists_order(client):
    """Pages are read as keys first, then rows (public/listing.py): the rows keep the order."""
    import datetime

    from projects.models import Project
    from tests.factories import make_project

    for day in range(45):
        project = make_project(
            title=f"Ordning {day:02}",
            start_date=datetime.date(2030, 1, 1) + datetime.timedelta(day),
        )
        project.is_published = True
        project.save()
    expected = list(
        Project.objects.published().order_by("-start_date", "title").values_list("slug", flat=True)
    )

    for number in (1, 2, 3):
        page = client.get("/projekt/", {"page": number}).context["page_obj"]
        assert [project.slug for project in page.object_list] == expected[
            (number - 1) * 20 : number * 20
        ]
