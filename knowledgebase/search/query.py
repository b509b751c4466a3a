"""Searching a tenant's published articles in one language.

Ranking: articles whose title holds every word of the query come first, then those whose
tags do, then summary, then body; within a tier, PostgreSQL's `ts_rank` with the weights
title 1.0 > tags 0.4 > summary 0.2 > body 0.1. The last word also matches as a prefix, so
results follow the user's typing. When nothing matches, typo-tolerant matching (pg_trgm's
word similarity against titles, tags and summaries; Latin and Cyrillic) finds near misses,
and suggestions name the tenant's searches that found something. Snippets are the plain
text around the matches, escaped, with `<mark>` around each match."""

import html
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from knowledgebase.models import Language, SearchQuery, Status
from knowledgebase.models.languages import CJK_LANGUAGES, SEARCH_CONFIG, language_or
from knowledgebase.search.text import (
    _HAN_RUN,
    RO_ACCENTED,
    RO_PLAIN,
    fold,
    normalised,
    tsquery,
    words,
)
from tenants.db.session import database_owner
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

MAX_LIMIT = 50
MAX_OFFSET = 1000
SNIPPET_CHARS = 160
# pg_trgm's word similarity above which a title, tag or summary counts as a near miss.
FUZZY_THRESHOLD = 0.45
START, STOP = "\x02", "\x03"
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, "
    'FragmentDelimiter=" … "'
)


@dataclass
class Hit:
    article_id: int
    translation_id: int
    language: str
    title: str
    slug: str
    summary: str
    kind: str
    category_id: int
    snippet: str
    rank: float


@dataclass
class SearchResults:
    query: str
    language: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    suggestions: list[str] = field(default_factory=list)
    fuzzy: bool = False


@cache
def _has_trigram(alias: str = "default") -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def search_articles(*, tenant: Tenant, language: str, query: str, limit: int = 10,
                    offset: int = 0, kinds=None, category=None) -> SearchResults:  # fmt: skip
    """The published articles of `tenant` in `language` that match `query`, best first."""
    language = language_or(language, Language.EN)
    results = SearchResults(query=query or "", language=language)
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, min(int(offset), MAX_OFFSET))
    filters, params = _filters(tenant, language, kinds, category)
    with tenant_scope(tenant), transaction.atomic():
        if tsquery(query, language):
            rows = _ranked(language, query, filters, params, limit, offset)
            if rows:
                results.total = rows[0][-1]
                results.hits = [_hit(row, language, query) for row in rows]
                return results
        # Near misses stand in for an empty first page only, never for a page past the end.
        if offset == 0 and words(query) and language not in CJK_LANGUAGES and _has_trigram():
            rows = _near_misses(language, query, filters, params, limit)
            if rows:
                results.fuzzy = True
                results.total = len(rows)
                results.hits = [_hit(row, language, query) for row in rows]
                return results
        if offset == 0 and words(query):
            results.suggestions = popular_searches(tenant=tenant, language=language)
    return results


def _filters(tenant, language, kinds, category) -> tuple[str, dict]:
    sql = ["t.tenant_id = %(tenant)s", "a.tenant_id = %(tenant)s", "t.language = %(language)s",
           "a.status = %(published)s"]  # fmt: skip
    params = {"tenant": tenant.pk, "language": language, "published": Status.PUBLISHED}
    if kinds:
        sql.append("a.kind = ANY(%(kinds)s)")
        params["kinds"] = list(kinds)
    if category is not None:
        # A category's own articles and those of its sections.
        sql.append(
            "a.category_id IN (SELECT id FROM knowledgebase_category "
            "WHERE tenant_id = %(tenant)s AND (id = %(category)s OR parent_id = %(category)s))"
        )
        params["category"] = getattr(category, "pk", category)
    return " AND ".join(sql), params


_COLUMNS = "t.id, t.article_id, t.title, t.slug, t.summary, a.kind, a.category_id"


@contextmanager
def _owner_cursor():
    """A cursor acting as the tables' owner, for the two search statements.

    PostgreSQL evaluates row-level security's condition before any operator that is not
    leakproof, and neither full-text matching (`@@`) nor trigram similarity (`<%`) is: under
    the policy, the search and trigram indexes cannot be used and every article of the
    tenant's language is read and tested (60 ms at 2,500 articles, growing with them). These
    statements name the tenant themselves, on every table they read (`_filters`)."""
    with database_owner(), connection.cursor() as cursor:
        yield cursor


