"""A resident reads Växjö's, Trollhättan's and Kristianstad's pages and finds what the seed
texts say: partnerships, projects under the right status, people, periods and contacts."""

import re

import pytest
from django.utils.html import strip_tags

from public.selectors import public_municipalities

pytestmark = pytest.mark.django_db


def section(html: str, heading_id: str) -> str:
    """The text of one <section> of the municipality page, by its heading's id."""
    match = re.search(
        rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, flags=re.DOTALL
    )
    assert match, f"no section {heading_id}"
    return match.group(1)


def sub_section(html: str, heading: str) -> str:
    """The text after an h3/h4 heading up to the next heading of the same or higher level."""
    match = re.search(rf"<h([34])>{heading}</h\1>", html)
    assert match, f"no heading {heading}"
    rest = html[match.end() :]
    end = re.search(rf"<h[1-{match.group(1)}][ >]", rest)
    return strip_tags(rest[: end.start()] if end else rest)


@pytest.fixture
def vaxjo(client):
    response = client.get("/kommuner/vaxjo/")
    assert response.status_code == 200
    return response.content.decode()


def test_vaxjo_municipal_partnerships_with_partners_coordinators_and_contacts(vaxjo):
    kp = section(vaxjo, "kp")
    for partner in ["JB Marks Local Municipality, Sydafrika", "An Giang", "Vushtrri"]:
        assert partner in kp
    assert "tidigare Tlokwe City Council" in kp
    assert "Institutet för lokal och regional demokrati" in kp
    assert 'href="mailto:daniel@idvxo.se"' in kp
    assert 'href="tel:+46736770709"' in kp
    assert "073-677 07 09" in kp


def test_vaxjo_projects_that_have_ended_are_listed_as_finished(vaxjo):
    projects = section(vaxjo, "projekt")
    finished = sub_section(projects, "Avslutade projekt")
    for acronym in ["READY", "NERO", "SUMBA", "Resolve", "IUCBV"]:
        assert acronym in finished
    assert "Pågående projekt" not in projects
    assert "CoBiUM" in sub_section(projects, "Projekt utan känd period")
    assert "från 1 december 2014" in finished


def test_vaxjo_kosovo_projects_with_periods(vaxjo):
    kp = strip_tags(section(vaxjo, "kp"))
    assert "Socialt entreprenörskap 2 (SEKOS 2), januari 2018 – december 2020" in kp
    assert "Avfallsplanering och avfallskommunikation, 2015–2017" in kp


def test_vaxjo_stories_and_last_update(vaxjo):
    assert "Växjö budgeterar CO2" in section(vaxjo, "berattelser")
    assert "Senast granskad 11 december 2018" in strip_tags(vaxjo)


def test_trollhattan_twin_towns_current_and_former(client):
    html = client.get("/kommuner/trollhattan/").content.decode()
    twin_towns = section(html, "vanorter")
    assert "Tempe, USA" in twin_towns
    assert "Studentutbytesprogrammet" in twin_towns
    former = sub_section(twin_towns, "Tidigare vänorter och samarbeten")
    for town in ["Hjørring", "Kerava", "Kristiansand", "Reykjanesbær"]:
        assert town in former
    assert "till och med 2017" in former
    assert "Ersattes av Nordiskt samarbetsavtal" in former


def test_trollhattan_networks_with_years_roles_and_contact(client):
    html = client.get("/kommuner/trollhattan/").content.decode()
    networks = strip_tags(section(html, "natverk"))
    assert "Sweden Emilia Romagna Network (SERN)" in networks
    assert "Medlem sedan 2005" in networks
    assert "Ordförande 2021–2023" in networks
    contact = section(html, "kontakt")
    assert "Isak Johansson" in contact
    assert 'href="mailto:isak.johansson@trollhattan.se"' in contact
    assert "Kontaktcenter" in contact


def test_kristianstad_interreg_project(client):
    html = client.get("/kommuner/kristianstad/").content.decode()
    projects = section(html, "projekt")
    finished = sub_section(projects, "Avslutade projekt")
    assert "2014" in finished
    assert "Interreg" in strip_tags(html) or "Køge" in strip_tags(html)


def test_empty_sections_are_left_out(client):
    html = client.get("/kommuner/kristianstad/").content.decode()
    assert 'id="vanorter"' not in html
    assert 'id="kp"' not in html
    assert 'id="natverk"' not in html


def test_municipality_page_has_json_ld_and_canonical(client):
    html = client.get("/kommuner/vaxjo/?utm=x").content.decode()
    assert '<script type="application/ld+json">' in html
    assert '"@type": "GovernmentOrganization"' in html
    assert '<link rel="canonical" href="http://testserver/kommuner/vaxjo/">' in html
    assert '<meta property="og:title" content="Internationellt samarbete i Växjö kommun">' in html


