"""What moves a search document: the record's own save or delete, and a change to a name
its document holds (a partner, the municipality, a programme, a country, a theme)."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from contacts.models import Organisation
from networks.models import Network
from partnerships.models import Partnership, PartnershipParty
from portal.models import Country, Municipality, Theme
from projects.models import Programme, Project, ProjectParticipant
from search.index import refresh_later
from search.models import Kind
from seeking.models import PartnerRequest

OWN = {
    Municipality: Kind.MUNICIPALITY,
    Partnership: Kind.PARTNERSHIP,
    Project: Kind.PROJECT,
    Network: Kind.NETWORK,
    PartnerRequest: Kind.PARTNER_REQUEST,
}
#: Names that other records' documents hold: a change to one refreshes them.
NAMES = {
    Municipality: ("name", "short_name"),
    Organisation: ("name", "short_name", "country_id"),
    Programme: ("name", "short_name", "parent_id"),
    Country: ("name",),
    Theme: ("name",),
}


@receiver(post_save)
@receiver(post_delete)
def record_changed(sender, instance, raw=False, **kwargs):
    kind = OWN.get(sender)
    if kind is not None and not raw:
        refresh_later(kind, [instance.pk])


@receiver([post_save, post_delete], sender=PartnershipParty)
def party_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_later(Kind.PARTNERSHIP, [instance.partnership_id])


@receiver([post_save, post_delete], sender=ProjectParticipant)
def participant_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_later(Kind.PROJECT, [instance.project_id])


@receiver(m2m_changed, sender=PartnerRequest.themes.through)
@receiver(m2m_changed, sender=PartnerRequest.countries.through)
def request_names_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_later(Kind.PARTNER_REQUEST, [instance.pk])
    elif pk_set:  # requests added to or removed from a theme or country
        refresh_later(Kind.PARTNER_REQUEST, pk_set)


@receiver(pre_save)
def remember_names(sender, instance, raw=False, **kwargs):
    fields = NAMES.get(sender)
    if fields is None or raw or instance._state.adding:
        return
    instance._search_names = (
        sender._base_manager.filter(pk=instance.pk).values_list(*fields).first()
    )


def _keys(queryset) -> list:
    return list(queryset.values_list("pk", flat=True).distinct())


@receiver(post_save)
def names_changed(sender, instance, raw=False, created=False, **kwargs):
    fields = NAMES.get(sender)
    if fields is None or raw or created:
        return
    before = getattr(instance, "_search_names", None)
    if before == tuple(getattr(instance, name) for name in fields):
        return
    if sender is Municipality:
        refresh_later(Kind.PROJECT, _keys(Project._base_manager.filter(municipality=instance)))
        refresh_later(
            Kind.PARTNERSHIP, _keys(Partnership._base_manager.filter(municipality=instance))
        )
        refresh_later(
            Kind.PARTNER_REQUEST, _keys(PartnerRequest._base_manager.filter(municipality=instance))
        )
    elif sender is Organisation:
        refresh_later(Kind.PROJECT, _keys(Project._base_manager.filter(participants=instance)))
        refresh_later(Kind.PARTNERSHIP, _keys(Partnership._base_manager.filter(partners=instance)))
        refresh_later(
            Kind.PARTNER_REQUEST,
            _keys(PartnerRequest._base_manager.filter(organisation=instance)),
        )
    elif sender is Programme:
        refresh_later(
            Kind.PROJECT,
            _keys(
                Project._base_manager.filter(programme=instance)
                | Project._base_manager.filter(programme__parent=instance)
            ),
        )
    elif sender is Country:
        refresh_later(
            Kind.PARTNERSHIP,
            _keys(Partnership._base_manager.filter(partners__country=instance)),
        )
        refresh_later(
            Kind.PARTNER_REQUEST, _keys(PartnerRequest._base_manager.filter(countries=instance))
        )
    elif sender is Theme:
        refresh_later(
            Kind.PARTNER_REQUEST, _keys(PartnerRequest._base_manager.filter(themes=instance))
        )
