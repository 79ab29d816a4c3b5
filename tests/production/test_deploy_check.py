"""With the production environment, `manage.py check --deploy` finds nothing to warn about, and
the settings refuse to start production without a real SECRET_KEY or with DEBUG on."""

from tests.production.processes import manage, production_env


def test_deploy_check_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = manage("check", env=production_env(SECRET_KEY="kort"))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = manage("check", env=production_env(DEBUG="1"))
    assert result.returncode != 0
    assert "DEBUG" in result.stderr
