"""generate_scale_data: realistic volumes on top of the fixtures, and removing them again."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from contacts.models import Organisation, Person
from datasets import scale_data
from networks.models import Membership, Network
from partnerships.models import Partnership
from portal.models import Municipality
from projects.models import ParticipantRole, Project, ProjectParticipant

pytestmark = pytest.mark.django_db

TINY = ["--partnerships", "12", "--projects", "80", "--networks", "4", "--people", "30"]


def run(*args) -> str:
    out = StringIO()
    call_command("generate_scale_data", *args, "--no-progress", stdout=out)
    return out.getvalue()


def generated(model):
    return model.objects.filter(slug__startswith=scale_data.PREFIX)


def snapshot() -> dict:
    return {
        model.__name__: sorted(generated(model).values_list("slug", flat=True))
        for model in (Organisation, Person, Partnership, Project, Network)
    }


@pytest.fixture
def tiny():
    return run(*TINY)


def test_counts_and_summary(tiny):
    assert generated(Partnership).count() == 12
    assert generated(Project).count() == 80
    assert generated(Network).count() == 4
    assert generated(Person).count() == 30
    assert not Municipality.objects.filter(is_published=False).exists()
    assert not Municipality.objects.filter(intro="").exists()
    # Every municipality is in at least one generated network.
    members = Membership.objects.filter(network__slug__startswith=scale_data.PREFIX)
    assert members.values("municipality").distinct().count() == Municipality.objects.count()
    assert "Skaldata skapad: " in tiny
    assert "12 samarbeten, 80 projekt, 4 nätverk" in tiny
    assert "sekunder" in tiny


def test_scale_option():
    sizes = scale_data.Sizes().scaled(0.002)
    assert sizes == scale_data.Sizes(partnerships=10, projects=100, networks=1, people=40)
    run("--scale", "0.002")
    assert generated(Project).count() == 100
    assert generated(Network).count() == 1


def test_same_seed_same_data():
    run(*TINY, "--seed", "7")
    first = snapshot()
    call_command("generate_scale_data", "--clear", stdout=StringIO())
    run(*TINY, "--seed", "7")
    assert snapshot() == first


def test_sample_passes_full_clean(tiny):
    for model in (Project, Partnership, Person, Organisation, Network):
        for instance in generated(model).order_by("pk")[:20]:
            instance.full_clean()
    for participant in ProjectParticipant.objects.filter(
        project__slug__startswith=scale_data.PREFIX
    )[:20]:
        participant.full_clean()


def test_money_and_lead_partner_constraints(tiny):
    projects = generated(Project)
    assert not projects.filter(
        grant_currency=F("budget_currency"), grant_amount__gt=F("total_budget")
    ).exists()
    assert not projects.filter(Q(total_budget__lt=0) | Q(grant_amount__lt=0)).exists()
    assert not projects.filter(total_budget__isnull=False, budget_currency="").exists()
    assert not projects.filter(grant_amount__isnull=False, grant_currency="").exists()
    leads = projects.annotate(
        leads=Count(
            "project_participants",
            filter=Q(project_participants__role=ParticipantRole.LEAD_PARTNER),
        )
    )
    assert set(leads.values_list("leads", flat=True)) == {1}


def test_periods_are_normalised(tiny):
    for project in generated(Project).exclude(start_date=None)[:50]:
        ends_on = project.ends_on
        project.normalise_period()
        assert project.ends_on == ends_on
    ended = generated(Partnership).finished()
    assert not ended.exclude(activity_level="").exists()


def test_public_pages_answer(client, tiny):
    project = generated(Project).filter(is_published=True).select_related("municipality").first()
    municipality = project.municipality
    assert client.get(f"/kommuner/{municipality.slug}/").status_code == 200
    response = client.get(f"/projekt/?municipality={municipality.slug}")
    assert response.status_code == 200
    assert client.get(f"/projekt/{project.slug}/").status_code == 200
    partnership = generated(Partnership).filter(is_published=True).first()
    assert client.get(f"/samarbeten/{partnership.slug}/").status_code == 200


def test_second_run_refuses_and_changes_nothing(tiny):
    before = snapshot()
    with pytest.raises(CommandError, match="Det finns redan genererad skaldata"):
        run(*TINY)
    assert snapshot() == before


def test_clear_removes_generated_data(tiny):
    out = StringIO()
    call_command("generate_scale_data", "--clear", stdout=out)
    assert "Skaldata borttagen" in out.getvalue()
    assert all(not slugs for slugs in snapshot().values())
    assert not Membership.objects.filter(network__slug__startswith=scale_data.PREFIX).exists()
    # The seeds' own records and intros are untouched; generated intros are gone.
    assert Project.objects.filter(slug__startswith="skala-").count() == 0
    assert Project.objects.exists()
    assert not Municipality.objects.filter(
        intro__contains="samarbetar med kommuner, regioner"
    ).exists()
    # And a new run is possible.
    run(*TINY)
    assert generated(Project).count() == 80


def test_clear_without_data():
    out = StringIO()
    call_command("generate_scale_data", "--clear", stdout=out)
    assert "ingen genererad skaldata" in out.getvalue()
