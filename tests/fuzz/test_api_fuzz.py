"""The API under generated requests (schemathesis, against a live server, with a fixed seed):
no request answers 5xx, and every response matches the OpenAPI schema.

Not part of `make test`: `make fuzz` runs it, about 4,000 cases (`FUZZ_PATHS=surveys` fuzzes the
operations whose path matches only); `make fuzz FUZZ_EXAMPLES=50`
runs a longer variant. The seed is fixed, so a run repeats the one before."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tenants.services.api_keys import api_key_create
from tenants.services.tenants import tenant_create

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db(transaction=True)]

SEED = 20261202
CHECKS = "not_a_server_error,response_schema_conformance"


def test_generated_requests_get_no_5xx_and_match_the_schema(live_server, tmp_path):
    tenant, _ = tenant_create(slug="fuzz", name="Fuzz Co", owner_email="owner@fuzz.test")
    call_command(
        "seed_demo", "fuzz", "--accounts", "5", "--days", "30", "--seed", "1",
        stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip
    _, key = api_key_create(tenant=tenant, name="Fuzzer")
    examples = os.environ.get("FUZZ_EXAMPLES", "3")  # per operation and phase
    report = tmp_path / "report.json"
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "run",
        f"{live_server.url}/api/schema/?format=json", "--url", live_server.url,
        "--header", f"Authorization: Bearer {key}",
        "--checks", CHECKS, "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", examples, "--seed", str(SEED), "--generation-deterministic",
        "--workers", "1", "--no-color", "--report", "json",
        "--report-json-path", str(report), "--request-timeout", "30",
    ]  # fmt: skip
    if os.environ.get("FUZZ_PATHS"):  # a regular expression: fuzz those operations only
        command += ["--include-path-regex", os.environ["FUZZ_PATHS"]]
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
    Path(os.environ.get("FUZZ_LOG", tmp_path / "fuzz.log")).write_text(
        result.stdout + result.stderr
    )
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    summary = json.loads(report.read_text())
    if not os.environ.get("FUZZ_PATHS"):
        assert summary["operations"]["total"] >= 60  # every operation of the schema
        assert summary["test_cases"]["generated"] >= 1000
    assert summary["test_cases"]["generated"] >= 10
