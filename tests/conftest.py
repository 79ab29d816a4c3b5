import pytest

from portal.initial_data import load_initial_data


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the reference data and the seed fixtures, loaded once.

    Each test runs in a transaction that is rolled back, so tests can change seed data.
    """
    with django_db_blocker.unblock():
        load_initial_data()
