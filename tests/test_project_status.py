"""A project's status is derived from its period and today, never stored."""

import datetime

import pytest

from portal.formatting import PeriodStatus
from projects.models import Project
from tests.factories import make_project

d = datetime.date
pytestmark = pytest.mark.django_db


def saved_project(**fields) -> Project:
    project = make_project(**fields)
    project.full_clean()
    project.save()
    return project


def test_dates_are_stored_at_the_edges_of_their_precision():
    project = saved_project(
        start_date=d(2017, 1, 15),
        start_precision="month",
        end_date=d(2019, 12, 1),
        end_precision="month",
    )
    assert project.start_date == d(2017, 1, 1)
    assert project.end_date == d(2019, 12, 31)
    assert project.period_display == "januari 2017 – december 2019"


def test_a_length_without_an_end_gives_the_end():
    ready = Project.objects.get(slug="ready")
    assert ready.period_display == "från 1 december 2014"
    assert ready.duration_display == "5 år"
    assert ready.ends_on == d(2019, 11, 30)
    assert ready.status_on(d(2019, 11, 30)) == PeriodStatus.ONGOING
    assert ready.status_on(d(2019, 12, 1)) == PeriodStatus.FINISHED


def test_a_project_the_2018_page_called_ongoing_has_ended_today():
    project = Project.objects.get(slug="new-coordination-structure-vulnerable-families")
    assert project.status_on(d(2018, 12, 11)) == PeriodStatus.ONGOING
    assert project.status_on(d(2026, 11, 23)) == PeriodStatus.FINISHED
    assert project.status_display == "Avslutat"


def test_a_project_with_no_dates_has_an_unknown_status():
    cobium = Project.objects.get(slug="cobium")
    assert cobium.status is None
    assert cobium.status_display == "Okänd period"


@pytest.mark.parametrize(
    "today", [d(2014, 12, 31), d(2016, 1, 1), d(2017, 12, 31), d(2018, 12, 11), d(2026, 11, 23)]
)
def test_queryset_filters_agree_with_the_status_of_each_project(today):
    by_status = {
        PeriodStatus.PLANNED: set(Project.objects.planned(today)),
        PeriodStatus.ONGOING: set(Project.objects.ongoing(today)),
        PeriodStatus.FINISHED: set(Project.objects.finished(today)),
    }
    for project in Project.objects.all():
        status = project.status_on(today)
        for candidate, projects in by_status.items():
            assert (project in projects) == (candidate == status), (project, today, status)


def test_status_filters_on_the_boundary_days():
    project = saved_project(
        start_date=d(2030, 1, 1),
        start_precision="year",
        end_date=d(2031, 12, 31),
        end_precision="year",
    )
    assert project in Project.objects.planned(d(2029, 12, 31))
    assert project in Project.objects.ongoing(d(2030, 1, 1))
    assert project in Project.objects.ongoing(d(2031, 12, 31))
    assert project in Project.objects.finished(d(2032, 1, 1))
