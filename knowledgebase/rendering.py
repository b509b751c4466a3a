"""Article Markdown to safe HTML.

markdown-it-py parses CommonMark (with tables and strikethrough) with raw HTML turned off, so
HTML typed into an article is shown as text; nh3 then cleans the result against an
allow-list, as a second wall. Links keep only http(s), mailto and relative addresses; images
the same. A video is written as an image of its page (`![Title](https://youtu.be/ID)`) and,
when its host is allow-listed, becomes a frame of the host's privacy-enhanced player; any
other frame is removed. Headings of level 2 and 3 get ids and make the table of contents."""

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import nh3
from django.utils.text import slugify
from markdown_it import MarkdownIt

TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "img", "code", "pre",
    "blockquote", "em", "strong", "s", "table", "thead", "tbody", "tr", "th", "td", "hr", "br",
    "iframe", "figure",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "h2": {"id"},
    "h3": {"id"},
    "th": {"style"},
    "td": {"style"},
    "iframe": {"src", "title", "allow", "allowfullscreen", "loading", "referrerpolicy"},
    "figure": {"class"},
}
SCHEMES = {"http", "https", "mailto"}

# Privacy-enhanced players of the allowed video hosts: (pattern of a page URL, player URL).
VIDEO_PLAYERS = {
    "youtube": "https://www.youtube-nocookie.com/embed/{id}",
    "vimeo": "https://player.vimeo.com/video/{id}?dnt=1",
}
VIDEO_FRAME_HOSTS = ("https://www.youtube-nocookie.com/embed/", "https://player.vimeo.com/video/")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# The ids the help center's own pages use (a test keeps this list complete): a heading
# never takes one, or "## Feedback" would capture the feedback form's anchor.
PAGE_IDS = {
    "announcements-title", "feedback", "feedback-title", "help-q", "help-results",
    "id_comment", "id_reason", "related-title", "toc-title", "main", "content",
}  # fmt: skip


def video_player(url: str) -> str | None:
    """The privacy-enhanced player address of a YouTube or Vimeo page, else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme != "https":
        return None
    host = (parts.hostname or "").lower()
    video = None
    if host in {"youtube.com", "www.youtube.com", "m.youtube.com"}:
        if parts.path == "/watch":
            video = (parse_qs(parts.query).get("v") or [""])[0]
        elif parts.path.startswith(("/embed/", "/shorts/")):
            video = parts.path.split("/")[2]
        kind = "youtube"
    elif host in {"youtu.be", "www.youtube-nocookie.com"}:
        video = parts.path.strip("/").split("/")[-1]
        kind = "youtube"
    elif host in {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}:
        video = parts.path.strip("/").split("/")[-1]
        kind = "vimeo"
        if not video.isdigit():
            return None
    else:
        return None
    if not video or not _ID.match(video):
        return None
    return VIDEO_PLAYERS[kind].format(id=video)


def _frame_filter(tag: str, attribute: str, value: str) -> str | None:
    # Frames only from the players' own addresses; nh3 has already removed bad schemes.
    if tag == "iframe" and attribute == "src" and not value.startswith(VIDEO_FRAME_HOSTS):
        return None
    if attribute == "style" and value not in {
        "text-align:left", "text-align:center", "text-align:right"
    }:  # fmt: skip
        return None
    return value


def sanitise(html: str) -> str:
    """`html` cleaned against the allow-list (the wall every stored article HTML passes)."""
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_frame_filter,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer nofollow",
        clean_content_tags={"script", "style"},
    )
    # A frame whose address was removed is an empty box: drop it.
    return re.sub(r"<iframe(?![^>]*\ssrc=)[^>]*>\s*</iframe>", "", cleaned)


@dataclass
class Rendered:
    html: str
    plain: str
    toc: list[dict] = field(default_factory=list)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    return md


_MD = _parser()


def render(markdown: str) -> Rendered:
    """The sanitised HTML of `markdown`, its plain text and its table of contents."""
    tokens = _MD.parse(markdown or "")
    toc, seen, plain = [], set(), []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in {"h2", "h3"}:
            text = tokens[index + 1].content.strip()
            base = slugify(text, allow_unicode=True) or "section"
            anchor, n = base, 2
            while anchor in seen or anchor in PAGE_IDS:
                anchor, n = f"{base}-{n}", n + 1
            seen.add(anchor)
            token.attrSet("id", anchor)
            toc.append({"id": anchor, "text": text, "level": int(token.tag[1])})
        if token.type == "inline":
            for child in token.children or []:
                if child.type == "image":
                    player = video_player(child.attrGet("src") or "")
                    if player is not None:
                        child.type = "html_inline"
                        child.content = _frame(player, child.content)
                if child.type in {"text", "code_inline"}:
                    plain.append(child.content)
            plain.append("\n")
        elif token.type in {"code_block", "fence"}:
            plain.append(token.content)
    html = _MD.renderer.render(tokens, _MD.options, {})
    return Rendered(html=sanitise(html), plain=re.sub(r"\n{2,}", "\n", "".join(plain)).strip(),
                    toc=toc)  # fmt: skip


def _frame(player: str, title: str) -> str:
    from django.utils.html import escape

    return (
        f'<iframe src="{escape(player)}" title="{escape(title or "Video")}" loading="lazy" '
        'allow="fullscreen; picture-in-picture" referrerpolicy="strict-origin-when-cross-origin"'
        " allowfullscreen></iframe>"
    )