def _ranked(language, query, filters, params, limit, offset) -> list[tuple]:
    config = SEARCH_CONFIG[language]
    # The tiers test the query restricted to one weight (title A, tags B, summary C): far
    # cheaper than filtering each vector. Only the page's rows are read back in full, for
    # their headlines.
    expressions = {
        name: tsquery(query, language, weight=weight)
        for name, weight in (("expression", ""), ("in_title", "A"), ("in_tags", "B"),
                             ("in_summary", "C"))
    }  # fmt: skip
    with _owner_cursor() as cursor:
        cursor.execute(
            f"""
            WITH q AS (
                SELECT to_tsquery(%(config)s::regconfig, %(expression)s) AS q,
                       to_tsquery(%(config)s::regconfig, %(in_title)s) AS a,
                       to_tsquery(%(config)s::regconfig, %(in_tags)s) AS b,
                       to_tsquery(%(config)s::regconfig, %(in_summary)s) AS c
            ),
            page AS (
                SELECT t.id, a.position, a.id AS article,
                       CASE WHEN t.search @@ q.a THEN 3 WHEN t.search @@ q.b THEN 2
                            WHEN t.search @@ q.c THEN 1 ELSE 0 END AS tier,
                       ts_rank('{{0.1, 0.2, 0.4, 1.0}}', t.search, q.q) AS rank,
                       count(*) OVER () AS total
                  FROM knowledgebase_articletranslation t
                  JOIN knowledgebase_article a ON a.id = t.article_id
                 CROSS JOIN q
                 WHERE {filters} AND t.search @@ q.q
                 ORDER BY tier DESC, rank DESC, a.position, a.id
                 LIMIT %(limit)s OFFSET %(offset)s
            )
            SELECT {_COLUMNS}, t.plain,
                   CASE WHEN %(headline)s THEN ts_headline(
                       %(config)s::regconfig, {_headline_source(language)}, q.q, %(options)s)
                   END,
                   page.tier + page.rank, page.total
              FROM page
              JOIN knowledgebase_articletranslation t ON t.id = page.id
              JOIN knowledgebase_article a ON a.id = t.article_id
             CROSS JOIN q
             WHERE t.tenant_id = %(tenant)s AND a.tenant_id = %(tenant)s
             ORDER BY page.tier DESC, page.rank DESC, page.position, page.article
            """,  # noqa: S608 - only fixed fragments are formatted in; values are parameters
            {**params, **expressions, "config": config, "limit": limit, "offset": offset,
             "options": HEADLINE_OPTIONS, "headline": language not in CJK_LANGUAGES},
        )  # fmt: skip
        return cursor.fetchall()


def _headline_source(language: str) -> str:
    # Romanian is searched folded; the headline is made on the folded text, whose letters
    # stand where the original's do, and then put back on the original (_unfolded).
    if language == Language.RO:
        return f"translate(plain, '{RO_ACCENTED}', '{RO_PLAIN}')"
    return "plain"


def _near_misses(language, query, filters, params, limit) -> list[tuple]:
    text = fold(" ".join(words(query)), language).lower()
    with _owner_cursor() as cursor:
        # SET LOCAL: the threshold holds for this transaction only.
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(FUZZY_THRESHOLD)],
        )
        cursor.execute(
            f"""
            SELECT {_COLUMNS}, t.plain, NULL, word_similarity(%(text)s, t.fuzzy), 0
              FROM knowledgebase_articletranslation t
              JOIN knowledgebase_article a ON a.id = t.article_id
             WHERE {filters} AND %(text)s <%% t.fuzzy
             ORDER BY word_similarity(%(text)s, t.fuzzy) DESC, a.position, a.id
             LIMIT %(limit)s
            """,  # noqa: S608 - only fixed fragments are formatted in; values are parameters
            {**params, "text": text, "limit": limit},
        )
        return cursor.fetchall()


