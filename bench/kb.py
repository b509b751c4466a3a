"""Help center search benchmark: search times over 10,000 articles against a plain indexed
lookup of one article by its slug.

    make bench-kb ARGS="--articles 10000"
    python -m csplatform.embedded -- python -m bench.kb [--articles N] [--rounds R] [--keep]

It creates a scratch database on the PostgreSQL of DATABASE_URL (the embedded one through
csplatform.embedded), migrates it and, in a fresh process with production settings, adds a
tenant with --articles published articles spread evenly over English, Simplified Chinese,
Russian and Romanian, rendered and indexed by the same code as an author's save. Each has a
title, tags, a summary and a body of about 300 words of its language in Markdown with
headings: three of about 60 topic words of its language make a tenth of its words, the rest is
made-up filler drawn with Zipf's law, so a topic word is in about one article in twenty of
its language, and the commonest filler word in nearly all. Then it runs a fixed set of
queries (topic words, phrases, a prefix while typing, Romanian with and without diacritics,
two-character Chinese words, typos) and each language's commonest word (the worst case)
--rounds times each, in turn with the baseline: the same tenant's article looked up by
language and slug through the ORM (a unique index). The last line printed is:

    search median 9.1 ms, p95 21.4 ms (N queries) | slug lookup median 0.4 ms | ratio 23

Goal: a median under 50 ms. Typo tolerance needs pg_trgm; without it (the embedded
PostgreSQL) the typo queries take the no-match path, and a line says so.
"""

import argparse
import os
import random
import statistics
import sys
import time

from bench.steps import analyze, bench_main, log, run_step

SLUG = "bench-kb"
OWNER = "owner@kb.bench.example"

WORDS = {
    "en": (
        "customer success retention churn onboarding checklist invoice billing export import "
        "health score renewal playbook account team invite integration webhook report usage "
        "adoption feature dashboard segment survey answer contact subscription plan upgrade "
        "trial activation milestone task alert owner revenue forecast data sync api key "
        "password security role permission calendar meeting email template reminder the a "
        "of to and in for with on your how when what why can use set up start open"
    ).split(),
    "ru": (
        "клиент клиентов удержание отток подключение список счёт счета оплата экспорт импорт "
        "здоровье оценка продление сценарий аккаунт команда приглашение интеграция отчёт "
        "использование внедрение функция панель сегмент опрос ответ контакт подписка тариф "
        "пробный активация этап задача уведомление владелец выручка прогноз данные ключ "
        "пароль безопасность роль доступ встреча письмо шаблон напоминание как когда для "
        "и в на с по ваш это можно настроить открыть начать"
    ).split(),
    "ro": (
        "client clienți retenție pierdere integrare listă factură facturi plată export import "
        "sănătate scor reînnoire scenariu cont echipă invitație raport utilizare adopție "
        "funcție panou segment sondaj răspuns contact abonament plan trecere probă activare "
        "etapă sarcină alertă proprietar venit prognoză date cheie parolă securitate rol "
        "acces întâlnire e-mail șablon memento cum când pentru și în pe cu de la vă puteți"
    ).split(),
    "zh-hans": (
        "客户 成功 留存 流失 入门 清单 发票 账单 导出 导入 健康 分数 续约 剧本 账户 团队 邀请 "
        "集成 报告 使用 采用 功能 仪表板 分群 调查 回答 联系人 订阅 套餐 升级 试用 激活 里程碑 "
        "任务 提醒 负责人 收入 预测 数据 同步 密钥 密码 安全 角色 权限 会议 邮件 模板 如何 "
        "什么 为什么 可以 设置 开始 打开 我们 您的 以及"
    ).split(),
}
QUERIES = [
    ("en", "retention"), ("en", "invoice export"), ("en", "onboard"),
    ("en", "customer success playbook"), ("en", "retension"),
    ("ru", "удержание клиентов"), ("ru", "счета"), ("ru", "интеграцыя"),
    ("ro", "retenție"), ("ro", "retentie"), ("ro", "facturi clienti"),
    ("zh-hans", "留存"), ("zh-hans", "客户成功"), ("zh-hans", "健康分数"), ("zh-hans", "导"),
]  # fmt: skip


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles to load")
    parser.add_argument("--rounds", type=int, default=20, help="times each query runs")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--step", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.articles < 4 or args.rounds < 1:
        parser.error("--articles must be at least 4 and --rounds at least 1")
    return args


