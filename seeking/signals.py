"""The search vector holds the themes' and countries' names, which are saved after the
request itself (admin forms save many-to-many fields last): refresh it when they change."""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from portal.search import refresh_search_vector, refresh_search_vectors
from seeking.models import PartnerRequest


@receiver(m2m_changed, sender=PartnerRequest.themes.through, dispatch_uid="seeking-themes")
@receiver(m2m_changed, sender=PartnerRequest.countries.through, dispatch_uid="seeking-countries")
def refresh_vector_after_m2m(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_search_vector(instance)
    elif pk_set:  # requests added to or removed from a theme or country
        refresh_search_vectors(PartnerRequest.objects.filter(pk__in=pk_set))
