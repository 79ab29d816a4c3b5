"""The project list's filter values (ProjectFacet), kept current in this one place.

The filters by country, world region, theme, funding and programme follow relations: a
country is a participant's abroad, one named on the project or a partner's of its published
partnership (Project.countries); a theme matches its subthemes' projects; a funding source
also its programmes' projects; a programme also its subprogrammes'. Joined at request time
that costs a pass over 175 000 participant rows at scale; instead each project's values are
written to ProjectFacet whenever something they derive from changes, and a filter is one
index lookup (`matching`).

`refresh(project_ids)` recomputes the rows of some projects from the relations (a few
queries per 2 000 projects, whatever changed). The signal receivers below call it for every
save, delete and many-to-many change that can move a value; paths that write with
bulk_create or update() (the imports, the scale data, the seeds) call it themselves.
`batch()` gathers the refreshes of many saves into one; `rebuild()` recomputes every project
(`manage.py refresh_facets`).
"""

import contextlib
import contextvars
from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from contacts.models import Organisation
from partnerships.models import Partnership, PartnershipParty, PartyRole
from portal.countries import SWEDEN
from portal.models import Country, Theme
from projects.models import FacetKind, Programme, Project, ProjectFacet, ProjectParticipant

CHUNK = 2000


def matching(kind: str, value) -> Q:
    """Projects with `value` among their `kind` values: a condition for Project querysets."""
    value = str(getattr(value, "pk", value))
    facets = ProjectFacet.objects.filter(kind=kind, value=value).values("project")
    return Q(pk__in=facets)


def facet_values(project_ids: list[int], apps=global_apps) -> set[tuple[int, str, str]]:
    """(project id, kind, value) of the given projects, read from their relations. `apps` is
    a migration's historical registry, or the real one."""
    project_model = apps.get_model("projects", "Project")
    participants = apps.get_model("projects", "ProjectParticipant")._base_manager
    parties = apps.get_model("partnerships", "PartnershipParty")._base_manager

    def through(name: str):
        return project_model._meta.get_field(name).remote_field.through._base_manager.filter(
            project_id__in=project_ids
        )

    rows: set[tuple[int, str, str]] = set()

    def add_countries(triples: Iterable[tuple[int, str | None, str | None]]) -> None:
        for project_id, code, region in triples:
            if code and code != SWEDEN:
                rows.add((project_id, FacetKind.COUNTRY, code))
                if region:
                    rows.add((project_id, FacetKind.REGION, region))

    add_countries(
        participants.filter(project_id__in=project_ids).values_list(
            "project_id", "organisation__country_id", "organisation__country__world_region"
        )
    )
    add_countries(
        through("partner_countries").values_list(
            "project_id", "country_id", "country__world_region"
        )
    )
    add_countries(
        parties.filter(
            partnership__projects__in=project_ids,
            partnership__is_published=True,
            role=PartyRole.PARTNER,
        ).values_list(
            "partnership__projects",
            "organisation__country_id",
            "organisation__country__world_region",
        )
    )
    for project_id, theme_id, parent_id in through("themes").values_list(
        "project_id", "theme_id", "theme__parent_id"
    ):
        rows.update((project_id, FacetKind.THEME, str(pk)) for pk in (theme_id, parent_id) if pk)
    for project_id, source_id in through("funding_sources").values_list(
        "project_id", "fundingsource_id"
    ):
        rows.add((project_id, FacetKind.FUNDING, str(source_id)))
    programmes = project_model._base_manager.filter(pk__in=project_ids, programme__isnull=False)
    for project_id, *programme_ids, source_id in programmes.values_list(
        "pk",
        "programme_id",
        "programme__parent_id",
        "programme__parent__parent_id",
        "programme__funding_source_id",
    ):
        rows.update(
            (project_id, FacetKind.PROGRAMME, str(pk)) for pk in programme_ids if pk is not None
        )
        if source_id is not None:
            rows.add((project_id, FacetKind.FUNDING, str(source_id)))
    return rows


