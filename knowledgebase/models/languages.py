"""The help center's languages and how each is searched: PostgreSQL's stemming for English
and Russian, Romanian stemming on accent-folded words (so "retenție" and "retentie" are one
word), and Chinese as character bigrams under the `simple` configuration (PostgreSQL cannot
segment Chinese; every two-character word of a text is one of its bigrams)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    EN = "en", "English"
    ZH_HANS = "zh-hans", "简体中文"
    RU = "ru", "Русский"
    RO = "ro", "Română"


# The text search configuration of each language. Romanian text and queries are folded to
# plain letters before they reach PostgreSQL (knowledgebase.search.text), which needs no
# extension.
SEARCH_CONFIG = {
    Language.EN: "english",
    Language.ZH_HANS: "simple",
    Language.RU: "russian",
    Language.RO: "romanian",
}

CJK_LANGUAGES = {Language.ZH_HANS}


def language_or(code: str | None, fallback: str) -> str:
    """`code` if it names a help center language (also as "zh-Hans" or "ro-RO"), else
    `fallback`: an unknown language falls back instead of failing."""
    if code:
        code = code.strip().lower().replace("_", "-")
        if code in Language.values:
            return code
        if code.startswith("zh"):
            return Language.ZH_HANS
        base = code.split("-")[0]
        if base in Language.values:
            return base
    return fallback


LANGUAGE_LABEL = _("language")