def _hit(row, language: str, query: str) -> Hit:
    pk, article_id, title, slug, summary, kind, category_id, plain, headline, rank, _ = row
    if headline and START in headline:
        if language == Language.RO:
            headline = _unfolded(headline, plain)
        snippet = _marked(headline)
    else:
        snippet = _python_snippet(plain or summary or "", query, language)
    return Hit(article_id=article_id, translation_id=pk, language=language, title=title,
               slug=slug, summary=summary, kind=kind, category_id=category_id, snippet=snippet,
               rank=float(rank))  # fmt: skip


def _marked(headline: str) -> str:
    """The headline escaped, its match markers turned into <mark> elements; a marker left
    open (the text held one of the marker characters itself) is closed."""
    marked = html.escape(headline).replace(START, "<mark>").replace(STOP, "</mark>")
    if marked.count("<mark>") != marked.count("</mark>"):
        return html.escape(headline.replace(START, "").replace(STOP, ""))
    return marked


def _unfolded(headline: str, plain: str) -> str:
    """A headline made on the folded text, with the original's letters put back: folding
    changes letters one for one, so each fragment stands where it stood in the original."""
    folded = fold(plain, Language.RO)
    pieces = []
    for fragment in headline.split(" … "):
        bare = fragment.replace(START, "").replace(STOP, "")
        at = folded.find(bare)
        if at < 0:
            pieces.append(fragment)
            continue
        original, out, i = plain[at : at + len(bare)], [], 0
        for char in fragment:
            if char in (START, STOP):
                out.append(char)
            else:
                out.append(original[i])
                i += 1
        pieces.append("".join(out))
    return " … ".join(pieces)


def _python_snippet(text: str, query: str, language: str) -> str:
    """The text around the first match of a query word (Chinese, and near misses), with
    every match marked; the text's beginning when no word is found."""
    terms = [term for term in words(fold(query, language)) if term]
    folded = fold(text, language).lower()
    if len(folded) != len(text):  # a letter whose lower case is longer ("İ"): match as is
        folded = fold(text, language)
    spans = []
    for term in terms:
        needle = term.lower()
        if _HAN_RUN.fullmatch(term) or len(needle) >= 2:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(needle), folded)]
    spans.sort()
    start = max(0, spans[0][0] - SNIPPET_CHARS // 3) if spans else 0
    end = min(len(text), start + SNIPPET_CHARS)
    out, at = [], start
    for span_start, span_end in spans:
        if span_start < at or span_end > end:
            continue
        out += [html.escape(text[at:span_start]), "<mark>",
                html.escape(text[span_start:span_end]), "</mark>"]  # fmt: skip
        at = span_end
    out.append(html.escape(text[at:end]))
    return ("… " if start else "") + "".join(out).strip() + (" …" if end < len(text) else "")


# A search is suggested to other readers only once it found something on this many
# different days: what one visitor types (a name, an address, a message) is never shown to
# the next, and no one can put words on a tenant's pages by searching for them.
SUGGEST_MIN_DAYS = 3


def popular_searches(*, tenant: Tenant, language: str, days: int = 90, limit: int = 5) -> list:
    """The tenant's frequent searches in `language` that found articles (not near misses)
    lately, each on at least SUGGEST_MIN_DAYS different days."""
    since = timezone.now() - timedelta(days=days)
    with tenant_scope(tenant):
        return list(
            SearchQuery.objects.filter(language=language, results__gt=0, created_at__gte=since)
            .values("query")
            .annotate(n=Count("id"), days=Count(TruncDate("created_at"), distinct=True))
            .filter(days__gte=SUGGEST_MIN_DAYS)
            .order_by("-n", "query")
            .values_list("query", flat=True)[:limit]
        )


def search_log(*, tenant: Tenant, language: str, query: str, results: int,
               fuzzy: bool = False) -> None:  # fmt: skip
    """Keep a search and its result count, anonymously (no address, user or contact). A
    search that found near misses only counts as one with no results: no article has its
    words, which is what the tenant's "searches with no results" are for."""
    text = normalised(query)
    if not text:
        return
    with tenant_scope(tenant):
        SearchQuery.objects.create(
            language=language_or(language, Language.EN), query=text,
            results=0 if fuzzy else max(0, results),
        )  # fmt: skip
