"""The default NPS survey emails (the invitation and its one reminder) in English, Simplified
Chinese, Russian and Romanian. They become the tenant's rows with its first survey and are
edited in the admin site like every customer email template; a survey email must keep the
`{{ survey_link }}` placeholder (or `{{ score_links }}`), or no one could answer."""

from accounts.services.customer_email import email_templates_add
from accounts.services.survey_links import INVITE_KEY, REMINDER_KEY
from tenants.models import Tenant

# {key: {language: (subject, body)}}
SURVEY_EMAILS: dict[str, dict[str, tuple[str, str]]] = {
    INVITE_KEY: {
        "en": (
            "A quick question from {{ company_name }}",
            "Hello {{ contact_name }},\n\n{{ survey_question }}\n\nClick a score from 0 (not at "
            "all likely) to 10 (extremely likely), then send it from the page that opens:\n\n"
            "{{ score_links }}\n\nOr answer on this page, where you can also tell us why:\n"
            "{{ survey_link }}\n\nThank you!\n{{ csm_name }}\n{{ company_name }}",
        ),
        "zh-hans": (
            "{{ company_name }} 想请您回答一个问题",
            "{{ contact_name }}，您好：\n\n{{ survey_question }}\n\n请点击 0（完全不可能）到 "
            "10（极有可能）之间的一个分数，然后在打开的页面上提交：\n\n{{ score_links }}\n\n"
            "也可以在此页面回答，并告诉我们原因：\n{{ survey_link }}\n\n谢谢！\n"
            "{{ csm_name }}\n{{ company_name }}",
        ),
        "ru": (
            "Короткий вопрос от {{ company_name }}",
            "Здравствуйте, {{ contact_name }}!\n\n{{ survey_question }}\n\nНажмите на оценку "
            "от 0 (совсем маловероятно) до 10 (очень вероятно) и отправьте её "
            "на открывшейся странице:\n\n"
            "{{ score_links }}\n\nИли ответьте на этой странице и расскажите, почему:\n"
            "{{ survey_link }}\n\nСпасибо!\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ro": (
            "O întrebare scurtă de la {{ company_name }}",
            "Bună ziua, {{ contact_name }},\n\n{{ survey_question }}\n\nAlegeți o notă de la 0 "
            "(deloc probabil) la 10 (extrem de probabil); apoi trimiteți-o din pagina "
            "care se deschide:\n\n"
            "{{ score_links }}\n\nSau răspundeți pe această pagină, unde ne puteți spune și "
            "de ce:\n{{ survey_link }}\n\nVă mulțumim!\n{{ csm_name }}\n{{ company_name }}",
        ),
    },
    REMINDER_KEY: {
        "en": (
            "Reminder: a quick question from {{ company_name }}",
            "Hello {{ contact_name }},\n\nA few days ago we asked you one question, and your "
            "answer would help us a lot:\n\n{{ survey_question }}\n\n{{ score_links }}\n\n"
            "Or answer here: {{ survey_link }}\n\nThank you!\n{{ csm_name }}\n"
            "{{ company_name }}",
        ),
        "zh-hans": (
            "提醒：{{ company_name }} 想请您回答一个问题",
            "{{ contact_name }}，您好：\n\n几天前我们向您提了一个问题，您的回答对我们帮助很大：\n\n"
            "{{ survey_question }}\n\n{{ score_links }}\n\n或在此回答：{{ survey_link }}\n\n"
            "谢谢！\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ru": (
            "Напоминание: короткий вопрос от {{ company_name }}",
            "Здравствуйте, {{ contact_name }}!\n\nНесколько дней назад мы задали вам один "
            "вопрос, и ваш ответ очень нам поможет:\n\n{{ survey_question }}\n\n"
            "{{ score_links }}\n\nИли ответьте здесь: {{ survey_link }}\n\nСпасибо!\n"
            "{{ csm_name }}\n{{ company_name }}",
        ),
        "ro": (
            "Reamintire: o întrebare scurtă de la {{ company_name }}",
            "Bună ziua, {{ contact_name }},\n\nAcum câteva zile v-am pus o întrebare, iar "
            "răspunsul dumneavoastră ne-ar ajuta mult:\n\n{{ survey_question }}\n\n"
            "{{ score_links }}\n\nSau răspundeți aici: {{ survey_link }}\n\nVă mulțumim!\n"
            "{{ csm_name }}\n{{ company_name }}",
        ),
    },
}

# The question a new survey starts with, in each language.
DEFAULT_QUESTION = {
    "en": "How likely are you to recommend {{ company_name }} to a friend or colleague?",
    "zh-hans": "您向朋友或同事推荐 {{ company_name }} 的可能性有多大？",
    "ru": "Насколько вероятно, что вы порекомендуете {{ company_name }} другу или коллеге?",
    "ro": "Cât de probabil este să recomandați {{ company_name }} unui prieten sau coleg?",
}


def survey_templates_ensure(*, tenant: Tenant) -> int:
    """Add the survey emails a tenant does not have (its own edits stay)."""
    return email_templates_add(tenant=tenant, emails=SURVEY_EMAILS)
