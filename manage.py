#!/usr/bin/env python
"""Django's command-line utility for csplatform.

With DATABASE_URL or REDIS_URL unset it starts (or joins) the embedded development servers
for the command (with development settings, DEBUG on unless set, when both are embedded), as
`make run` does; settings themselves never start servers.
"""

import os
import sys


def _embedded_servers() -> None:
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        return
    from csplatform import embedded

    if not (os.environ.get("DATABASE_URL") or os.environ.get("REDIS_URL")):
        # Both servers embedded: a development machine, which gets development settings, as
        # with `make run`. With one real server given, the settings are the caller's.
        os.environ.setdefault("DEBUG", "1")
    try:
        os.environ.update(embedded.acquire())
    except embedded.EmbeddedUnavailable as exc:
        sys.exit(
            f"DATABASE_URL and REDIS_URL are not set and the embedded development servers are "
            f"not installed ({exc}); set the URLs or install requirements-dev.txt."
        )


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csplatform.settings")
    _embedded_servers()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
