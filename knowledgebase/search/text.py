"""What reaches PostgreSQL's full-text search, per language.

- Romanian is folded to plain letters (ă â → a, î → i, ș ş → s, ț ţ → t) in the documents and
  the queries alike, so "retenție" and "retentie" are one word after stemming.
- Chinese has no spaces between words and PostgreSQL cannot segment it: every run of Han
  characters is written as its overlapping bigrams ("客户留存" → "客户 户留 留存"), so any
  two-character word of a text is a term of its document, and a longer query matches the
  same bigrams in a row. A single character is matched as a prefix of a bigram.
- A query is reduced to its words (letters, digits, Han characters): operator characters
  such as `&|!():*'"` never reach `to_tsquery`, so no query can be a syntax error.
"""

import re

from knowledgebase.models.languages import CJK_LANGUAGES, Language

# Romanian letters with diacritics and the plain letters they fold to, one for one (so a
# folded text's letters stand where the original's do).
RO_ACCENTED, RO_PLAIN = "ăâîșşțţĂÂÎȘŞȚŢ", "aaissttAAISSTT"
_RO_FOLD = str.maketrans(RO_ACCENTED, RO_PLAIN)
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{_HAN}]+")
# Words of a query: runs of letters and digits (Unicode), split at Han runs.
_WORD = re.compile(rf"[{_HAN}]+|[^\W_{_HAN}]+(?:['’][^\W_{_HAN}]+)?")
MAX_QUERY = 200
MAX_TERMS = 12


def fold(text: str, language: str) -> str:
    """Text as the search sees it in `language` (Romanian folded; others as they are)."""
    return text.translate(_RO_FOLD) if language == Language.RO else text


def bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _indexed(run: str) -> str:
    # The bigrams, then the last character alone: a one-character query matches a bigram's
    # first character as a prefix, and the last character of a run starts none.
    grams = bigrams(run)
    return " ".join(grams if len(run) == 1 else [*grams, run[-1]])


def document(text: str, language: str) -> str:
    """`text` prepared for to_tsvector in `language`'s configuration."""
    text = fold(text or "", language)
    if language in CJK_LANGUAGES or _HAN_RUN.search(text):
        # Han runs become bigrams in any language: a Chinese product name in an English
        # article is found too.
        text = _HAN_RUN.sub(lambda m: " " + _indexed(m.group()) + " ", text)
    return text


def words(query: str) -> list[str]:
    """The words of a query, at most MAX_TERMS of them, from its first MAX_QUERY characters."""
    return _WORD.findall((query or "")[:MAX_QUERY])[:MAX_TERMS]


def _quoted(term: str) -> str:
    return "'" + term.replace("'", "''").replace("\\", "") + "'"


def tsquery(query: str, language: str, *, prefix_last: bool = True, weight: str = "") -> str:
    """A to_tsquery expression (for `language`'s configuration) matching documents that have
    every word of `query`; the last word also as a prefix while the user is still typing.
    With `weight` (A, B, C or D), only words of that weight match (A: in the title).
    Empty when the query has no word."""
    parts = []
    terms = words(fold(query, language))
    for index, term in enumerate(terms):
        last = index == len(terms) - 1
        if _HAN_RUN.fullmatch(term):
            grams = bigrams(term)
            if len(grams) == 1 and len(term) == 1:
                parts.append(_quoted(term) + ":*" + weight)
            else:
                parts.append("(" + " <-> ".join(_quoted(g) + _label(weight) for g in grams) + ")")
        else:
            star = "*" if last and prefix_last else ""
            parts.append(_quoted(term.replace("’", "'")) + _label(star + weight))
    return " & ".join(parts)


def _label(label: str) -> str:
    return f":{label}" if label else ""


def normalised(query: str) -> str:
    """A query as the search log keeps it: trimmed, lower-cased, spaces collapsed."""
    return " ".join((query or "").replace("\x00", "").lower().split())[:MAX_QUERY]
