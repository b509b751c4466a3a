"""The default onboarding emails to customers (the welcome when a plan starts, and the
reminder of a step that is due) in English, Simplified Chinese, Russian and Romanian. They
become the tenant's customer email templates, edited in the admin site like every other;
both must keep the `{{ portal_link }}` placeholder, the contact's way into the checklist."""

WELCOME_KEY = "onboarding-welcome"
STEP_DUE_KEY = "onboarding-step-due"
KEYS = (WELCOME_KEY, STEP_DUE_KEY)
PLACEHOLDERS = ("portal_link", "step_title", "step_due")
REQUIRED = ("portal_link",)

# {key: {language: (subject, body)}}
ONBOARDING_EMAILS: dict[str, dict[str, tuple[str, str]]] = {
    WELCOME_KEY: {
        "en": (
            "Welcome to {{ company_name }}: your first steps",
            "Hello {{ contact_name }},\n\nWelcome aboard! We have prepared a short checklist "
            "to get {{ account_name }} up and running. You can see it, tick off what you have "
            "done and find help for each step here:\n\n{{ portal_link }}\n\n"
            "The link is personal: please do not forward it. If you have any question, just "
            "reply to this email.\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "zh-hans": (
            "欢迎使用 {{ company_name }}：您的第一步",
            "{{ contact_name }}，您好：\n\n欢迎加入！我们为 {{ account_name }} 准备了一份简短的"
            "入门清单。您可以在此查看清单、勾选已完成的步骤，并找到每一步的帮助：\n\n"
            "{{ portal_link }}\n\n此链接仅供您个人使用，请勿转发。"
            "如有任何问题，直接回复此邮件即可。\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ru": (
            "Добро пожаловать в {{ company_name }}: первые шаги",
            "Здравствуйте, {{ contact_name }}!\n\nДобро пожаловать! Мы подготовили короткий "
            "список шагов, чтобы {{ account_name }} быстро начал(а) работу. Здесь можно его "
            "посмотреть, отметить сделанное и найти помощь по каждому шагу:\n\n"
            "{{ portal_link }}\n\nСсылка личная: пожалуйста, не пересылайте её. Если "
            "появятся вопросы, просто ответьте на это письмо.\n\n{{ csm_name }}\n"
            "{{ company_name }}",
        ),
        "ro": (
            "Bun venit la {{ company_name }}: primii pași",
            "Bună ziua, {{ contact_name }},\n\nBun venit! Am pregătit o listă scurtă de pași "
            "pentru ca {{ account_name }} să pornească repede. O puteți vedea, puteți bifa ce "
            "ați făcut și găsiți ajutor pentru fiecare pas aici:\n\n{{ portal_link }}\n\n"
            "Linkul este personal: vă rugăm să nu-l trimiteți mai departe. Pentru orice "
            "întrebare, răspundeți la acest e-mail.\n\n{{ csm_name }}\n{{ company_name }}",
        ),
    },
    STEP_DUE_KEY: {
        "en": (
            "Next step for {{ account_name }}: {{ step_title }}",
            "Hello {{ contact_name }},\n\nA step of your onboarding checklist is due on "
            "{{ step_due }}:\n\n{{ step_title }}\n\nYou can do it, or tell us it is done, "
            "here:\n{{ portal_link }}\n\nIf something is in the way, reply to this email and "
            "we will help.\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "zh-hans": (
            "{{ account_name }} 的下一步：{{ step_title }}",
            "{{ contact_name }}，您好：\n\n您的入门清单中有一个步骤将于 {{ step_due }} 到期：\n\n"
            "{{ step_title }}\n\n您可以在此完成它，或告诉我们已经完成：\n{{ portal_link }}\n\n"
            "如遇到任何困难，请回复此邮件，我们会帮助您。\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ru": (
            "Следующий шаг для {{ account_name }}: {{ step_title }}",
            "Здравствуйте, {{ contact_name }}!\n\nСрок шага из вашего списка первых шагов — "
            "{{ step_due }}:\n\n{{ step_title }}\n\nВыполнить его или отметить как "
            "сделанный можно здесь:\n{{ portal_link }}\n\nЕсли что-то мешает, ответьте на "
            "это письмо, и мы поможем.\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ro": (
            "Următorul pas pentru {{ account_name }}: {{ step_title }}",
            "Bună ziua, {{ contact_name }},\n\nUn pas din lista dumneavoastră de început are "
            "termen pe {{ step_due }}:\n\n{{ step_title }}\n\nÎl puteți face, sau ne puteți "
            "spune că e gata, aici:\n{{ portal_link }}\n\nDacă vă împiedică ceva, răspundeți "
            "la acest e-mail și vă ajutăm.\n\n{{ csm_name }}\n{{ company_name }}",
        ),
    },
}
