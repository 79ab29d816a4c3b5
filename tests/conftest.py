import os

import pytest

from datasets.initial_data import load_initial_data


@pytest.fixture(scope="session", autouse=True)
def own_versions_folder(tmp_path_factory):
    """The content version in a folder of this test run's own. The configured one
    (.cache/versions) is shared by every process of the machine, as it must be for the
    workers of one server, so a test run beside a served portal or another test run would
    see its version move (a page cache test then fails under load) and clear it for them."""
    from django.conf import settings
    from django.test.utils import override_settings

    caches = {**settings.CACHES}
    if not caches["versions"]["BACKEND"].endswith("FileBasedCache"):
        yield
        return
    folder = str(tmp_path_factory.mktemp("versions"))
    caches["versions"] = {**caches["versions"], "LOCATION": folder}
    before = os.environ.get("CACHE_DIR")
    os.environ["CACHE_DIR"] = folder  # and the processes the tests start
    try:
        with override_settings(CACHES=caches):
            yield
    finally:
        if before is None:
            os.environ.pop("CACHE_DIR", None)
        else:
            os.environ["CACHE_DIR"] = before


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pages are rendered for each request unless a test turns the page cache on
    # (tests/production/test_page_cache.py); query counts must count the real work.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    from django.core.cache import caches

    for alias in ("default", "versions", "fragments"):
        caches[alias].clear()  # a rolled-back test leaves no cached page or version behind


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the reference data and the seed fixtures, loaded once.

    Each test runs in a transaction that is rolled back, so tests can change seed data.
    """
    with django_db_blocker.unblock():
        load_initial_data()


@pytest.fixture
def make_coordinator(django_user_model):
    """A staff account in the coordinators' group, assigned to the given municipalities."""
    from django.contrib.auth.models import Group

    from access.roles import COORDINATOR
    from portal.models import CoordinatorAssignment, Municipality

    def make(*slugs: str, username: str | None = None):
        user = django_user_model.objects.create_user(
            username=username or f"samordnare-{'-'.join(slugs) or 'ingen'}",
            password="hemligt-losenord-1",
            first_name="Kim",
            last_name="Samordnare",
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=COORDINATOR))
        for slug in slugs:
            CoordinatorAssignment.objects.create(
                user=user, municipality=Municipality.objects.get(slug=slug)
            )
        return user

    return make


@pytest.fixture
def trollhattan_client(client, make_coordinator):
    """Logged in as Trollhättan's coordinator, who must never reach Växjö's records."""
    user = make_coordinator("trollhattan")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def national_editor_client(client, django_user_model):
    from django.contrib.auth.models import Group

    from access.roles import NATIONAL_EDITOR

    user = django_user_model.objects.create_user(
        username="redaktor", password="hemligt-losenord-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name=NATIONAL_EDITOR))
    client.force_login(user)
    client.user = user
    return client
