"""Admin login lockout (django-axes): five failed logins for one username from one
address lock that pair out for an hour, with a Swedish page and status 429.

The address is access.client_ip.client_ip: REMOTE_ADDR without a proxy; behind
TRUSTED_PROXY_COUNT proxies, the X-Forwarded-For entry that many places from the right.
The settings are read on every request (axes reads django.conf.settings at call time),
so the `settings` fixture can switch the proxy count per test.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.utils import timezone

from access.client_ip import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
USERNAME = "samordnare"
PASSWORD = "ratt-losenord-1"
CLIENT = "203.0.113.10"
OTHER_CLIENT = "203.0.113.20"
PROXY = "10.0.0.2"


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        username=USERNAME, password=PASSWORD, is_staff=True
    )


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def without_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0


def log_in(client, password=PASSWORD, username=USERNAME, **meta):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, **meta
    )


def fail_five_times(client, **meta):
    for _ in range(5):
        response = log_in(client, password="fel-losenord", **meta)
        assert "_auth_user_id" not in client.session
    return response


def assert_logged_in(client, response):
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert "_auth_user_id" in client.session
    client.logout()


def assert_locked_out(client, response):
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Inloggningen är spärrad" in response.content.decode()


# --- the client address ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        # No proxy: the header is the client's own and ignored.
        (0, None, PROXY),
        (0, CLIENT, PROXY),
        (0, f"{CLIENT}, {OTHER_CLIENT}", PROXY),
        # One proxy that appends the address it saw: the right-most entry.
        (1, CLIENT, CLIENT),
        (1, f"198.51.100.1, {CLIENT}", CLIENT),
        (1, f"198.51.100.1, 198.51.100.2, {CLIENT}", CLIENT),
        (1, f'198.51.100.1, ", {CLIENT}', CLIENT),  # an unclosed quote swallows nothing
        (1, f"unknown, {CLIENT}", CLIENT),
        (1, f"::ffff:{CLIENT}", CLIENT),
        (1, "2001:DB8:0::1", "2001:db8::1"),
        # The request did not come through the proxy, or the proxy wrote nonsense.
        (1, None, PROXY),
        (1, "", PROXY),
        (1, "nonsense", PROXY),
        # Two proxies: the entry the outer one wrote, second from the right.
        (2, f"198.51.100.1, {CLIENT}, 10.0.0.1", CLIENT),
        (2, CLIENT, PROXY),
    ],
)
def test_client_ip(settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    assert client_ip(RequestFactory().get("/", **meta)) == expected


def test_axes_uses_the_portal_client_address(settings):
    assert settings.AXES_CLIENT_IP_CALLABLE == "access.client_ip.client_ip"


# --- lockout without a proxy ------------------------------------------------------------


def test_five_failures_lock_out_the_username_from_that_address(client, staff_user, without_proxy):
    for _ in range(4):
        response = log_in(client, password="fel-losenord", REMOTE_ADDR=CLIENT)
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    # The fifth failure locks at once.
    assert_locked_out(client, log_in(client, password="fel-losenord", REMOTE_ADDR=CLIENT))
    # The sixth attempt is refused even with the right password, and logs nobody in.
    assert_locked_out(client, log_in(client, REMOTE_ADDR=CLIENT))
    assert AccessAttempt.objects.get().ip_address == CLIENT


def test_the_lockout_page_is_swedish_and_in_the_admin_look(client, staff_user, without_proxy):
    fail_five_times(client, REMOTE_ADDR=CLIENT)
    response = log_in(client, REMOTE_ADDR=CLIENT)
    assert response.status_code == 429
    assert "admin/lockout.html" in [template.name for template in response.templates]
    content = response.content.decode()
    assert 'id="site-name"' in content
    assert "Internationella samarbeten – redigering" in content
    assert "Efter 5 misslyckade inloggningsförsök" in content
    assert f"<strong>{USERNAME}</strong>" in content
    assert "från den här adressen" in content
    assert "i en timme." in content
    assert "administratör" in content
    assert "Account locked" not in content
    assert "Django" not in content


def test_another_address_or_another_username_is_not_locked(
    client, django_user_model, staff_user, without_proxy
):
    django_user_model.objects.create_user(username="redaktor", password=PASSWORD, is_staff=True)
    fail_five_times(client, REMOTE_ADDR=CLIENT)
    assert_locked_out(client, log_in(client, REMOTE_ADDR=CLIENT))

    assert_logged_in(client, log_in(client, REMOTE_ADDR=OTHER_CLIENT))
    assert_logged_in(client, log_in(client, username="redaktor", REMOTE_ADDR=CLIENT))
    assert_locked_out(client, log_in(client, REMOTE_ADDR=CLIENT))


def test_without_a_proxy_a_forged_forwarded_for_changes_nothing(client, staff_user, without_proxy):
    fail_five_times(client, REMOTE_ADDR=CLIENT)
    for forged in ["198.51.100.7", f"198.51.100.8, {OTHER_CLIENT}", OTHER_CLIENT]:
        assert_locked_out(client, log_in(client, REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR=forged))
    # Nor can another client take on the locked address through the header.
    assert_logged_in(client, log_in(client, REMOTE_ADDR=OTHER_CLIENT, HTTP_X_FORWARDED_FOR=CLIENT))


def minutes_ago(minutes):
    return timezone.now() - datetime.timedelta(minutes=minutes)


def test_the_lockout_ends_an_hour_after_the_last_attempt(client, staff_user, without_proxy):
    fail_five_times(client, REMOTE_ADDR=CLIENT)

    # An attempt during the lockout is refused and starts the hour again (as the page says).
    AccessAttempt.objects.update(attempt_time=minutes_ago(59))
    assert_locked_out(client, log_in(client, REMOTE_ADDR=CLIENT))
    assert AccessAttempt.objects.get().attempt_time > minutes_ago(1)

    AccessAttempt.objects.update(attempt_time=minutes_ago(61))
    assert_logged_in(client, log_in(client, REMOTE_ADDR=CLIENT))


# --- lockout behind one trusted reverse proxy ---------------------------------------------


def through_proxy(forwarded_for):
    """What nginx passes on: the header the client sent, then the address it saw."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for}


def test_behind_a_proxy_the_lockout_follows_the_right_most_entry(
    client, staff_user, behind_one_proxy
):
    fail_five_times(client, **through_proxy(CLIENT))
    assert AccessAttempt.objects.get().ip_address == CLIENT
    assert_locked_out(client, log_in(client, **through_proxy(CLIENT)))

    # Everyone comes through the same proxy; another client is not locked out, even one
    # that puts the locked address first in the header.
    assert_logged_in(client, log_in(client, **through_proxy(OTHER_CLIENT)))
    assert_logged_in(client, log_in(client, **through_proxy(f"{CLIENT}, {OTHER_CLIENT}")))


def test_behind_a_proxy_rotating_a_forged_left_most_entry_does_not_escape(
    client, staff_user, behind_one_proxy
):
    # Even the failures themselves, each with a new forged address, count for the client.
    for number in range(5):
        log_in(client, password="fel-losenord", **through_proxy(f"198.51.100.{number}, {CLIENT}"))
    assert AccessAttempt.objects.get().ip_address == CLIENT

    forged = [
        "198.51.100.50",
        "198.51.100.51, 198.51.100.52",
        f"{OTHER_CLIENT}",
        '198.51.100.53, "',
        "unknown",
    ]
    for left in forged:
        assert_locked_out(client, log_in(client, **through_proxy(f"{left}, {CLIENT}")))
    assert "_auth_user_id" not in client.session
