"""What moves a search document: the record's own save or delete, and a change to a name
its document holds (a partner, the municipality, a programme, a country, a theme).

The search store stands below the apps it indexes: their models are named by label here
(Django connects a label when its model is loaded), never imported."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from search.index import refresh_later
from search.models import Kind

OWN = {
    "portal.Municipality": Kind.MUNICIPALITY,
    "partnerships.Partnership": Kind.PARTNERSHIP,
    "projects.Project": Kind.PROJECT,
    "networks.Network": Kind.NETWORK,
    "seeking.PartnerRequest": Kind.PARTNER_REQUEST,
}
#: Names that other records' documents hold: a change to one refreshes them.
NAMES = {
    "portal.Municipality": ("name", "short_name"),
    "contacts.Organisation": ("name", "short_name", "country_id"),
    "projects.Programme": ("name", "short_name", "parent_id"),
    "portal.Country": ("name",),
    "portal.Theme": ("name",),
}


def _records(label: str):
    """Every row of the model `label`, drafts included."""
    return apps.get_model(label)._base_manager


@receiver(post_save)
@receiver(post_delete)
def record_changed(sender, instance, raw=False, **kwargs):
    kind = OWN.get(sender._meta.label)
    if kind is not None and not raw:
        refresh_later(kind, [instance.pk])


@receiver([post_save, post_delete], sender="partnerships.PartnershipParty")
def party_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_later(Kind.PARTNERSHIP, [instance.partnership_id])


@receiver([post_save, post_delete], sender="projects.ProjectParticipant")
def participant_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_later(Kind.PROJECT, [instance.project_id])


@receiver(m2m_changed, sender="seeking.PartnerRequest_themes")
@receiver(m2m_changed, sender="seeking.PartnerRequest_countries")
def request_names_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_later(Kind.PARTNER_REQUEST, [instance.pk])
    elif pk_set:  # requests added to or removed from a theme or country
        refresh_later(Kind.PARTNER_REQUEST, pk_set)


@receiver(pre_save)
def remember_names(sender, instance, raw=False, **kwargs):
    fields = NAMES.get(sender._meta.label)
    if fields is None or raw or instance._state.adding:
        return
    instance._search_names = (
        sender._base_manager.filter(pk=instance.pk).values_list(*fields).first()
    )


def _keys(queryset) -> list:
    return list(queryset.values_list("pk", flat=True).distinct())


@receiver(post_save)
def names_changed(sender, instance, raw=False, created=False, **kwargs):
    label = sender._meta.label
    fields = NAMES.get(label)
    if fields is None or raw or created:
        return
    before = getattr(instance, "_search_names", None)
    if before == tuple(getattr(instance, name) for name in fields):
        return
    if label == "portal.Municipality":
        refresh_later(
            Kind.PROJECT, _keys(_records("projects.Project").filter(municipality=instance))
        )
        refresh_later(
            Kind.PARTNERSHIP,
            _keys(_records("partnerships.Partnership").filter(municipality=instance)),
        )
        refresh_later(
            Kind.PARTNER_REQUEST,
            _keys(_records("seeking.PartnerRequest").filter(municipality=instance)),
        )
    elif label == "contacts.Organisation":
        refresh_later(
            Kind.PROJECT, _keys(_records("projects.Project").filter(participants=instance))
        )
        refresh_later(
            Kind.PARTNERSHIP, _keys(_records("partnerships.Partnership").filter(partners=instance))
        )
        refresh_later(
            Kind.PARTNER_REQUEST,
            _keys(_records("seeking.PartnerRequest").filter(organisation=instance)),
        )
    elif label == "projects.Programme":
        refresh_later(
            Kind.PROJECT,
            _keys(
                _records("projects.Project").filter(programme=instance)
                | _records("projects.Project").filter(programme__parent=instance)
            ),
        )
    elif label == "portal.Country":
        refresh_later(
            Kind.PARTNERSHIP,
            _keys(_records("partnerships.Partnership").filter(partners__country=instance)),
        )
        refresh_later(
            Kind.PARTNER_REQUEST,
            _keys(_records("seeking.PartnerRequest").filter(countries=instance)),
        )
    elif label == "portal.Theme":
        refresh_later(
            Kind.PARTNER_REQUEST, _keys(_records("seeking.PartnerRequest").filter(themes=instance))
        )
