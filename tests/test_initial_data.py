"""The one command that loads the reference data and the seed fixtures."""

import io

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db.models import Model

from datasets.initial_data import FIXTURE_FILES, FIXTURES_DIR, FixtureError, load_initial_data
from portal.models import Municipality
from projects.models import Project

pytestmark = pytest.mark.django_db

APPS = ["portal", "contacts", "partnerships", "projects", "networks"]


def database_snapshot() -> str:
    from django.apps import apps

    models: list[type[Model]] = [
        model for app in APPS for model in apps.get_app_config(app).get_models()
    ]
    return "".join(
        serializers.serialize("json", model._default_manager.order_by("pk")) for model in models
    )


def test_loading_again_changes_nothing():
    before = database_snapshot()
    report = load_initial_data()
    assert report.total("created") == 0
    assert report.total("updated") == 0
    assert report.total("unchanged") > 700
    assert database_snapshot() == before


def test_the_command_reports_in_swedish():
    out = io.StringIO()
    call_command("load_initial_data", stdout=out)
    assert "0 nya, 0 ändrade" in out.getvalue()


def test_every_fixture_file_is_loaded_and_exists():
    assert sorted(path.name for path in FIXTURES_DIR.glob("*.yaml")) == sorted(FIXTURE_FILES)


def test_a_changed_fact_is_restored_by_loading_again():
    Project.objects.filter(slug="sumba").update(title="Fel titel")
    report = load_initial_data()
    assert report.total("updated") == 1
    assert Project.objects.get(slug="sumba").title.startswith("Sustainable Urban Mobility")


def test_a_broken_fixture_is_refused_whole_with_a_clear_message(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "- model: portal.theme\n  fields: {slug: ny-tema, name: Nytt tema}\n"
        "- model: projects.project\n  fields: {slug: x, title: X, municipality: finns-inte}\n",
        encoding="utf-8",
    )
    with pytest.raises(FixtureError) as error:
        load_initial_data([str(broken)])
    assert "broken.yaml, post 2" in str(error.value)
    assert "finns-inte" in str(error.value)
    from portal.models import Theme

    assert not Theme.objects.filter(slug="ny-tema").exists()


def test_an_invalid_object_in_a_fixture_names_the_rule(tmp_path):
    broken = tmp_path / "invalid.yaml"
    broken.write_text(
        "- model: projects.project\n"
        "  fields: {slug: x, title: X, municipality: vaxjo, start_date: 2020-01-01,"
        " end_date: 2019-01-01, end_precision: day}\n",
        encoding="utf-8",
    )
    with pytest.raises(FixtureError) as error:
        load_initial_data([str(broken)])
    assert "Slutet kan inte ligga före starten." in str(error.value)


def test_the_command_fails_loudly_on_a_broken_fixture(monkeypatch, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("- model: portal.nothing\n  fields: {}\n", encoding="utf-8")
    monkeypatch.setattr("datasets.initial_data.FIXTURE_FILES", [str(broken)])
    with pytest.raises(CommandError, match="okänd modell"):
        call_command("load_initial_data")


def test_all_290_municipalities_and_21_counties():
    from portal.models import County

    assert Municipality.objects.filter(kind="kommun").count() == 290
    assert County.objects.count() == 21
    vaxjo = Municipality.objects.get(scb_code="0780")
    assert (vaxjo.slug, vaxjo.county.name) == ("vaxjo", "Kronobergs län")
    assert Municipality.objects.get(scb_code="0305").slug == "habo-uppsala"
    assert Municipality.objects.get(scb_code="0643").slug == "habo"


def test_official_names_have_no_genitive_s_after_x():
    """The reference file writes "Kalixs kommun"; SCB and the municipality write Kalix."""
    names = dict(Municipality.objects.values_list("scb_code", "name"))
    assert (names["2514"], names["2513"]) == ("Kalix kommun", "Överkalix kommun")
    assert not [name for name in names.values() if "xs kommun" in name]


def test_all_21_regions_unpublished_until_someone_writes_for_them():
    from portal.models import County

    regions = Municipality.objects.filter(kind="region")
    assert regions.count() == 20
    assert set(regions.values_list("scb_code", flat=True)) == {
        code for code in County.objects.values_list("code", flat=True) if code != "09"
    }
    skane = Municipality.objects.get(scb_code="12")
    assert (skane.name, skane.slug, skane.county.name) == (
        "Region Skåne",
        "region-skane",
        "Skåne län",
    )
    assert Municipality.objects.get(slug="vastra-gotalandsregionen").scb_code == "14"
    assert not regions.filter(is_published=True).exists()
    # The 21st: Gotland is a kommun with a region's tasks, and calls itself Region Gotland.
    gotland = Municipality.objects.get(scb_code="0980")
    assert (gotland.kind, gotland.public_name) == ("kommun", "Region Gotland")


def test_regions_keep_an_editors_display_name_when_loaded_again():
    gotland = Municipality.objects.get(scb_code="0980")
    gotland.display_name = "Region Gotland (kommunen)"
    gotland.save()
    load_initial_data()
    gotland.refresh_from_db()
    assert gotland.display_name == "Region Gotland (kommunen)"
