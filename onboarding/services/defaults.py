"""The two onboarding templates every tenant starts with, in English, Simplified Chinese,
Russian and Romanian: a self-serve checklist (the default) and an enterprise one with the
sales handover, a kickoff and a go-live. The tenant edits them like any template; they are
added once (a template the tenant deleted is not brought back). The customer's steps link to
the help center's article with the same help key (the demo help center has them all)."""

from onboarding.models import OnboardingTemplate
from onboarding.services.templates import template_save
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope


def _t(en: str, zh: str, ru: str, ro: str) -> dict[str, str]:
    return {"en": en, "zh-hans": zh, "ru": ru, "ro": ro}


CONNECT = {
    "key": "connect-data",
    "article_key": "connect-data", "due_days": 3, "completed_by": "event",
    "event_name": "data_synced", "event_count": 1,
    "title": _t("Connect your data", "连接您的数据", "Подключите свои данные",
                "Conectați-vă datele"),
    "help": _t("Connect the source your team works from; the first sync completes this step.",
               "连接团队使用的数据源；首次同步完成后此步骤即完成。",
               "Подключите источник, с которым работает команда; "
               "шаг завершится после первой синхронизации.",
               "Conectați sursa cu care lucrează echipa; pasul se încheie la prima sincronizare."),
}  # fmt: skip
FIRST_REPORT = {
    "key": "first-report",
    "article_key": "first-report", "due_days": 7, "completed_by": "event",
    "event_name": "report_run", "event_count": 1,
    "title": _t("Run your first report", "运行您的第一份报告", "Запустите первый отчёт",
                "Rulați primul raport"),
    "help": _t("A first report shows the value of your data in minutes.",
               "第一份报告能在几分钟内展示您数据的价值。",
               "Первый отчёт за несколько минут покажет ценность ваших данных.",
               "Un prim raport arată în câteva minute valoarea datelor dumneavoastră."),
}  # fmt: skip
INVITE = {
    "key": "invite-team",
    "article_key": "invite-team", "due_days": 14, "completed_by": "event",
    "event_name": "user_invited", "event_count": 3,
    "title": _t("Invite three teammates", "邀请三位同事", "Пригласите трёх коллег",
                "Invitați trei colegi"),
    "help": _t("Teams that work together in the product get more out of it.",
               "在产品中协同工作的团队收获更多。",
               "Команды, которые работают в продукте вместе, получают от него больше.",
               "Echipele care lucrează împreună în produs obțin mai mult de la el."),
}  # fmt: skip
DASHBOARD = {
    "key": "share-dashboard",
    "article_key": "share-dashboard", "due_days": 21, "completed_by": "customer", "required": False,
    "title": _t("Share a dashboard", "分享一个仪表板", "Поделитесь дашбордом",
                "Distribuiți un tablou de bord"),
    "help": _t("Tick this once your team looks at a shared dashboard.",
               "团队开始查看共享仪表板后，请勾选此项。",
               "Отметьте, когда команда начнёт смотреть общий дашборд.",
               "Bifați când echipa urmărește un tablou de bord comun."),
}  # fmt: skip
WORKFLOW = {
    "key": "first-workflow",
    "article_key": "first-workflow", "due_days": 30, "completed_by": "event",
    "event_name": "workflow_run", "event_count": 5,
    "title": _t("Automate a workflow", "自动化一个工作流程", "Автоматизируйте процесс",
                "Automatizați un flux de lucru"),
    "help": _t("Five runs of a workflow mean it has become part of the routine.",
               "工作流程运行五次，意味着它已成为日常的一部分。",
               "Пять запусков процесса означают, что он стал частью работы.",
               "Cinci rulări ale unui flux înseamnă că a intrat în rutină."),
}  # fmt: skip
HANDOVER = {
    "key": "handover", "due_days": 2, "completed_by": "csm",
    "title": _t("Review the sales handover", "审阅销售交接", "Изучите передачу от отдела продаж",
                "Analizați predarea de la vânzări"),
}  # fmt: skip
KICKOFF = {
    "key": "kickoff", "due_days": 7, "completed_by": "csm",
    "title": _t("Hold the kickoff call", "召开启动会议", "Проведите стартовую встречу",
                "Țineți ședința de început"),
}  # fmt: skip
GO_LIVE = {
    "key": "go-live",
    "article_key": "go-live", "due_days": 45, "completed_by": "customer",
    "title": _t("Go live with your team", "与团队正式上线", "Запустите работу всей командой",
                "Treceți în producție cu echipa"),
}  # fmt: skip

DEFAULT_TEMPLATES = [
    {
        "name": "Self-serve onboarding", "is_default": True, "priority": 100,
        "steps": [CONNECT, FIRST_REPORT, INVITE, DASHBOARD, WORKFLOW],
        "milestones": {"first_value": "first-report", "activated": "invite-team",
                       "adopted": "first-workflow"},
    },
    {
        "name": "Enterprise onboarding", "segment": "Enterprise", "priority": 10,
        "steps": [HANDOVER, KICKOFF, CONNECT, FIRST_REPORT, INVITE, GO_LIVE, WORKFLOW],
        "milestones": {"first_value": "first-report", "activated": "go-live",
                       "adopted": "first-workflow"},
    },
]  # fmt: skip


def templates_ensure_defaults(*, tenant: Tenant) -> list[OnboardingTemplate]:
    """Add the default templates to a tenant that has no template yet."""
    with tenant_scope(tenant):
        if OnboardingTemplate.objects.exists():
            return []
    made = []
    for spec in DEFAULT_TEMPLATES:
        fields = {
            name: value for name, value in spec.items() if name not in ("steps", "milestones")
        }
        made.append(template_save(tenant=tenant, steps=spec["steps"],
                                  milestones=spec["milestones"], **fields))  # fmt: skip
    return made