SYLLABLES = {
    "en": "ba be bi bo ca co da de di do fa fe fi ga go ha he la le li lo ma me mi mo na ne "
          "ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi wa we ya yo za",
    "ru": "ба бе би бо ва ве ви во га го да де ди до жа за зе зи ка ке ки ко ла ле ли ло ма "
          "ме ми мо на не ни но па пе пи по ра ре ри ро са се си со та те ти то фа ха ча ша",
    "ro": "ba be bi bo ca ce ci co da de di do fa fe fi ga ge gi la le li lo ma me mi mo na "
          "ne ni no pa pe pi po ra re ri ro sa se si so șa și ta te ti to ța ți va ve vi zi",
}  # fmt: skip
# Filler characters for Chinese: common ones that no topic word uses.
HAN_FILLER = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过"
    "子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体"
    "制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内"
    "数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提"
)


def vocabulary(rng: random.Random, language: str, size: int = 2000) -> list[str]:
    """`size` made-up filler words of the language (no topic word among them)."""
    topics, words = set(WORDS[language]), set()
    if language == "zh-hans":
        topic_chars = set("".join(topics))
        pool = [char for char in HAN_FILLER if char not in topic_chars]
        while len(words) < size:
            words.add("".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2, 3)))))
    else:
        syllables = SYLLABLES[language].split()
        while len(words) < size:
            word = "".join(rng.choice(syllables) for _ in range(rng.choice((2, 3, 3, 4))))
            if word not in topics:
                words.add(word)
    return sorted(words)


class Writer:
    """Text of one language: each article is about three topic words, which make a tenth of
    its words; the rest is filler drawn with Zipf's law (a few words everywhere, most rare)."""

    def __init__(self, rng: random.Random, language: str):
        self.rng, self.language = rng, language
        self.filler = vocabulary(rng, language)
        self.weights = [1 / (rank + 1) for rank in range(len(self.filler))]
        self.joiner = "" if language == "zh-hans" else " "
        self.end = "。" if language == "zh-hans" else "."

    def words(self, count: int, topics: list[str]) -> str:
        drawn = self.rng.choices(self.filler, weights=self.weights, k=count)
        for index in range(0, count, 10):
            drawn[index] = self.rng.choice(topics)
        return self.joiner.join(drawn)

    def article(self) -> dict:
        topics = self.rng.sample(WORDS[self.language], 3)
        sections = []
        for _ in range(3):
            sections.append(f"## {self.words(3, topics)}")
            sections.append(" ".join(self.words(12, topics) + self.end for _ in range(8)))
        return {
            "title": self.joiner.join([*topics[:2], *self.rng.sample(self.filler[:200], 2)]),
            "tags": topics,
            "summary": self.words(14, topics),
            "body": "\n\n".join(sections),
        }