def test_a_long_project_list_shows_ten_and_links_to_the_rest(client):
    """A municipality with many projects: each status group and each partnership shows ten,
    says how many there are, and links to all of them."""
    import datetime

    from partnerships.models import Partnership
    from public.selectors import PROJECTS_SHOWN
    from tests.factories import make_project

    vushtrri = Partnership.objects.get(slug="vaxjo-vushtrri")
    for number in range(25):
        for partnership in (None, vushtrri):
            make_project(
                title=f"Mängdprojekt {number:02d} {'i samarbetet' if partnership else 'eget'}",
                slug=f"mangd-{number}-{'p' if partnership else 'e'}",
                partnership=partnership,
                start_date=datetime.date(2001, 1, 1),
                start_precision="year",
                end_date=datetime.date(2002, 1, 1),
                end_precision="year",
                is_published=True,
            ).save()
    html = client.get("/kommuner/vaxjo/").content.decode()
    projects = section(html, "projekt")
    finished = projects[projects.index("<h3>Avslutade projekt</h3>") :]
    finished = finished[: finished.index("</ul>")]
    assert finished.count('<li class="card">') == PROJECTS_SHOWN
    assert "Här visas 10 av 30. Se alla avslutade projekt i Växjö" in strip_tags(projects)
    assert '/projekt/?municipality=vaxjo&amp;status=avslutat"' in projects
    article = html[html.index(f'id="p-{vushtrri.slug}"') :]
    article = article[: article.index("</article>")]
    total = vushtrri.projects.count()
    assert total > 25
    assert f"Här visas {PROJECTS_SHOWN} av {total} projekt." in strip_tags(article)
    assert f'href="/samarbeten/{vushtrri.slug}/">Se alla projekt i samarbetet</a>' in html

    # The links lead to all of them.
    listed = client.get("/projekt/", {"municipality": "vaxjo", "status": "avslutat"})
    assert listed.status_code == 200
    assert listed.context["paginator"].count >= 50
    assert client.get(f"/samarbeten/{vushtrri.slug}/").content.decode().count("Mängdprojekt") == 25


def test_the_municipality_list_groups_by_county_and_counts_all_of_sweden(client):
    from portal.models import Municipality

    response = client.get("/kommuner/")

    html = response.content.decode()
    with_page = public_municipalities().filter(kind="kommun").count()
    assert f"{with_page} av Sveriges 290 kommuner har en sida" in html
    counties = [county.name for county, members in response.context["counties"]]
    assert counties == sorted(counties)
    kronoberg = dict(response.context["counties"])
    assert {m.slug for m in next(v for k, v in kronoberg.items() if k.code == "07")} >= {"vaxjo"}
    assert '<th scope="rowgroup" colspan="5" id="lan-07">Kronobergs län</th>' in html
    # A municipality with nothing public is in the admin's choices but not here.
    listed = {m.pk for _, members in response.context["counties"] for m in members}
    assert listed == set(public_municipalities().values_list("pk", flat=True))
    assert Municipality.objects.exclude(pk__in=listed).exists()


def test_a_published_page_with_nothing_on_it_says_so(client):
    from portal.models import Municipality

    region = Municipality.objects.get(slug="region-skane")
    region.is_published = True
    region.save()
    page = client.get(f"/kommuner/{region.slug}/").content.decode()

    assert f"{region.public_name} har ännu inte publicerat några vänorter" in page
    assert "har ännu inte publicerat" not in client.get("/kommuner/vaxjo/").content.decode()


def test_an_unknown_period_is_worded_the_same_on_the_project_and_municipality_pages(client):
    project_page = client.get("/projekt/cobium/").content.decode()
    municipality_page = client.get("/kommuner/vaxjo/").content.decode()

    assert "<dd>Okänd period (3 år)</dd>" in project_page
    assert "Okänd period · 3 år" in municipality_page
    assert "Period saknas" not in municipality_page


def test_the_municipality_list_counts_what_published_municipalities_counts(client):
    """The list reads its counts in one GROUP BY per kind of record; they are the figures
    published_municipalities() gives each municipality (records of its own and those it
    takes part in, networks only where it wrote its page)."""
    from public.selectors import municipalities_with_counts, published_municipalities

    fields = ("partnership_count", "project_count", "network_count", "story_count")
    expected = {
        municipality.slug: tuple(getattr(municipality, name) for name in fields)
        for municipality in published_municipalities()
    }
    counted = {
        municipality.slug: tuple(getattr(municipality, name) for name in fields)
        for municipality in municipalities_with_counts(public_municipalities())
    }
    assert counted == expected
    assert any(any(counts) for counts in counted.values())
    html = client.get("/kommuner/").content.decode()
    vaxjo = html[html.index('href="/kommuner/vaxjo/"') :]
    cells = re.findall(r'<td class="num" data-label="[^"]+">(\d+)</td>', vaxjo)[:4]
    assert tuple(int(cell) for cell in cells) == expected["vaxjo"]
