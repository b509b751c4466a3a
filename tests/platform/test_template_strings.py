"""Every visible string in a template is marked for translation.

Each template is read with Django's own lexer: text inside {% translate %} /
{% blocktranslate %}, template comments and tag or variable content is not looked at; the rest
is parsed as HTML, and any words left in text or in a user-facing attribute (title, alt,
placeholder, aria-label) — words nobody marked — fail the test with the file and line.
"""

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"

# TEMPORARY: pages being rewritten on other branches right now; they are checked once they
# land (empty this list when merging them).

# Not pages: code samples shown as code (the same in every language) and a sitemap for search
# engines.
NOT_READ_BY_PEOPLE = [
    "onboarding/_embed_example.js.txt",
    "onboarding/_embed_example.py.txt",
    "knowledgebase/sitemap.xml",
]

# Words that are the same in every language.
UNTRANSLATABLE = {
    "csplatform",  # the product's name
    "API",
    "CSV",
    "JSON",
    "URL",
    "HTML",
    "AUC",  # a statistics term, written so in every language
    "NPS",  # Net Promoter Score, a trademark written so in every language
    "ARR",
    "MRR",
    "SDK",
    "HMAC",
    "SHA256",
    "HTTPS",
    "ID",
    "v",  # a version number, "v3", is written so in every language
    "Python",  # names of programming languages
    "Node",
    "js",
}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
USER_FACING_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
# Element contents that are not prose: programs, styles, and code shown as code.
NOT_PROSE = {"script", "style", "code", "pre", "kbd", "samp"}
# Where a variable or tag was: a space, so that `<tr{% if %} class="x"{% endif %}>` still
# reads as one HTML tag.
HOLE = " "
URL = re.compile(r"https?://\S+")


def _templates():
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in {".html", ".txt", ".xml"} or not path.is_file():
            continue
        name = path.relative_to(TEMPLATES).as_posix()
        if any(Path(name).match(pattern) for pattern in NOT_READ_BY_PEOPLE):
            continue
        yield name


def _unmarked_source(text: str) -> str:
    """The template with everything Django handles (tags, variables, comments, translated
    blocks) replaced by holes, newlines kept so that line numbers stay right. Blocks do not
    nest inside a skipped block in these templates except `{% plural %}`, which needs none."""
    out = []
    skip_until = None
    for token in Lexer(text).tokenize():
        lines = "\n" * token.contents.count("\n")
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if skip_until is None and name in {"blocktranslate", "blocktrans", "comment"}:
                skip_until = f"end{name}"
            elif skip_until is None and name == "block" and "class" in token.contents:
                # {% block bodyclass %}: CSS class names written into an attribute.
                skip_until = "endblock"
            elif skip_until is None and name == "verbatim":
                skip_until = "endverbatim"
            elif name == skip_until:
                skip_until = None
        if token.token_type == TokenType.TEXT and skip_until is None:
            out.append(token.contents)
        else:
            out.append(HOLE + lines)
    return "".join(out)


def _words(text: str) -> str:
    """What is left of a text once holes, allowed words and e-mail addresses are taken out;
    empty when only punctuation, symbols and numbers remain."""
    text = URL.sub(" ", EMAIL.sub(" ", text))
    words = [w for w in re.split(r"[^\w]+", text) if w and w not in UNTRANSLATABLE]
    letters = [w for w in words if any(unicodedata.category(c).startswith("L") for c in w)]
    return " ".join(letters)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag not in {"br", "img", "input", "meta", "link", "hr", "wbr", "source"}:
            self.open.append(tag)
        for name, value in attrs:
            if name in USER_FACING_ATTRIBUTES and value and (left := _words(value)):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}" ({left})'))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass

    def handle_data(self, data):
        if NOT_PROSE & set(self.open):
            return
        if left := _words(data):
            line = self.getpos()[0]
            self.found.append((line, " ".join(data.split())[:80] + f" ({left})"))


def unmarked_strings(name: str) -> list[str]:
    reader = _Reader()
    reader.feed(_unmarked_source((TEMPLATES / name).read_text()))
    reader.close()
    return [f"templates/{name}:{line}: {text}" for line, text in reader.found]


def test_the_reader_finds_unmarked_text_and_passes_marked_text(tmp_path):
    reader = _Reader()
    reader.feed(
        _unmarked_source(
            '{% load i18n %}<p title="Hover me">{% translate "Fine" %} {{ x }} · 42</p>\n'
            "{% blocktranslate %}Also {{ fine }}{% endblocktranslate %}{# note #}\n"
            "<!-- a comment --><script>let words = 1;</script><code>curl</code>\n"
            "<span>Forgotten</span> owner@example.com csplatform"
        )
    )
    assert [line for line, _ in reader.found] == [1, 4]
    assert "Hover me" in reader.found[0][1]
    assert "Forgotten" in reader.found[1][1]


@pytest.mark.parametrize("name", list(_templates()))
def test_every_visible_string_is_marked_for_translation(name):
    unmarked = unmarked_strings(name)
    assert not unmarked, "not marked for translation:\n" + "\n".join(unmarked)
