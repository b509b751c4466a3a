"""The default email that brings a CSM's answer to the customer, in English, Simplified
Chinese, Russian and Romanian. It becomes the tenant's row with its first answer and is
edited in the admin site like every customer email template."""

from accounts.services.customer_email import email_templates_add
from onboarding.services.questions import ANSWER_KEY
from tenants.models import Tenant

# {key: {language: (subject, body)}}
ANSWER_EMAILS: dict[str, dict[str, tuple[str, str]]] = {
    ANSWER_KEY: {
        "en": (
            "Your question to {{ company_name }} is answered",
            "Hello {{ contact_name }},\n\nYou asked:\n{{ question }}\n\n{{ csm_name }} "
            "answered:\n{{ answer }}\n\nYour onboarding checklist, with every answer:\n"
            "{{ portal_link }}\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "zh-hans": (
            "您向 {{ company_name }} 提出的问题已有答复",
            "{{ contact_name }}，您好：\n\n您的问题：\n{{ question }}\n\n{{ csm_name }} "
            "的答复：\n{{ answer }}\n\n您的入门清单及所有答复：\n{{ portal_link }}\n\n"
            "{{ csm_name }}\n{{ company_name }}",
        ),
        "ru": (
            "Ответ на ваш вопрос в {{ company_name }}",
            "Здравствуйте, {{ contact_name }}!\n\nВы спросили:\n{{ question }}\n\n"
            "{{ csm_name }} отвечает:\n{{ answer }}\n\nВаш план внедрения и все ответы:\n"
            "{{ portal_link }}\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ro": (
            "Întrebarea dumneavoastră către {{ company_name }} are un răspuns",
            "Bună ziua, {{ contact_name }},\n\nAți întrebat:\n{{ question }}\n\n{{ csm_name }} "
            "a răspuns:\n{{ answer }}\n\nLista de pași pentru începuturi, cu toate "
            "răspunsurile:\n{{ portal_link }}\n\n{{ csm_name }}\n{{ company_name }}",
        ),
    }
}


def answer_emails_ensure(*, tenant: Tenant) -> int:
    """Add the answer email templates the tenant does not have (its own edits stay)."""
    return email_templates_add(tenant=tenant, emails=ANSWER_EMAILS)
