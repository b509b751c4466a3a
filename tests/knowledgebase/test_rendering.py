"""Safe rendering: every payload of a corpus of known XSS vectors (xss_corpus.txt, one per
line, as Markdown) comes out without a script, an event handler, a dangerous address or a
frame from anywhere but the allowed video players; Markdown itself still renders."""

import re
from pathlib import Path

import pytest

from knowledgebase.rendering import render, sanitise, video_player

CORPUS = [
    line for line in (Path(__file__).parent / "xss_corpus.txt").read_text().splitlines() if line
]
TAG = re.compile(r"<\s*([a-zA-Z0-9]+)([^>]*)>")
DANGEROUS = re.compile(r"^\s*(javascript|vbscript|data|file)\s*:", re.IGNORECASE)
ALLOWED_FRAMES = ("https://www.youtube-nocookie.com/embed/", "https://player.vimeo.com/video/")


def assert_safe(html: str) -> None:
    for name, attributes in TAG.findall(html):
        assert name.lower() not in {"script", "style", "object", "embed", "form", "input", "svg",
                                    "math", "base", "meta", "link", "body", "video", "source",
                                    "details", "marquee", "button"}, html  # fmt: skip
        for attribute, value in re.findall(r'([a-zA-Z-]+)="([^"]*)"', attributes):
            assert not attribute.lower().startswith("on"), html
            assert attribute.lower() not in {"style", "srcdoc", "background", "action"}, html
            if attribute.lower() in {"href", "src"}:
                unescaped = value.replace("&amp;", "&")
                assert not DANGEROUS.match(unescaped), html
                if name.lower() == "iframe":
                    assert value.startswith(ALLOWED_FRAMES), html


@pytest.mark.parametrize("payload", CORPUS)
def test_every_known_xss_payload_is_defused(payload):
    for markdown in (payload, f"Text before.\n\n{payload}\n\nText after.", f"* {payload}"):
        assert_safe(render(markdown).html)
    assert_safe(sanitise(payload))  # the second wall alone holds too


def test_the_corpus_is_not_trivially_empty():
    assert len(CORPUS) >= 50


def test_markdown_still_renders():
    html = render(
        "## Invite your team\n\n1. Open **Settings**\n2. Add [people](https://e.com/x)\n\n"
        "| Plan | Seats |\n|:-|-:|\n| Pro | 10 |\n\n```\ncode <b>\n```\n\n"
        "![Chart](/help/acme/media/3/chart.png)"
    ).html
    assert '<h2 id="invite-your-team">Invite your team</h2>' in html
    assert "<strong>Settings</strong>" in html
    assert '<a href="https://e.com/x" rel="noopener noreferrer nofollow">people</a>' in html
    assert "<table>" in html and "<td" in html and "code &lt;b&gt;" in html
    assert '<img src="/help/acme/media/3/chart.png" alt="Chart">' in html


@pytest.mark.parametrize(
    ("url", "player"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ",
         "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("http://www.youtube.com/watch?v=dQw4w9WgXcQ", None),
        ("https://www.youtube.com.evil.example/watch?v=x", None),
        ("https://vimeo.com/not-a-number", None),
        ("https://www.youtube.com/watch?v=a%22onload%3D", None),
    ],
)  # fmt: skip
def test_videos_embed_only_from_allowed_hosts_in_privacy_enhanced_mode(url, player):
    assert video_player(url) == player
    html = render(f"![Tour]({url})").html
    if player:
        assert f'<iframe src="{player.replace("&", "&amp;")}"' in html
    else:
        assert "<iframe" not in html


def test_table_of_contents_has_unique_anchors():
    toc = render("## Setup\n\n### Keys\n\n## Setup\n\n## Настройка\n\n## 设置").toc
    assert [entry["id"] for entry in toc] == ["setup", "keys", "setup-2", "настройка", "设置"]
    assert [entry["level"] for entry in toc] == [2, 3, 2, 2, 2]


def test_headings_never_take_an_id_of_the_help_center_pages():
    from django.conf import settings

    from knowledgebase.rendering import PAGE_IDS

    templates = Path(settings.BASE_DIR, "templates")
    pages = [*templates.glob("knowledgebase/*.html"), templates / "public_base.html"]
    used = {m for page in pages for m in re.findall(r'\bid="([^"{]+)"', page.read_text())}
    assert used <= PAGE_IDS, used - PAGE_IDS
    toc = render("## Feedback\n\n## Help results\n\n## Feedback").toc
    assert [entry["id"] for entry in toc] == ["feedback-2", "help-results-2", "feedback-3"]
