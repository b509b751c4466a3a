"""Every string marked for translation has its Simplified Chinese, Russian and Romanian
entry, compiled, with the language's plural forms."""

import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["zh_Hans", "ru", "ro"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_compiled(language):
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    text = po.read_text()
    entries = text.split("\n\n")[1:]  # the first one is the header
    assert entries, "no strings in the catalogue"
    for entry in entries:
        assert "#, fuzzy" not in entry, entry
        for msgstr in re.findall(r'^msgstr(?:\[\d\])? (".*?)(?=^msg|\Z)', entry, re.M | re.S):
            assert msgstr.strip() != '""', f"untranslated in {language}: {entry}"
    with mo.open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    # Keys are "context\x04msgid" for an entry with a context (pgettext).
    compiled_ids = {
        (key[0] if isinstance(key, tuple) else key).split("\x04")[-1] for key in catalog
    }
    missing = set(_msgids(entries)) - compiled_ids
    assert not missing, f"not in {mo.name}; run `make messages`: {missing}"


def _msgids(entries):
    for entry in entries:
        found = re.search(r'^msgid ((?:".*"\n)+)', entry + "\n", re.M)
        if found:
            yield "".join(
                part.encode().decode("unicode_escape").encode("latin-1").decode()
                for part in re.findall(r'"(.*)"', found.group(1))
            )


@pytest.mark.parametrize(
    "language, word, children",
    [
        ("zh-hans", "账户", ["1 个子账户", "2 个子账户"]),
        ("ru", "Аккаунты", ["1 дочерний аккаунт", "2 дочерних аккаунта", "5 дочерних аккаунтов"]),
        (
            "ro",
            "Conturi",
            ["1 cont subordonat", "2 conturi subordonate", "20 de conturi subordonate"],
        ),
    ],
)
def test_strings_come_out_translated_with_plurals(language, word, children):
    with translation.override(language):
        assert translation.gettext("Accounts") == word
        counts = [1, 2] if len(children) == 2 else [1, 2, 5 if language == "ru" else 20]
        got = [
            translation.ngettext("%(counter)s child account", "%(counter)s child accounts", n)
            % {"counter": n}
            for n in counts
        ]
        assert got == children
