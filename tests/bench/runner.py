"""Running a benchmark's short variant as a child process, as `make` would."""

import os
import signal
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_benchmark(command: list[str], *, timeout: float, env: dict | None = None):
    """(stdout, stderr, exit status) of the benchmark, run in its own session; on a timeout
    it is asked to stop (its servers and worker go with it) before the test fails, so nothing
    is left holding the test database."""
    process = subprocess.Popen(command, cwd=ROOT, text=True, start_new_session=True, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            stdout, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
        raise AssertionError(f"{command[2]} ran over {timeout} s\n{stdout}{stderr}") from None
    return stdout, stderr, process.returncode
