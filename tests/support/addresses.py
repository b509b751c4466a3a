"""Client addresses for tests of per-address limits: one never used before, so a count left
in the shared Redis by another test, another worker or an earlier run cannot be met."""

import secrets


def fresh_ip() -> str:
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"
