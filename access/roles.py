"""The two roles: national editors edit everything; municipality coordinators edit the
records of the municipalities assigned to them (see access.scoping).

The groups and their model permissions are kept in step with ROLE_PERMISSIONS after every
migrate, so a fresh database has them and a changed list takes effect on the next deploy.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission

NATIONAL_EDITOR = "Nationell redaktör"
COORDINATOR = "Kommunsamordnare"

OUR_APPS = ("portal", "contacts", "partnerships", "projects", "networks", "seeking")

ALL = ("view", "add", "change", "delete")
ADD_CHANGE = ("view", "add", "change")
VIEW = ("view",)

# What a coordinator may do with each model, before the row-level scope narrows it to
# their municipalities. Shared reference data is read-only for them; organisations and
# networks are shared too, but a coordinator may add one and change the ones they added
# (or, for an organisation, the ones that belong to their municipality).
COORDINATOR_ACTIONS = {
    "portal.municipality": ("view", "change"),
    "portal.photo": ALL,
    "portal.county": VIEW,
    "portal.country": VIEW,
    "portal.theme": VIEW,
    "portal.fundingsource": VIEW,
    "portal.concept": VIEW,
    "partnerships.partnership": ALL,
    "partnerships.partnershipparty": ALL,
    "partnerships.exchangeprogramme": ALL,
    "projects.project": ALL,
    "projects.projectparticipant": ALL,
    "projects.story": ALL,
    "projects.programme": VIEW,
    "projects.initiative": VIEW,
    "networks.network": ADD_CHANGE,
    "networks.membership": ALL,
    "networks.membershiprole": ALL,
    "contacts.organisation": ADD_CHANGE,
    "contacts.organisationname": ALL,
    "contacts.person": ALL,
    "contacts.contactcentre": ALL,
    "seeking.partnerrequest": ALL,
    "seeking.soughtregion": ALL,
}

# National editors may also manage accounts and assign coordinators.
NATIONAL_EDITOR_EXTRA = {
    "auth.user": ADD_CHANGE,
    "auth.group": VIEW,
}


def _permissions(label: str, actions) -> list[Permission]:
    model = apps.get_model(label)
    codenames = [f"{action}_{model._meta.model_name}" for action in actions]
    return list(
        Permission.objects.filter(
            content_type__app_label=model._meta.app_label, codename__in=codenames
        )
    )


def sync_role_groups() -> None:
    editor, _ = Group.objects.get_or_create(name=NATIONAL_EDITOR)
    editor_permissions = list(Permission.objects.filter(content_type__app_label__in=OUR_APPS))
    for label, actions in NATIONAL_EDITOR_EXTRA.items():
        editor_permissions += _permissions(label, actions)
    editor.permissions.set(editor_permissions)

    coordinator, _ = Group.objects.get_or_create(name=COORDINATOR)
    coordinator_permissions = []
    for label, actions in COORDINATOR_ACTIONS.items():
        coordinator_permissions += _permissions(label, actions)
    coordinator.permissions.set(coordinator_permissions)


def is_national_editor(user) -> bool:
    if not user.is_active or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_is_national_editor"):
        user._is_national_editor = user.groups.filter(name=NATIONAL_EDITOR).exists()
    return user._is_national_editor


def sync_roles_after_migrate(sender, app_config=None, using="default", **kwargs) -> None:
    """post_migrate: make sure every app's permissions exist, then set the groups."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for config in apps.get_app_configs():
        if config.label in (*OUR_APPS, "auth"):
            create_contenttypes(config, verbosity=0, using=using)
            create_permissions(config, verbosity=0, using=using)
    sync_role_groups()


#: Django names the permissions it makes in English ("Can add log entry"), whatever the
#: site's language: the admin's user and group forms list them by that name.
PERMISSION_VERBS = {"add": "lägga till", "change": "ändra", "delete": "ta bort", "view": "visa"}


def name_permissions_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate, after each app's: Django has just made its permissions, in English."""
    name_permissions_in_swedish(using)


def name_permissions_in_swedish(using: str = "default") -> int:
    """Every default permission named in Swedish ("Kan lägga till loggpost"), from its
    model's Swedish name; the permissions' codenames, which the code checks, stay. Returns
    how many names changed."""
    from django.contrib.auth.models import Permission
    from django.utils import translation

    changed = []
    with translation.override("sv"):
        for permission in Permission.objects.using(using).select_related("content_type"):
            verb, _, model_name = permission.codename.partition("_")
            model = permission.content_type.model_class()
            if verb not in PERMISSION_VERBS or model is None:
                continue
            if model_name != model._meta.model_name:
                continue  # a permission of the app's own, named by the app
            name = f"Kan {PERMISSION_VERBS[verb]} {model._meta.verbose_name}"[:255]
            if permission.name != name:
                permission.name = name
                changed.append(permission)
    Permission.objects.using(using).bulk_update(changed, ["name"], batch_size=500)
    return len(changed)
