"""Knowledge base benchmark: help center search over 10,000 articles in four languages
against a plain indexed lookup of one article by its slug.

    make bench-kb ARGS="--articles 10000"
    python -m csplatform.embedded -- python -m bench.kb [--articles N] [--repeat R] ...

It creates a scratch database on the PostgreSQL of DATABASE_URL, migrates it and loads one
tenant's help center: articles spread evenly over English, Simplified Chinese, Russian and
Romanian, their words drawn from a word list of each language (titles of 4-8 words, bodies
of 120-600 words under two or three headings), rendered as the save service renders them,
inserted in bulk, then given their search vectors by `search_vectors_update` in batches.
In a second process it times `search_articles` for a fixed set of queries (English,
Russian, Romanian with and without diacritics, a two-character Chinese word, a typo), each
--repeat times, and the lookup of one translation by language and slug through the ORM,
as the article page does. The last line printed is:

    search median 4.1 ms, p95 9.8 ms | slug lookup median 0.35 ms | search = 11.7 lookups

The scratch database is dropped at the end (--keep keeps it).
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time

from bench.recompute import analyze, log
from bench.scratch import ROOT, scratch_database

SLUG = "bench-kb"
LANGUAGES = ["en", "zh-hans", "ru", "ro"]
BATCH = 500

WORDS = {
    "en": (
        "account team invite onboarding customer success health score renewal churn "
        "retention dashboard report import data spreadsheet integration billing invoice "
        "plan seat workflow playbook survey answer contact owner admin setting permission "
        "sync crm event product usage trial upgrade expansion feature adoption milestone "
        "checklist task reminder email template segment cohort revenue forecast quarter "
        "meeting review goal risk signal alert trend weekly monthly export api key webhook "
        "security password sign language help article search guide start quickly simple "
        "every first next your their with from when where how what which the and for of"
    ).split(),
    "ru": (
        "клиент команда приглашение онбординг успех здоровье оценка продление отток "
        "удержание дашборд отчёт импорт данные таблица интеграция оплата счёт тариф место "
        "процесс сценарий опрос ответ контакт владелец администратор настройка доступ "
        "синхронизация событие продукт использование пробный расширение функция внедрение "
        "этап задача напоминание письмо шаблон сегмент когорта выручка прогноз квартал "
        "встреча цель риск сигнал оповещение неделя месяц экспорт ключ безопасность пароль "
        "язык справка статья поиск начало быстро просто каждый первый ваш их как что где "
        "клиентов команды данных отчёта оплаты удержания оттока импорта"
    ).split(),
    "ro": (
        "client echipă invitație onboarding succes sănătate scor reînnoire pierdere "
        "retenție tablou raport import date tabel integrare facturare factură plan loc "
        "flux playbook sondaj răspuns contact proprietar administrator setare permisiune "
        "sincronizare eveniment produs utilizare încercare extindere funcție adopție etapă "
        "sarcină memento șablon segment cohortă venit prognoză trimestru ședință obiectiv "
        "risc semnal alertă săptămână lună export cheie securitate parolă limbă ajutor "
        "articol căutare început rapid simplu fiecare primul următor clienți echipei "
        "datelor facturii retenția pentru care când unde cum"
    ).split(),
    "zh-hans": (
        "客户 团队 邀请 入门 成功 健康 评分 续约 流失 留存 仪表板 报告 导入 数据 表格 集成 "
        "账单 发票 套餐 席位 流程 手册 调查 回答 联系人 负责人 管理员 设置 权限 同步 事件 "
        "产品 使用 试用 升级 扩展 功能 采用 里程碑 清单 任务 提醒 邮件 模板 分群 同期群 "
        "收入 预测 季度 会议 目标 风险 信号 提醒 趋势 每周 每月 导出 密钥 安全 密码 语言 "
        "帮助 文章 搜索 指南 开始 快速 简单 每个 第一 下一步 您的 如何 什么 哪里"
    ).split(),
}
QUERIES = [
    ("en", "invite team"),
    ("en", "health score"),
    ("en", "onbaording"),  # a typo: no exact match, near spellings
    ("ru", "удержание клиентов"),
    ("ru", "импорт"),
    ("ro", "retenție"),
    ("ro", "retentie"),  # the same word typed without diacritics
    ("zh-hans", "留存"),
]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles to load")
    parser.add_argument("--repeat", type=int, default=30, help="runs of each query")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the texts")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--step", choices=["load", "time"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.articles < 4 or args.repeat < 1:
        parser.error("--articles must be at least 4, --repeat at least 1.")
    return args


def _phrase(rng: random.Random, language: str, count: int) -> str:
    words = rng.choices(WORDS[language], k=count)
    if language == "zh-hans":
        return "".join(words)
    return " ".join(words)


def _sentence(rng: random.Random, language: str, words: int = 0) -> str:
    text = _phrase(rng, language, words or rng.randint(6, 16))
    return text + ("。" if language == "zh-hans" else ".")


def article_text(rng: random.Random, language: str) -> dict:
    """A title, summary and Markdown body of realistic lengths in `language`."""
    title = _phrase(rng, language, rng.randint(4, 8))
    summary = _sentence(rng, language)
    parts, budget = [], rng.randint(120, 600)
    for _ in range(rng.randint(2, 3)):
        parts.append("## " + _phrase(rng, language, rng.randint(2, 4)).capitalize())
        paragraph, written = [], 0
        while written < budget // 3:
            count = rng.randint(6, 16)
            paragraph.append(_sentence(rng, language, count))
            written += count
        parts.append(("" if language == "zh-hans" else " ").join(paragraph).capitalize())
    return {"title": title.capitalize(), "summary": summary, "body": "\n\n".join(parts),
            "tags": rng.sample(WORDS[language], 2)}  # fmt: skip


def load(args) -> dict:
    from knowledgebase.models import Article, ArticleTranslation, Category, Status
    from knowledgebase.rendering import render
    from knowledgebase.services.articles import search_vectors_update, slug_for
    from tenants.services.tenants import tenant_create
    from tenants.tenancy.context import tenant_scope

    rng = random.Random(args.seed)  # noqa: S311 - benchmark texts, not secrets
    tenant, _ = tenant_create(slug=SLUG, name="Bench", owner_email="owner@bench.example")
    started = time.perf_counter()
    with tenant_scope(tenant):
        category = Category.objects.create(slug="docs", name={"en": "Docs"})
        articles = Article.objects.bulk_create(
            [
                Article(category=category, kind="doc", status=Status.PUBLISHED, position=n)
                for n in range(args.articles)
            ],
            batch_size=2000,
        )
        rows = []
        for n, article in enumerate(articles):
            language = LANGUAGES[n % len(LANGUAGES)]
            text = article_text(rng, language)
            rendered = render(text["body"])
            rows.append(
                ArticleTranslation(
                    article=article,
                    language=language,
                    title=text["title"][:200],
                    slug=f"{slug_for(text['title'])[:180]}-{n}",
                    summary=text["summary"][:500],
                    body=text["body"],
                    tags=text["tags"],
                    body_html=rendered.html,
                    plain=rendered.plain,
                    toc=rendered.toc,
                    fuzzy=" ".join([text["title"], *text["tags"]]).lower(),
                )  # fmt: skip
            )
        prepared = time.perf_counter()
        ArticleTranslation.objects.bulk_create(rows, batch_size=2000)
        inserted = time.perf_counter()
    ids = [row.pk for row in rows]
    for low in range(0, len(ids), BATCH):
        search_vectors_update(tenant=tenant, translation_ids=ids[low : low + BATCH])
    done = time.perf_counter()
    return {
        "render": prepared - started,
        "insert": inserted - prepared,
        "vectors": done - inserted,
        "tenant": tenant.pk,
    }


def timings(args) -> dict:
    from knowledgebase.models import ArticleTranslation
    from knowledgebase.search.query import search_articles
    from tenants.models import Tenant
    from tenants.tenancy.context import tenant_scope

    tenant = Tenant.objects.get(slug=SLUG)
    per_query, found, every = {}, {}, []
    for language, query in QUERIES:
        search_articles(tenant=tenant, language=language, query=query)  # warm the plan
        runs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            results = search_articles(tenant=tenant, language=language, query=query)
            runs.append(time.perf_counter() - started)
        found[f"{language}:{query}"] = (results.total, results.fuzzy)
        per_query[f"{language}:{query}"] = statistics.median(runs)
        every += runs
    with tenant_scope(tenant):
        slugs = list(ArticleTranslation.objects.order_by("?").values_list("language", "slug")[:50])
        lookups = []
        for index in range(max(args.repeat * len(QUERIES), 200)):
            language, slug = slugs[index % len(slugs)]
            started = time.perf_counter()
            ArticleTranslation.objects.filter(language=language, slug=slug).select_related(
                "article"
            ).first()
            lookups.append(time.perf_counter() - started)
    every.sort()
    return {
        "median": statistics.median(every),
        "p95": every[min(len(every) - 1, int(0.95 * len(every)))],
        "per_query": per_query,
        "found": found,
        "lookup": statistics.median(lookups),
    }


def step(args) -> dict:
    import django

    django.setup()
    return load(args) if args.step == "load" else timings(args)


def run_step(name: str, env: dict, args) -> dict:
    command = [sys.executable, "-m", "bench.kb", "--step", name,
               "--articles", str(args.articles), "--repeat", str(args.repeat),
               "--seed", str(args.seed)]  # fmt: skip
    done = subprocess.run(
        command, cwd=ROOT, env=env, check=True, timeout=3600, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.step:
        print(json.dumps(step(args)))
        return 0
    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        log("DATABASE_URL is not set; run through `make bench-kb` (embedded PostgreSQL).")
        return 2
    with scratch_database(base_url, "kb", keep=args.keep) as (database_url, env):
        log(f"Loading {args.articles:,} articles in {len(LANGUAGES)} languages ...")
        loaded = run_step("load", env, args)
        log(
            f"  rendered in {loaded['render']:.1f} s, inserted in {loaded['insert']:.1f} s, "
            f"search vectors in {loaded['vectors']:.1f} s"
        )
        analyze(database_url)
        timed = run_step("time", env, args)
        for name, seconds in timed["per_query"].items():
            total, fuzzy = timed["found"][name]
            kind = "near spellings" if fuzzy else "matches"
            log(f"  {name:<28} median {seconds * 1000:7.2f} ms, {total:,} {kind}")
        median, p95, lookup = timed["median"], timed["p95"], timed["lookup"]
        print(
            f"search median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms | slug lookup "
            f"median {lookup * 1000:.2f} ms | search = {median / lookup:.1f} lookups"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
