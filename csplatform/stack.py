"""`make run`: the whole platform in one terminal.

Starts (or uses, when DATABASE_URL / REDIS_URL are set) PostgreSQL and Redis, migrates,
creates the demo tenant the first time, prints the URL and the login, then runs the web
server, a Celery worker, a Celery worker for webhook deliveries and Celery beat together.
Ctrl-C (or SIGTERM) stops all of them and the embedded servers.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request

from csplatform import embedded
from csplatform.demo.login import DEMO_OWNER, DEMO_PASSWORD

HEALTH_TIMEOUT = 60  # seconds for the web server to answer /healthz after it is started
STOP_TIMEOUT = 15  # seconds each process gets to exit on SIGTERM before SIGKILL


def _wait_healthy(url: str, processes: dict[str, subprocess.Popen], stopping) -> bool:
    deadline = time.monotonic() + HEALTH_TIMEOUT
    while time.monotonic() < deadline and not stopping():
        if any(p.poll() is not None for p in processes.values()):
            return False
        try:
            # The URL is our own http://HOST:PORT/healthz, never user input.
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    # Each child leads its own process group, so the signal reaches Celery's pool too.
    for process in processes.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _banner(base_url: str) -> str:
    return (
        f"\n  csplatform is running at {base_url}/\n"
        f"  Sign in as {DEMO_OWNER} / {DEMO_PASSWORD}\n"
        f"  Admin site: {base_url}/admin/  ·  API docs: {base_url}/api/docs/\n"
        "  Press Ctrl-C to stop everything.\n"
    )


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    base_url = f"http://{host}:{port}"
    python = sys.executable
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with embedded.services() as env:
        env.setdefault("DEBUG", "1")
        env["SITE_URL"] = env.get("SITE_URL") or base_url
        manage = [python, "manage.py"]
        for setup in (["migrate", "--noinput"], ["bootstrap_demo"]):
            if stopping:
                return 0
            if subprocess.run([*manage, *setup], env=env).returncode != 0:
                return 0 if stopping else 1
        celery = [python, "-m", "celery", "-A", "csplatform"]
        embedded.VAR_DIR.mkdir(parents=True, exist_ok=True)
        schedule = str(embedded.VAR_DIR / "celerybeat-schedule")
        webhook_queue = env.get("CELERY_WEBHOOK_QUEUE", "webhooks")
        # Every queue but the webhooks': the default one and any nightly queues.
        queues = [env.get("CELERY_TASK_DEFAULT_QUEUE", "csplatform")]
        queues += [q.strip() for q in env.get("CELERY_NIGHTLY_QUEUES", "").split(",") if q.strip()]
        commands = {
            "web": [*manage, "runserver", f"{host}:{port}", "--noreload"],
            # Webhook deliveries wait on other people's servers: a worker of their own, so a
            # slow receiver holds up nothing else (settings.CELERY_WEBHOOK_QUEUE).
            "worker": [*celery, "worker", "-Q", ",".join(queues), "-l", "info", "-c", "2"],
            "webhooks": [
                *celery,
                "worker",
                "-Q",
                webhook_queue,
                "-l",
                "info",
                "-c",
                "2",
                "-n",
                "webhooks@%h",
            ],
            "beat": [*celery, "beat", "-l", "info", "-s", schedule],
        }
        processes = {
            name: subprocess.Popen(command, env=env, start_new_session=True)
            for name, command in commands.items()
        }
        try:
            if _wait_healthy(f"{base_url}/healthz", processes, lambda: stopping):
                print(_banner(base_url), flush=True)
            elif not stopping and all(p.poll() is None for p in processes.values()):
                print(f"{base_url}/healthz gave no 200 in {HEALTH_TIMEOUT}s.", file=sys.stderr)
            while not stopping and all(p.poll() is None for p in processes.values()):
                time.sleep(0.3)
            exited = [name for name, p in processes.items() if p.poll() is not None]
        finally:
            _stop(processes)
    if exited and not stopping:
        print(f"Stopped everything because {', '.join(exited)} exited.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
