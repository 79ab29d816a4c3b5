"""The project list's filter values (projects.facets) are what the relations they replace
say, after every kind of change a coordinator, an import or an editor makes: the filters by
country, world region, theme, funding and programme find exactly the projects the slow
definitions (Project.countries, the theme's subthemes, the programme's family) would."""

import pytest
from django.core.management import call_command

from contacts.models import Organisation
from partnerships.models import Partnership, PartnershipParty, PartyRole
from portal.models import Country, FundingSource, Theme
from projects import facets
from projects.models import FacetKind, Programme, Project, ProjectFacet, ProjectParticipant
from tests.factories import make_organisation, make_project

pytestmark = pytest.mark.django_db


def slow_values(project: Project) -> set[tuple[int, str, str]]:
    """The project's values from the model's own definitions, without ProjectFacet."""
    rows = set()
    for country in project.countries:
        rows.add((project.pk, FacetKind.COUNTRY, country.code))
        if country.world_region:
            rows.add((project.pk, FacetKind.REGION, country.world_region))
    for theme in project.themes.all():
        rows.add((project.pk, FacetKind.THEME, str(theme.pk)))
        if theme.parent_id:
            rows.add((project.pk, FacetKind.THEME, str(theme.parent_id)))
    for source in project.funding_sources.all():
        rows.add((project.pk, FacetKind.FUNDING, str(source.pk)))
    programme = project.programme
    if programme:
        rows.add((project.pk, FacetKind.FUNDING, str(programme.funding_source_id)))
    # The programme filter has always matched a programme, its parent and its grandparent.
    for _level in range(3):
        if programme is None:
            break
        rows.add((project.pk, FacetKind.PROGRAMME, str(programme.pk)))
        programme = programme.parent
    return rows


def assert_current():
    stored = set(ProjectFacet.objects.values_list("project_id", "kind", "value"))
    expected = set()
    for project in Project.objects.all():
        expected |= slow_values(project)
    assert stored - expected == set(), "stale values"
    assert expected - stored == set(), "missing values"


def listed(client, **filters) -> tuple[int, set[str]]:
    """How many projects the list finds with these filters, and the first page's slugs."""
    response = client.get("/projekt/", filters)
    assert response.status_code == 200
    page = response.context["page_obj"]
    return page.paginator.count, {project.slug for project in page.object_list}


def test_the_seeds_values_are_the_slow_definitions():
    assert ProjectFacet.objects.exists()
    assert_current()


def test_a_participant_added_moved_and_removed():
    project = make_project()
    project.save()
    kenyan = make_organisation(country=Country.objects.get(code="KE"))
    participant = ProjectParticipant.objects.create(project=project, organisation=kenyan)
    assert (project.pk, FacetKind.COUNTRY, "KE") in set(
        ProjectFacet.objects.values_list("project_id", "kind", "value")
    )

    kenyan.country = Country.objects.get(code="TZ")
    kenyan.save()
    assert_current()

    participant.delete()
    assert_current()
    assert not ProjectFacet.objects.filter(project=project, kind=FacetKind.COUNTRY).exists()


def test_named_countries_themes_and_funding_added_and_removed():
    project = make_project()
    project.save()
    vietnam = Country.objects.get(code="VN")
    theme = Theme.objects.filter(parent__isnull=False).first()
    source = FundingSource.objects.first()

    project.partner_countries.add(vietnam)
    project.themes.set([theme])
    project.funding_sources.add(source)
    assert_current()

    project.partner_countries.remove(vietnam)
    project.themes.remove(theme)
    project.funding_sources.clear()
    assert_current()


def test_a_partnerships_partners_count_only_while_it_is_published():
    partnership = Partnership.objects.filter(is_published=True, projects__isnull=False).first()
    assert partnership is not None
    partnership.is_published = False
    partnership.save()
    assert_current()

    partnership.is_published = True
    partnership.save()
    party = partnership.parties.filter(role=PartyRole.PARTNER).first()
    party.delete()
    assert_current()

    PartnershipParty.objects.create(
        partnership=partnership,
        organisation=make_organisation(country=Country.objects.get(code="NA")),
        role=PartyRole.PARTNER,
    )
    assert_current()


def test_reference_data_moves_its_projects():
    programme = Programme.objects.filter(projects__isnull=False).first()
    other_parent = Programme.objects.exclude(pk=programme.pk).filter(parent__isnull=True).first()
    programme.parent = other_parent
    programme.save()
    assert_current()

    theme = Theme.objects.filter(parent__isnull=False, projects__isnull=False).first()
    theme.parent = Theme.objects.filter(parent__isnull=True).exclude(pk=theme.parent_id).first()
    theme.save()
    assert_current()

    country = Country.objects.get(code="DE")
    country.world_region = "ovriga_varlden"
    country.save()
    assert_current()


def test_a_batch_refreshes_once_and_right():
    with facets.batch():
        project = make_project()
        project.save()
        project.partner_countries.add(Country.objects.get(code="FI"))
        ProjectParticipant.objects.create(
            project=project, organisation=make_organisation(country=Country.objects.get(code="EE"))
        )
        assert not ProjectFacet.objects.filter(project=project).exists()  # not yet
    assert_current()


def test_the_command_mends_rows_written_behind_its_back():
    ProjectFacet.objects.all().delete()
    Organisation.objects.filter(country__code="VN").update(country=Country.objects.get(code="LA"))

    call_command("refresh_facets", verbosity=0)

    assert_current()


@pytest.mark.parametrize(
    ("name", "value"),
    [("country", "VN"), ("country", "XK"), ("region", "ovriga_varlden"), ("region", "norden")],
)
def test_the_filters_find_what_project_countries_say(client, name, value):
    count, first_page = listed(client, **{name: value})
    expected = {
        project.slug
        for project in Project.objects.published()
        if any(
            (country.code if name == "country" else country.world_region) == value
            for country in project.countries
        )
    }
    assert expected and count == len(expected)
    assert first_page <= expected


def test_a_spreadsheet_import_keeps_them_current(national_editor_client):
    from tests.admin.test_spreadsheets_support import confirm, export, upload

    csv = export(national_editor_client, Project, "csv").decode("utf-8-sig")
    ProjectFacet.objects.all().delete()  # the import must write them again
    Project.objects.filter(acronym="SUMBA").update(title="Tillfälligt namn")

    preview = upload(national_editor_client, Project, csv.encode("utf-8-sig"), "export.csv")
    assert not preview.context["result"].has_errors()
    confirm(national_editor_client, Project, preview)

    assert Project.objects.get(acronym="SUMBA").title != "Tillfälligt namn"
    changed = Project.objects.get(acronym="SUMBA")
    assert set(ProjectFacet.objects.values_list("project_id", "kind", "value")) >= slow_values(
        changed
    )
