"""`make serve`'s pieces: gunicorn's settings and the production static file storage."""

import os
import runpy
from pathlib import Path

from tests.production.processes import manage, production_env

ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_config(monkeypatch):
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = runpy.run_path(str(ROOT / "portal" / "gunicorn.conf.py"))
    assert config["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert config["bind"] == "127.0.0.1:8123"
    assert config["accesslog"] == config["errorlog"] == "-"
    assert config["control_socket_disable"] is True
    assert config["wsgi_app"] == "portal.wsgi:application"


def test_production_serves_hashed_compressed_static_files():
    env = production_env(HTTPS="0")
    code = (
        "from django.conf import settings; "
        "print(settings.STORAGES['staticfiles']['BACKEND'], settings.WHITENOISE_USE_FINDERS, "
        "settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE)"
    )
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "False",
        "False",  # HTTPS=0: plain http on loopback
        "False",
    ]


def test_whitenoise_follows_security_middleware(settings):
    middleware = settings.MIDDLEWARE
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == (
        middleware.index("django.middleware.security.SecurityMiddleware") + 1
    )
