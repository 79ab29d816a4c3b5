"""Small helpers that build valid objects; tests change one thing and check the outcome."""

import itertools

from django.urls import reverse

from contacts.models import Organisation
from networks.models import Membership, Network
from partnerships.models import Partnership
from portal.models import Country, Municipality
from projects.models import Project, Story

_counter = itertools.count(1)


def admin_url(model, view: str, *args) -> str:
    """The admin's URL for a model's view: changelist, add, change, delete, history."""
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


def municipality(slug: str = "vaxjo") -> Municipality:
    return Municipality.objects.get(slug=slug)


def make_project(**fields) -> Project:
    fields.setdefault("title", "Testprojekt")
    fields.setdefault("slug", unique("testprojekt"))
    fields.setdefault("municipality", municipality())
    return Project(**fields)


def make_partnership(**fields) -> Partnership:
    fields.setdefault("name", "Testort")
    fields.setdefault("slug", unique("testsamarbete"))
    fields.setdefault("kind", "vanort")
    fields.setdefault("municipality", municipality())
    return Partnership(**fields)


def make_organisation(**fields) -> Organisation:
    fields.setdefault("name", "Testkommun")
    fields.setdefault("slug", unique("testorganisation"))
    fields.setdefault("kind", "kommun")
    fields.setdefault("country", Country.objects.get(code="DK"))
    return Organisation.objects.create(**fields)


def make_network(**fields) -> Network:
    fields.setdefault("name", unique("Testnätverk"))
    fields.setdefault("slug", unique("testnatverk"))
    return Network.objects.create(**fields)


def make_membership(**fields) -> Membership:
    fields.setdefault("municipality", municipality())
    fields.setdefault("network", make_network())
    return Membership(**fields)


def hide_municipality(slug: str) -> None:
    """Unpublish a municipality and everything it owns, so it has no public page at all
    (with a published record it would still have one, made from its records)."""
    Municipality.objects.filter(slug=slug).update(is_published=False)
    Partnership.objects.filter(municipality__slug=slug).update(is_published=False)
    Project.objects.filter(municipality__slug=slug).update(is_published=False)
    Story.objects.filter(municipality__slug=slug).update(is_published=False)
