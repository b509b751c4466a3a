"""Company and person names: plausible, unique per run, and on reserved `.example` domains
so that no demo email can ever reach a real inbox."""

import unicodedata

import numpy as np

from csplatform.demo.seed.catalog import (
    FIRST_NAMES,
    LAST_NAMES,
    NAME_HEADS,
    NAME_SUFFIXES,
    NAME_TAILS,
)


def ascii_slug(value: str) -> str:
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


class CompanyNames:
    """Hands out distinct company names and domains; accounts must ask in ordinal order."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def take(self, rng: np.random.Generator) -> tuple[str, str]:
        head = NAME_HEADS[rng.integers(len(NAME_HEADS))]
        tail = NAME_TAILS[rng.integers(len(NAME_TAILS))]
        suffix = NAME_SUFFIXES[rng.integers(len(NAME_SUFFIXES))]
        stem, name = f"{head}{tail}", f"{head}{tail} {suffix}"
        number = 1
        while ascii_slug(name) in self._taken:
            number += 1
            name = f"{stem} {suffix} {number}"
        slug = ascii_slug(name)
        self._taken.add(slug)
        return name, f"{slug}.example"


def person_names(rng: np.random.Generator, count: int, domain: str) -> list[tuple[str, str]]:
    """(full name, email) for `count` people of one company, emails distinct."""
    people, emails = [], set()
    for _ in range(count):
        first = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
        last = LAST_NAMES[rng.integers(len(LAST_NAMES))]
        local, number = f"{ascii_slug(first)}.{ascii_slug(last)}", 1
        while f"{local}@{domain}" in emails:
            number += 1
            local = f"{ascii_slug(first)}.{ascii_slug(last)}{number}"
        emails.add(f"{local}@{domain}")
        people.append((f"{first} {last}", f"{local}@{domain}"))
    return people
