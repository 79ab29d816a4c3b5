"""The projects' search vectors name their participants (portal.search.VECTOR_FIELDS): a
participant added, removed or renamed changes the vector of each project it takes part in
(and a renamed organisation the vectors of its partnerships too)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from contacts.models import Organisation
from partnerships.models import Partnership
from portal.search import refresh_search_vectors
from projects.models import Project, ProjectParticipant


@receiver([post_save, post_delete], sender=ProjectParticipant)
def participant_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_vectors(Project._base_manager.filter(pk=instance.project_id))


@receiver(post_save, sender=Organisation)
def organisation_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:
        return
    # Only the rows whose vector changes are written (refresh_search_vectors).
    refresh_search_vectors(Project._base_manager.filter(participants=instance))
    refresh_search_vectors(Partnership._base_manager.filter(partners=instance))