def refresh(project_ids: Iterable[int], apps=global_apps) -> None:
    """Make the ProjectFacet rows of these projects what their relations say."""
    facet_model = apps.get_model("projects", "ProjectFacet")
    ids = sorted({pk for pk in project_ids if pk is not None})
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        wanted = facet_values(chunk, apps)
        existing = {
            (project_id, kind, value): pk
            for pk, project_id, kind, value in facet_model.objects.filter(
                project_id__in=chunk
            ).values_list("pk", "project_id", "kind", "value")
        }
        stale = [pk for key, pk in existing.items() if key not in wanted]
        if stale:
            facet_model.objects.filter(pk__in=stale).delete()
        facet_model.objects.bulk_create(
            [
                facet_model(project_id=project_id, kind=kind, value=value)
                for project_id, kind, value in sorted(wanted - existing.keys())
            ],
            batch_size=CHUNK,
        )


def rebuild(apps=global_apps) -> None:
    """Every project's rows (after the seeds, the scale data, in a migration)."""
    refresh(apps.get_model("projects", "Project")._base_manager.values_list("pk", flat=True), apps)


#: While `batch()` runs: the projects whose values are to be refreshed when it ends.
_pending: contextvars.ContextVar[set | None] = contextvars.ContextVar(
    "facets_pending", default=None
)


def refresh_later(project_ids) -> None:
    """Refresh these projects now, or at the end of the enclosing `batch()`."""
    pending = _pending.get()
    if pending is None:
        refresh(project_ids)
    else:
        pending.update(project_ids)


@contextlib.contextmanager
def batch():
    """Refresh each changed project once, at the end, however many of its rows are saved
    inside (an import, an admin form with its inlines)."""
    if _pending.get() is not None:  # already inside one
        yield
        return
    token = _pending.set(set())
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    refresh(pending)


# What can move a value, and which projects it moves.


def _projects_of_partnerships(partnership_ids) -> list[int]:
    return list(
        Project.objects.filter(partnership__in=partnership_ids).values_list("pk", flat=True)
    )


@receiver(post_save, sender=Project)
def _project_saved(sender, instance, raw=False, **kwargs):
    # Programme and partnership are the project's own columns.
    refresh_later([instance.pk])


@receiver([post_save, post_delete], sender=ProjectParticipant)
def _participant_changed(sender, instance, **kwargs):
    refresh_later([instance.project_id])


@receiver(m2m_changed, sender=Project.partner_countries.through)
@receiver(m2m_changed, sender=Project.themes.through)
@receiver(m2m_changed, sender=Project.funding_sources.through)
def _project_relations_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # simple_history's tracking of these fields allows no change from the other side (a
    # theme's projects) today; should it come, pk_set names the projects.
    if action.startswith("post_"):
        refresh_later(pk_set or () if reverse else [instance.pk])


@receiver([post_save, post_delete], sender=PartnershipParty)
def _party_changed(sender, instance, **kwargs):
    refresh_later(_projects_of_partnerships([instance.partnership_id]))


@receiver(post_save, sender=Partnership)
def _partnership_saved(sender, instance, **kwargs):
    # Publishing or withdrawing it adds or takes away its partners' countries.
    refresh_later(_projects_of_partnerships([instance.pk]))


@receiver(post_save, sender=Organisation)
def _organisation_saved(sender, instance, **kwargs):
    # Its country may have changed.
    projects = set(
        ProjectParticipant.objects.filter(organisation=instance).values_list("project", flat=True)
    )
    partnerships = PartnershipParty.objects.filter(organisation=instance).values("partnership")
    projects.update(_projects_of_partnerships(partnerships))
    refresh_later(projects)


@receiver(post_save, sender=Country)
def _country_saved(sender, instance, **kwargs):
    # Its world region may have changed.
    refresh_later(
        ProjectFacet.objects.filter(kind=FacetKind.COUNTRY, value=instance.pk).values_list(
            "project", flat=True
        )
    )


@receiver(post_save, sender=Theme)
def _theme_saved(sender, instance, **kwargs):
    # Its parent may have changed.
    refresh_later(instance.projects.values_list("pk", flat=True))


@receiver(post_save, sender=Programme)
def _programme_saved(sender, instance, **kwargs):
    # Its parent or funding source may have changed: its projects and its subprogrammes'.
    family = Q(programme=instance) | Q(programme__parent=instance)
    family |= Q(programme__parent__parent=instance)
    refresh_later(Project.objects.filter(family).values_list("pk", flat=True))
