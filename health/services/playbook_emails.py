"""The default customer email templates of the default playbooks, in English, Simplified
Chinese, Russian and Romanian. They are the tenant's rows once added, edited in the admin
site; placeholders are those of accounts.services.customer_email.PLACEHOLDERS."""

# {key: {language: (subject, body)}}
DEFAULT_EMAILS: dict[str, dict[str, tuple[str, str]]] = {
    "at-risk-checkin": {
        "en": (
            "How is {{ account_name }} getting on?",
            "Hello {{ contact_name }},\n\nI noticed your team has been using our product less "
            "lately. Is anything in the way? I would be glad to take 20 minutes to help you "
            "get more out of it.\n\nJust reply to this email to pick a time.\n\n"
            "{{ csm_name }}\n{{ company_name }}",
        ),
        "zh-hans": (
            "{{ account_name }} 最近使用得怎么样？",
            "{{ contact_name }}，您好：\n\n我注意到贵团队最近使用我们产品的频率有所下降。"
            "是否遇到了什么问题？我很乐意花 20 分钟帮助您更好地使用它。\n\n"
            "直接回复此邮件即可约定时间。\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ru": (
            "Как дела у {{ account_name }}?",
            "Здравствуйте, {{ contact_name }}!\n\nЯ заметил(а), что в последнее время ваша "
            "команда пользуется нашим продуктом реже. Что-то мешает? Я с радостью выделю "
            "20 минут, чтобы помочь вам получить от него больше.\n\nПросто ответьте на это "
            "письмо, чтобы выбрать время.\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ro": (
            "Cum merge la {{ account_name }}?",
            "Bună ziua, {{ contact_name }},\n\nAm observat că echipa dumneavoastră folosește "
            "produsul nostru mai rar în ultima vreme. Vă împiedică ceva? V-aș ajuta cu "
            "plăcere în 20 de minute să obțineți mai mult de la el.\n\nRăspundeți la acest "
            "e-mail pentru a alege o oră.\n\n{{ csm_name }}\n{{ company_name }}",
        ),
    },
    "renewal-review": {
        "en": (
            "Your renewal: a look back and ahead",
            "Hello {{ contact_name }},\n\n{{ account_name }}'s renewal is coming up in about "
            "three months. I would like to review with you what you have achieved so far and "
            "what you plan for next year.\n\nWhen would suit you for a short call?\n\n"
            "{{ csm_name }}\n{{ company_name }}",
        ),
        "zh-hans": (
            "您的续约：回顾与展望",
            "{{ contact_name }}，您好：\n\n{{ account_name }} 的续约大约在三个月后到期。"
            "我想和您一起回顾目前取得的成果，并了解您明年的计划。\n\n"
            "您什么时候方便进行一次简短的通话？\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ru": (
            "Ваше продление: итоги и планы",
            "Здравствуйте, {{ contact_name }}!\n\nПримерно через три месяца подходит срок "
            "продления для {{ account_name }}. Я хотел(а) бы обсудить с вами, чего вы уже "
            "достигли и что планируете на следующий год.\n\nКогда вам удобно коротко "
            "созвониться?\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ro": (
            "Reînnoirea dumneavoastră: bilanț și planuri",
            "Bună ziua, {{ contact_name }},\n\nReînnoirea pentru {{ account_name }} se apropie, "
            "în aproximativ trei luni. Aș dori să trecem împreună în revistă ce ați realizat "
            "până acum și ce planificați pentru anul viitor.\n\nCând v-ar conveni o scurtă "
            "discuție?\n\n{{ csm_name }}\n{{ company_name }}",
        ),
    },
    "success-stories": {
        "en": (
            "How teams like yours succeed with us",
            "Hello {{ contact_name }},\n\nTeams like {{ account_name }} often get the most "
            "value once a few people use the product every week. Here is how our customers "
            "did it, and I am happy to set up the same for you.\n\n"
            "{{ csm_name }}\n{{ company_name }}",
        ),
        "zh-hans": (
            "与您相似的团队如何取得成功",
            "{{ contact_name }}，您好：\n\n像 {{ account_name }} 这样的团队，通常在有几位成员"
            "每周使用产品后收获最大。以下是我们的客户的做法，我也很乐意为您做同样的安排。\n\n"
            "{{ csm_name }}\n{{ company_name }}",
        ),
        "ru": (
            "Как команды, похожие на вашу, добиваются успеха",
            "Здравствуйте, {{ contact_name }}!\n\nКоманды вроде {{ account_name }} обычно "
            "получают больше всего пользы, когда несколько человек работают с продуктом "
            "каждую неделю. Вот как это сделали наши клиенты — я с радостью помогу вам "
            "сделать так же.\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ro": (
            "Cum reușesc echipele ca a dumneavoastră",
            "Bună ziua, {{ contact_name }},\n\nEchipele ca {{ account_name }} câștigă cel mai "
            "mult atunci când câțiva oameni folosesc produsul în fiecare săptămână. Iată cum "
            "au procedat clienții noștri; vă ajut cu plăcere să faceți la fel.\n\n"
            "{{ csm_name }}\n{{ company_name }}",
        ),
    },
    "case-study-ask": {
        "en": (
            "Would you share {{ account_name }}'s story?",
            "Hello {{ contact_name }},\n\nThank you for your kind words about our product. "
            "Would you be open to a short case study about what {{ account_name }} achieved? "
            "It takes about 30 minutes of your time, and you approve every word.\n\n"
            "{{ csm_name }}\n{{ company_name }}",
        ),
        "zh-hans": (
            "您愿意分享 {{ account_name }} 的故事吗？",
            "{{ contact_name }}，您好：\n\n感谢您对我们产品的好评。您是否愿意就 "
            "{{ account_name }} 取得的成果做一个简短的案例研究？大约只需占用您 30 分钟，"
            "每一个字都由您审阅确认。\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ru": (
            "Расскажете историю {{ account_name }}?",
            "Здравствуйте, {{ contact_name }}!\n\nСпасибо за добрые слова о нашем продукте. "
            "Готовы ли вы поучаствовать в коротком кейсе о том, чего добилась "
            "{{ account_name }}? Это займёт около 30 минут, и каждое слово вы утвердите "
            "сами.\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ro": (
            "Ați împărtăși povestea {{ account_name }}?",
            "Bună ziua, {{ contact_name }},\n\nVă mulțumim pentru cuvintele frumoase despre "
            "produsul nostru. Ați fi de acord cu un scurt studiu de caz despre ce a realizat "
            "{{ account_name }}? Durează circa 30 de minute și aprobați fiecare cuvânt.\n\n"
            "{{ csm_name }}\n{{ company_name }}",
        ),
    },
    "referral-ask": {
        "en": (
            "Who else would benefit?",
            "Hello {{ contact_name }},\n\nDo you know a team that could use what "
            "{{ account_name }} uses every day? An introduction from you means a lot to us; "
            "just reply with a name.\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "zh-hans": (
            "还有谁会从中受益？",
            "{{ contact_name }}，您好：\n\n您是否认识也需要 {{ account_name }} 每天所用工具的团队？"
            "您的引荐对我们意义重大；直接回复一个名字即可。\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ru": (
            "Кому ещё это пригодится?",
            "Здравствуйте, {{ contact_name }}!\n\nЗнаете ли вы команду, которой пригодилось бы "
            "то, чем {{ account_name }} пользуется каждый день? Ваша рекомендация много для "
            "нас значит — просто ответьте, назвав имя.\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ro": (
            "Cui i-ar mai fi de folos?",
            "Bună ziua, {{ contact_name }},\n\nCunoașteți o echipă căreia i-ar folosi ce "
            "folosește {{ account_name }} în fiecare zi? O recomandare de la dumneavoastră "
            "înseamnă mult pentru noi; răspundeți doar cu un nume.\n\n"
            "{{ csm_name }}\n{{ company_name }}",
        ),
    },
    "welcome-checkin": {
        "en": (
            "Welcome aboard, {{ contact_name }}",
            "Hello {{ contact_name }},\n\nI am {{ csm_name }}, your contact at "
            "{{ company_name }}. Over the next 90 days I will check in now and then to make "
            "sure {{ account_name }} gets going quickly. Reply any time with a question.\n\n"
            "{{ csm_name }}",
        ),
        "zh-hans": (
            "欢迎加入，{{ contact_name }}",
            "{{ contact_name }}，您好：\n\n我是 {{ csm_name }}，您在 {{ company_name }} 的联系人。"
            "在接下来的 90 天里，我会不时与您联系，确保 {{ account_name }} 顺利起步。"
            "有任何问题，欢迎随时回复。\n\n{{ csm_name }}",
        ),
        "ru": (
            "Добро пожаловать, {{ contact_name }}",
            "Здравствуйте, {{ contact_name }}!\n\nМеня зовут {{ csm_name }}, я ваш контакт в "
            "{{ company_name }}. В ближайшие 90 дней я буду время от времени связываться с "
            "вами, чтобы {{ account_name }} быстро начала работу. Пишите в ответ с любым "
            "вопросом.\n\n{{ csm_name }}",
        ),
        "ro": (
            "Bine ați venit, {{ contact_name }}",
            "Bună ziua, {{ contact_name }},\n\nSunt {{ csm_name }}, persoana dumneavoastră de "
            "contact la {{ company_name }}. În următoarele 90 de zile vă voi scrie din când "
            "în când, ca {{ account_name }} să pornească repede. Răspundeți oricând cu o "
            "întrebare.\n\n{{ csm_name }}",
        ),
    },
    "progress-checkin": {
        "en": (
            "Checking in on {{ account_name }}",
            "Hello {{ contact_name }},\n\nHow are things going? If anything is slowing your "
            "team down, or you would like a short session on features you have not tried "
            "yet, reply and I will set it up.\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "zh-hans": (
            "{{ account_name }} 近况如何",
            "{{ contact_name }}，您好：\n\n一切进展如何？如果有什么拖慢了您的团队，或者您想"
            "简短了解一下尚未使用的功能，请回复，我来安排。\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ru": (
            "Как дела у {{ account_name }}",
            "Здравствуйте, {{ contact_name }}!\n\nКак идут дела? Если что-то тормозит вашу "
            "команду или вы хотели бы коротко познакомиться с функциями, которые ещё не "
            "пробовали, ответьте — я всё организую.\n\n{{ csm_name }}\n{{ company_name }}",
        ),
        "ro": (
            "Cum merge la {{ account_name }}",
            "Bună ziua, {{ contact_name }},\n\nCum merg lucrurile? Dacă ceva vă încetinește "
            "echipa sau doriți o scurtă sesiune despre funcțiile pe care nu le-ați încercat "
            "încă, răspundeți și o organizez eu.\n\n{{ csm_name }}\n{{ company_name }}",
        ),
    },
}
