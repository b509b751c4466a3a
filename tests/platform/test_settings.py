"""Settings come from the environment, fail loudly on bad values, and pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from csplatform import env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "reader, value, message",
    [
        (lambda: env.env_bool("X_FLAG", False), "maybe", "X_FLAG must be a boolean"),
        (lambda: env.env_int("X_NUM", 1), "ten", "X_NUM must be an integer"),
        (lambda: env.env_int("X_NUM", 1, minimum=1), "0", "X_NUM must be at least 1"),
        (lambda: env.env_url("X_URL", {"postgres"}), "mysql://h/db", "X_URL must be a URL"),
    ],
)
def test_bad_values_fail_loudly(monkeypatch, reader, value, message):
    for name in ("X_FLAG", "X_NUM", "X_URL"):
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        reader()


def test_good_values_are_parsed(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    monkeypatch.setenv("X_LIST", "a.example, b.example,")
    assert env.env_bool("X_FLAG", False) is True
    assert env.env_list("X_LIST", []) == ["a.example", "b.example"]
    assert env.env_str("X_UNSET_VAR", "d") == "d"
    assert env.kombu_redis_url("unix:///tmp/r.sock?db=0") == "redis+socket:///tmp/r.sock?db=0"


def _manage(*args, **environ):
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    clean.pop("CSPLATFORM_TESTING", None)
    clean["DJANGO_SETTINGS_MODULE"] = "csplatform.settings"
    clean.update(environ)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True
    )


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "p" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "cs.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_production_configuration_passes_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_check_deploy_fails_on_a_warning():
    """The CI step (`.ci/run`) fails on warnings: a weakened production setting is caught."""
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, SECURE_HSTS_SECONDS="0"
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_ci_runs_check_deploy_with_production_settings():
    script = (ROOT / ".ci" / "run").read_text()
    lint = script.index("lint-imports --no-cache")
    step = script.index("manage.py check --deploy --fail-level WARNING")
    assert lint < step < script.index("make test")
    assert "DEBUG=0" in script[lint:step]


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("LOGIN_RATE_LIMIT", "lots", "LOGIN_RATE_LIMIT must look like 20/m"),
        ("LOGIN_RATE_LIMIT", "20/0m", "LOGIN_RATE_LIMIT must look like 20/m"),
        ("TRUSTED_PROXY_COUNT", "-1", "TRUSTED_PROXY_COUNT must be at least 0"),
        ("METRICS_TOKEN", "short", "METRICS_TOKEN must be at least 32 characters"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT must be json or text"),
        ("CELERY_NIGHTLY_QUEUES", "n0,n0", "CELERY_NIGHTLY_QUEUES must be distinct queue"),
        ("CELERY_NIGHTLY_QUEUES", "n0,n 1", "CELERY_NIGHTLY_QUEUES must be distinct queue"),
    ],
)
def test_bad_security_settings_stop_start_up(name, value, message):
    result = _manage("check", **{**PRODUCTION, name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_missing_secret_key_stops_start_up():
    environ = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _manage("check", **environ)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_bad_debug_value_stops_start_up():
    result = _manage("check", **{**PRODUCTION, "DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_settings_never_start_servers(tmp_path):
    """Importing the settings with no URLs names the missing one and starts nothing."""
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environ.update(
        DJANGO_SETTINGS_MODULE="csplatform.settings", DEBUG="1", CSPLATFORM_VAR_DIR=str(tmp_path)
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env=environ, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no server was started under the var directory