def load(tenant, count: int, seed: int) -> tuple[float, list]:
    """Write `count` published articles as an author's save would, in bulk: the seconds
    taken, and each language's commonest filler word (a query that matches nearly every
    article of its language: the worst case)."""
    from knowledgebase.models import Article, ArticleTranslation, Category, Status
    from knowledgebase.rendering import render
    from knowledgebase.search.text import fold
    from knowledgebase.services.articles import search_vectors_update
    from tenants.tenancy.context import tenant_scope

    rng = random.Random(seed)  # noqa: S311 - reproducible text, not secrets
    languages = list(WORDS)
    writers = {language: Writer(rng, language) for language in languages}
    started = time.perf_counter()
    with tenant_scope(tenant):
        category = Category.objects.create(slug="all", name={"en": "All"})
        articles = Article.objects.bulk_create(
            Article(category=category, status=Status.PUBLISHED) for _ in range(count)
        )
        translations = []
        for index, article in enumerate(articles):
            language = languages[index % len(languages)]
            text = writers[language].article()
            title, tags, summary, body = text["title"], text["tags"], text["summary"], text["body"]
            rendered = render(body)
            translations.append(ArticleTranslation(
                article=article, language=language, title=title, slug=f"article-{index}",
                summary=summary, body=body, tags=tags, body_html=rendered.html,
                plain=rendered.plain, toc=rendered.toc,
                fuzzy=fold(" ".join([title, *tags, summary]), language).lower(),
            ))  # fmt: skip
        ArticleTranslation.objects.bulk_create(translations, batch_size=1000)
        ids = [translation.pk for translation in translations]
    for start in range(0, len(ids), 1000):
        search_vectors_update(tenant=tenant, translation_ids=ids[start : start + 1000])
    broad = [(language, writer.filler[0]) for language, writer in writers.items()]
    return time.perf_counter() - started, broad


def step(args) -> dict:
    import django

    django.setup()
    from knowledgebase.models import ArticleTranslation
    from knowledgebase.search.query import _has_trigram, search_articles
    from tenants.services.tenants import tenant_create
    from tenants.tenancy.context import tenant_scope

    tenant, _ = tenant_create(slug=SLUG, name="Bench KB", owner_email=OWNER)
    loaded, broad = load(tenant, args.articles, args.seed)
    analyze(os.environ["DATABASE_URL"])  # as the tables' owner, as autovacuum would
    rng = random.Random(args.seed)  # noqa: S311 - reproducible choices, not secrets
    searches, lookups, found = [], [], {}
    for _ in range(args.rounds):
        for language, query in QUERIES + broad:
            started = time.perf_counter()
            results = search_articles(tenant=tenant, language=language, query=query)
            searches.append(time.perf_counter() - started)
            found[f"{language}:{query}"] = results.total
            slug = f"article-{rng.randrange(args.articles)}"
            started = time.perf_counter()
            with tenant_scope(tenant):
                ArticleTranslation.objects.filter(language="en", slug=slug).first()
            lookups.append(time.perf_counter() - started)
    searches.sort()
    return {
        "articles": args.articles,
        "load": loaded,
        "median": statistics.median(searches),
        "p95": searches[int(0.95 * (len(searches) - 1))],
        "lookup": statistics.median(lookups),
        "queries": len(searches),
        "found": found,
        "trigram": _has_trigram(),
    }


def run(args, database_url: str, env: dict) -> None:
    log(f"Loading {args.articles:,} articles in four languages, then searching ...")
    result = run_step("bench.kb", env, "--step", "--articles", args.articles,
                      "--rounds", args.rounds, "--seed", args.seed)  # fmt: skip
    log(f"  loaded and indexed in {result['load']:.1f} s")
    for query, total in result["found"].items():
        log(f"  {query!r}: {total:,} found")
    if not result["trigram"]:
        log("  this PostgreSQL has no pg_trgm: the typo queries found nothing and "
            "returned suggestions instead")  # fmt: skip
    median, p95, lookup = (result[k] * 1000 for k in ("median", "p95", "lookup"))
    print(
        f"search median {median:.1f} ms, p95 {p95:.1f} ms ({result['queries']} queries) "
        f"| slug lookup median {lookup:.2f} ms | ratio {median / lookup:.0f}"
    )


def main(argv=None) -> int:
    return bench_main(parse_args(argv), step=step, label="kb", make="bench-kb", run=run)


if __name__ == "__main__":
    sys.exit(main())
