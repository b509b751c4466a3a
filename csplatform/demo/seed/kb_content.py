"""The demo help center's words: its categories and sections, and its articles (tutorials,
FAQs, product docs and announcements about getting started with the product and running
customer success) in English, and most of them in Simplified Chinese, Russian and Romanian.
Articles whose help key is an onboarding step's key answer that step's help link."""

LANGUAGES = ["en", "zh-hans", "ru", "ro"]


def _t(en: str, zh: str, ru: str, ro: str) -> dict[str, str]:
    return {"en": en, "zh-hans": zh, "ru": ru, "ro": ro}


# (slug, parent slug or None, name, description)
CATEGORIES = [
    ("getting-started", None,
     _t("Getting started", "入门", "Начало работы", "Primii pași"),
     _t("Set up your workspace and bring your team in.", "设置工作区并邀请团队加入。",
        "Настройте рабочее пространство и пригласите команду.",
        "Configurați spațiul de lucru și aduceți-vă echipa.")),
    ("setup", "getting-started",
     _t("Setting up", "设置", "Настройка", "Configurare"), {}),
    ("team", "getting-started",
     _t("Your team", "您的团队", "Ваша команда", "Echipa dumneavoastră"), {}),
    ("data", None,
     _t("Data and integrations", "数据与集成", "Данные и интеграции", "Date și integrări"),
     _t("Import your customers and connect the tools you already use.",
        "导入客户数据，连接您已在使用的工具。",
        "Импортируйте клиентов и подключите инструменты, которыми уже пользуетесь.",
        "Importați clienții și conectați instrumentele pe care le folosiți deja.")),
    ("importing", "data",
     _t("Importing data", "导入数据", "Импорт данных", "Importul datelor"), {}),
    ("integrations", "data",
     _t("Integrations", "集成", "Интеграции", "Integrări"), {}),
    ("customer-success", None,
     _t("Customer success", "客户成功", "Успех клиентов", "Succesul clienților"),
     _t("Health scores, NPS and retention: keep your customers and grow them.",
        "健康评分、NPS 与留存：留住客户并帮助他们成长。",
        "Оценка здоровья, NPS и удержание: сохраняйте клиентов и развивайте их.",
        "Scoruri de sănătate, NPS și retenție: păstrați-vă clienții și creșteți-i.")),
    ("health", "customer-success",
     _t("Health scores", "健康评分", "Оценка здоровья", "Scoruri de sănătate"), {}),
    ("retention", "customer-success",
     _t("Retention and NPS", "留存与 NPS", "Удержание и NPS", "Retenție și NPS"), {}),
    ("account", None,
     _t("Your account", "您的账户", "Ваш аккаунт", "Contul dumneavoastră"),
     _t("Plans, invoices and what is new in the product.", "套餐、发票以及产品的最新动态。",
        "Тарифы, счета и новое в продукте.", "Planuri, facturi și noutăți în produs.")),
    ("billing", "account",
     _t("Billing", "账单", "Оплата", "Facturare"), {}),
    ("whats-new", "account",
     _t("What's new", "新功能", "Что нового", "Noutăți"), {}),
]  # fmt: skip

VIDEO = "![Video](https://www.youtube.com/watch?v=dQw4w9WgXcQ)"


def _a(key, kind, section, translations, *, help_key="", status="published", views=10,
       related=()):  # fmt: skip
    return {
        "key": key, "kind": kind, "section": section, "translations": translations,
        "help_key": help_key, "status": status, "views": views, "related": list(related),
    }  # fmt: skip


def _tr(title, summary, body, tags=()):
    return {"title": title, "summary": summary, "body": body.strip() + "\n", "tags": list(tags)}


ARTICLES = [
    _a("connect-data", "tutorial", "setup", help_key="connect-data", views=60,
       related=["import-spreadsheet", "integrations"], translations={
        "en": _tr("Connect your data", "Bring your customers in from your CRM or product.", """
## Why connect first
Everything else, from health scores to renewal forecasts, is built on your customer data.
Connecting a source takes about five minutes.

## Steps
1. Open **Settings → Integrations**.
2. Choose your CRM, or *Events API* to send usage from your product.
3. Sign in to the source and pick what to sync.
4. Wait for the first sync: this step completes by itself.

## Good to know
- The first sync can take up to an hour for large CRMs.
- Prefer a spreadsheet? See *Import accounts from a spreadsheet*.
""", ["setup", "crm", "sync"]),
        "zh-hans": _tr("连接您的数据", "从 CRM 或产品中导入您的客户。", """
## 为什么先连接数据
从健康评分到续约预测，一切都建立在客户数据之上。连接一个数据源大约只需五分钟。

## 步骤
1. 打开**设置 → 集成**。
2. 选择您的 CRM，或选择*事件 API* 从产品发送使用数据。
3. 登录数据源并选择要同步的内容。
4. 等待首次同步完成：此步骤会自动完成。

## 注意事项
- 大型 CRM 的首次同步可能需要一个小时。
- 更喜欢用表格？请参阅*从表格导入客户*。
""", ["设置", "CRM", "同步"]),
        "ru": _tr("Подключите свои данные", "Загрузите клиентов из CRM или продукта.", """
## Почему начинать с данных
Всё остальное, от оценки здоровья до прогноза продлений, строится на данных о клиентах.
Подключение источника занимает около пяти минут.

## Шаги
1. Откройте **Настройки → Интеграции**.
2. Выберите свою CRM или *Events API*, чтобы отправлять данные об использовании продукта.
3. Войдите в источник и выберите, что синхронизировать.
4. Дождитесь первой синхронизации: шаг завершится сам.

## Полезно знать
- Первая синхронизация большой CRM может занять до часа.
- Удобнее таблица? Смотрите статью *Импорт клиентов из таблицы*.
""", ["настройка", "crm", "синхронизация"]),
        "ro": _tr("Conectați-vă datele", "Aduceți clienții din CRM sau din produs.", """
## De ce să începeți cu datele
Totul, de la scorurile de sănătate la prognoza reînnoirilor, se bazează pe datele despre
clienți. Conectarea unei surse durează cam cinci minute.

## Pași
1. Deschideți **Setări → Integrări**.
2. Alegeți CRM-ul sau *Events API* pentru a trimite datele de utilizare din produs.
3. Autentificați-vă în sursă și alegeți ce se sincronizează.
4. Așteptați prima sincronizare: pasul se încheie singur.

## Bine de știut
- Prima sincronizare a unui CRM mare poate dura până la o oră.
- Preferați un tabel? Vedeți *Importul clienților dintr-un tabel*.
""", ["configurare", "crm", "sincronizare"]),
    }),
    _a("first-report", "tutorial", "setup", help_key="first-report", views=35,
       related=["health-scores"], translations={
        "en": _tr("Run your first report", "See the value of your data in minutes.", """
## Pick a question
Start with one question your team asks every week, for example *which accounts renew
next quarter?*

## Build it
1. Open **Reports** and choose **New report**.
2. Pick the *Renewals* template.
3. Filter by owner or segment, then press **Run**.

## Keep it
Save the report and add it to a dashboard so the whole team sees the same numbers.
""", ["reports", "dashboards"]),
        "zh-hans": _tr("运行您的第一份报告", "几分钟内看到数据的价值。", """
## 选择一个问题
从团队每周都会问的一个问题开始，例如*下个季度哪些客户要续约？*

## 创建报告
1. 打开**报告**，选择**新建报告**。
2. 选择*续约*模板。
3. 按负责人或客户分群筛选，然后点击**运行**。

## 保存报告
保存报告并把它添加到仪表板，让整个团队看到同样的数字。
""", ["报告", "仪表板"]),
        "ru": _tr("Запустите первый отчёт", "Увидьте ценность данных за несколько минут.", """
## Выберите вопрос
Начните с вопроса, который команда задаёт каждую неделю, например: *какие клиенты
продлевают договор в следующем квартале?*

## Постройте отчёт
1. Откройте **Отчёты** и нажмите **Новый отчёт**.
2. Выберите шаблон *Продления*.
3. Отфильтруйте по ответственному или сегменту и нажмите **Запустить**.

## Сохраните его
Сохраните отчёт и добавьте его на дашборд, чтобы вся команда видела одни и те же цифры.
""", ["отчёты", "дашборды"]),
        "ro": _tr("Rulați primul raport", "Vedeți în câteva minute valoarea datelor.", """
## Alegeți o întrebare
Începeți cu o întrebare pe care echipa o pune în fiecare săptămână, de exemplu *ce clienți
reînnoiesc trimestrul viitor?*

## Construiți raportul
1. Deschideți **Rapoarte** și alegeți **Raport nou**.
2. Alegeți șablonul *Reînnoiri*.
3. Filtrați după responsabil sau segment, apoi apăsați **Rulează**.

## Păstrați-l
Salvați raportul și adăugați-l pe un tablou de bord, ca toată echipa să vadă aceleași cifre.
""", ["rapoarte", "tablouri de bord"]),
    }),
    _a("invite-team", "tutorial", "team", help_key="invite-team", views=80,
       related=["share-dashboard", "go-live"], translations={
        "en": _tr("Invite your team", "Add teammates and choose what each of them can do.", """
## Who to invite
Invite the people who talk to customers: CSMs, account managers and support leads.
Teams that work together in the product get more out of it.

## How
1. Open **Settings → Team**.
2. Enter their email addresses, one per line.
3. Choose a role for each and press **Send invitations**.

## Roles
- **Owner** and **Admin** manage settings, billing and the team.
- **CSM** works with accounts, tasks and playbooks.
- **Viewer** can look but not change anything.

Invitations expire after seven days; you can send a new one at any time.
""", ["team", "invitations", "roles"]),
        "zh-hans": _tr("邀请您的团队", "添加同事并为每个人选择权限。", """
## 邀请谁
邀请与客户打交道的人：客户成功经理、客户经理和支持负责人。在产品中协同工作的团队收获更多。

## 如何邀请
1. 打开**设置 → 团队**。
2. 输入他们的邮箱地址，每行一个。
3. 为每个人选择角色，然后点击**发送邀请**。

## 角色
- **所有者**和**管理员**负责设置、账单和团队管理。
- **客户成功经理**处理客户、任务和行动手册。
- **查看者**只能查看，不能修改。

邀请在七天后失效；您可以随时重新发送。
""", ["团队", "邀请", "角色"]),
        "ru": _tr("Пригласите команду", "Добавьте коллег и выберите, что каждый может делать.", """
## Кого приглашать
Пригласите тех, кто общается с клиентами: CSM, аккаунт-менеджеров и руководителей
поддержки. Команды, которые работают в продукте вместе, получают от него больше.

## Как
1. Откройте **Настройки → Команда**.
2. Введите адреса электронной почты, по одному в строке.
3. Выберите роль для каждого и нажмите **Отправить приглашения**.

## Роли
- **Владелец** и **администратор** управляют настройками, оплатой и командой.
- **CSM** работает с клиентами, задачами и сценариями.
- **Наблюдатель** может смотреть, но ничего не меняет.

Приглашение действует семь дней; новое можно отправить в любой момент.
""", ["команда", "приглашения", "роли"]),
        "ro": _tr("Invitați-vă echipa", "Adăugați colegi și alegeți ce poate face fiecare.", """
## Pe cine să invitați
Invitați oamenii care vorbesc cu clienții: CSM-i, manageri de cont și responsabili de
suport. Echipele care lucrează împreună în produs obțin mai mult de la el.

## Cum
1. Deschideți **Setări → Echipă**.
2. Introduceți adresele de e-mail, câte una pe rând.
3. Alegeți un rol pentru fiecare și apăsați **Trimite invitațiile**.

## Roluri
- **Proprietarul** și **administratorul** gestionează setările, facturarea și echipa.
- **CSM-ul** lucrează cu clienții, sarcinile și playbook-urile.
- **Observatorul** poate vedea, dar nu poate schimba nimic.

Invitațiile expiră după șapte zile; puteți trimite una nouă oricând.
""", ["echipă", "invitații", "roluri"]),
    }),
    _a("share-dashboard", "tutorial", "team", help_key="share-dashboard", views=20,
       related=["first-report"], translations={
        "en": _tr("Share a dashboard", "One view of your customers for the whole team.", """
## Share
Open a dashboard, press **Share** and choose the teammates or the whole team. They see it
under **Dashboards → Shared with me**.

## Tips
- Put the renewal report and the health distribution side by side.
- Review the shared dashboard in your weekly customer meeting.
""", ["dashboards", "team"]),
        "zh-hans": _tr("分享仪表板", "让整个团队看到同一份客户视图。", """
## 分享
打开一个仪表板，点击**分享**，选择同事或整个团队。他们会在**仪表板 → 与我共享**中看到它。

## 小贴士
- 把续约报告和健康分布放在一起。
- 在每周的客户例会上一起查看共享仪表板。
""", ["仪表板", "团队"]),
        "ru": _tr("Поделитесь дашбордом", "Единый взгляд на клиентов для всей команды.", """
## Как поделиться
Откройте дашборд, нажмите **Поделиться** и выберите коллег или всю команду. Они увидят его
в разделе **Дашборды → Доступные мне**.

## Советы
- Разместите рядом отчёт о продлениях и распределение оценок здоровья.
- Разбирайте общий дашборд на еженедельной встрече по клиентам.
""", ["дашборды", "команда"]),
        "ro": _tr("Distribuiți un tablou de bord", "O singură imagine a clienților pentru "
                  "toată echipa.", """
## Distribuire
Deschideți un tablou de bord, apăsați **Distribuie** și alegeți colegii sau toată echipa.
Îl vor găsi la **Tablouri de bord → Distribuite cu mine**.

## Sfaturi
- Puneți alături raportul de reînnoiri și distribuția scorurilor de sănătate.
- Discutați tabloul comun în ședința săptămânală despre clienți.
""", ["tablouri de bord", "echipă"]),
    }),
    _a("first-workflow", "tutorial", "setup", help_key="first-workflow", views=28,
       related=["health-scores"], translations={
        "en": _tr("Automate a workflow", "Let the product do the routine follow-ups.", """
## Watch first
A three-minute tour of playbooks:

""" + VIDEO + """

## Create a playbook
1. Open **Playbooks** and choose **New playbook**.
2. Pick a trigger, for example *health drops to red*.
3. Add steps: a task for the CSM, an email to the customer, a Slack message.
4. Turn it on.

Five runs of a workflow mean it has become part of the routine.
""", ["playbooks", "automation"]),
        "zh-hans": _tr("自动化一个工作流程", "让产品替您完成日常跟进。", """
## 先看视频
三分钟了解行动手册：

""" + VIDEO + """

## 创建行动手册
1. 打开**行动手册**，选择**新建**。
2. 选择触发条件，例如*健康评分变红*。
3. 添加步骤：给客户成功经理的任务、给客户的邮件、一条 Slack 消息。
4. 启用它。

工作流程运行五次，意味着它已成为日常的一部分。
""", ["行动手册", "自动化"]),
        "ru": _tr("Автоматизируйте процесс", "Пусть рутинные напоминания делает продукт.", """
## Сначала посмотрите
Трёхминутный обзор сценариев:

""" + VIDEO + """

## Создайте сценарий
1. Откройте **Сценарии** и нажмите **Новый сценарий**.
2. Выберите триггер, например *оценка здоровья стала красной*.
3. Добавьте шаги: задачу для CSM, письмо клиенту, сообщение в Slack.
4. Включите его.

Пять запусков процесса означают, что он стал частью работы.
""", ["сценарии", "автоматизация"]),
        "ro": _tr("Automatizați un flux de lucru", "Lăsați produsul să facă urmăririle de "
                  "rutină.", """
## Întâi priviți
Un tur de trei minute al playbook-urilor:

""" + VIDEO + """

## Creați un playbook
1. Deschideți **Playbook-uri** și alegeți **Playbook nou**.
2. Alegeți un declanșator, de exemplu *sănătatea scade la roșu*.
3. Adăugați pași: o sarcină pentru CSM, un e-mail către client, un mesaj pe Slack.
4. Porniți-l.

Cinci rulări ale unui flux înseamnă că a intrat în rutină.
""", ["playbook", "automatizare"]),
    }),
    _a("go-live", "tutorial", "team", help_key="go-live", views=15,
       related=["invite-team"], translations={
        "en": _tr("Go live with your team", "A checklist for the day everyone switches "
                  "over.", """
## Before
- Every CSM has signed in and sees their own book of accounts.
- The old spreadsheet is read-only.

## On the day
Run the weekly meeting from the shared dashboard, and let the tasks lead the week.
""", ["go-live", "onboarding"]),
        "zh-hans": _tr("与团队正式上线", "全员切换当天的检查清单。", """
## 上线之前
- 每位客户成功经理都已登录，并能看到自己负责的客户。
- 旧表格已设为只读。

## 上线当天
用共享仪表板主持每周例会，让任务来安排这一周的工作。
""", ["上线", "入门"]),
        "ru": _tr("Запустите работу всей командой", "Чек-лист на день, когда все "
                  "переходят.", """
## До запуска
- Каждый CSM вошёл в систему и видит своих клиентов.
- Старая таблица доступна только для чтения.

## В день запуска
Проведите еженедельную встречу по общему дашборду, и пусть неделю ведут задачи.
""", ["запуск", "онбординг"]),
        "ro": _tr("Treceți în producție cu echipa", "O listă pentru ziua în care toată "
                  "lumea trece la produs.", """
## Înainte
- Fiecare CSM s-a autentificat și își vede propriii clienți.
- Vechiul tabel este doar pentru citire.

## În ziua lansării
Țineți ședința săptămânală pe tabloul de bord comun și lăsați sarcinile să conducă
săptămâna.
""", ["lansare", "onboarding"]),
    }),
    _a("import-spreadsheet", "tutorial", "importing", views=45, related=["import-faq"],
       translations={
        "en": _tr("Import accounts from a spreadsheet", "Upload a CSV file of your accounts "
                  "and contacts.", """
## Prepare the file
Save your spreadsheet as CSV (UTF-8). The first row names the columns:

| Column | Required | Example |
| --- | --- | --- |
| external_id | yes | ACME-001 |
| name | yes | Acme Corporation |
| domain | no | acme.example |
| owner_email | no | anna@yourcompany.example |
| mrr | no | 1200 |

## Upload
1. Open **Data → Import** and choose the file.
2. Check the preview: every problem is shown with its line number.
3. Press **Apply**.

Importing the same file again updates the accounts instead of duplicating them.
""", ["import", "csv", "spreadsheet"]),
        "zh-hans": _tr("从表格导入客户", "上传包含客户和联系人的 CSV 文件。", """
## 准备文件
将表格另存为 CSV（UTF-8）。第一行是列名：

| 列 | 必填 | 示例 |
| --- | --- | --- |
| external_id | 是 | ACME-001 |
| name | 是 | Acme 公司 |
| domain | 否 | acme.example |
| owner_email | 否 | anna@yourcompany.example |
| mrr | 否 | 1200 |

## 上传
1. 打开**数据 → 导入**并选择文件。
2. 检查预览：每个问题都会标出所在行号。
3. 点击**应用**。

再次导入同一个文件会更新客户，而不会产生重复。
""", ["导入", "CSV", "表格"]),
        "ru": _tr("Импорт клиентов из таблицы", "Загрузите CSV-файл с клиентами и "
                  "контактами.", """
## Подготовьте файл
Сохраните таблицу в формате CSV (UTF-8). В первой строке — названия столбцов:

| Столбец | Обязательный | Пример |
| --- | --- | --- |
| external_id | да | ACME-001 |
| name | да | ООО «Акме» |
| domain | нет | acme.example |
| owner_email | нет | anna@yourcompany.example |
| mrr | нет | 1200 |

## Загрузка
1. Откройте **Данные → Импорт** и выберите файл.
2. Проверьте предпросмотр: каждая ошибка показана с номером строки.
3. Нажмите **Применить**.

Повторный импорт того же файла обновит клиентов, а не создаст дубликаты.
""", ["импорт", "csv", "таблица"]),
        "ro": _tr("Importul clienților dintr-un tabel", "Încărcați un fișier CSV cu clienții "
                  "și contactele.", """
## Pregătiți fișierul
Salvați tabelul ca CSV (UTF-8). Primul rând numește coloanele:

| Coloană | Obligatorie | Exemplu |
| --- | --- | --- |
| external_id | da | ACME-001 |
| name | da | Acme SRL |
| domain | nu | acme.example |
| owner_email | nu | anna@yourcompany.example |
| mrr | nu | 1200 |

## Încărcare
1. Deschideți **Date → Import** și alegeți fișierul.
2. Verificați previzualizarea: fiecare problemă apare cu numărul rândului.
3. Apăsați **Aplică**.

Importul aceluiași fișier încă o dată actualizează clienții în loc să-i dubleze.
""", ["import", "csv", "tabel"]),
    }),
    _a("import-faq", "faq", "importing", views=25, related=["import-spreadsheet"],
       translations={
        "en": _tr("Importing data: common questions", "Duplicates, dates, currencies and "
                  "large files.", """
## Will a second import create duplicates?
No. Rows are matched by `external_id`; a known account is updated.

## Which date format should I use?
ISO dates (`2026-03-31`) always work.

## How large can a file be?
Up to 50 MB, about 500,000 rows. Split larger files by year.

## Can I undo an import?
Each import is listed under **Data → Imports** with what it changed; restore an account
from its history.
""", ["import", "faq"]),
        "zh-hans": _tr("导入数据常见问题", "重复、日期、货币和大文件。", """
## 再次导入会产生重复吗？
不会。系统按 `external_id` 匹配行，已有的客户会被更新。

## 应该使用哪种日期格式？
ISO 日期（`2026-03-31`）始终可用。

## 文件最大可以多大？
最多 50 MB，约 50 万行。更大的文件请按年份拆分。

## 可以撤销导入吗？
每次导入都列在**数据 → 导入**中，并显示改动内容；可以从历史记录中恢复客户。
""", ["导入", "常见问题"]),
        "ru": _tr("Импорт данных: частые вопросы", "Дубликаты, даты, валюты и большие "
                  "файлы.", """
## Создаст ли повторный импорт дубликаты?
Нет. Строки сопоставляются по `external_id`; известный клиент обновляется.

## Какой формат даты использовать?
Даты ISO (`2026-03-31`) работают всегда.

## Насколько большим может быть файл?
До 50 МБ, около 500 000 строк. Большие файлы разбейте по годам.

## Можно ли отменить импорт?
Каждый импорт виден в разделе **Данные → Импорты** вместе с изменениями; клиента можно
восстановить из истории.
""", ["импорт", "вопросы"]),
        "ro": _tr("Importul datelor: întrebări frecvente", "Dubluri, date calendaristice, "
                  "monede și fișiere mari.", """
## Un al doilea import creează dubluri?
Nu. Rândurile se potrivesc după `external_id`; un client cunoscut este actualizat.

## Ce format de dată să folosesc?
Datele ISO (`2026-03-31`) funcționează întotdeauna.

## Cât de mare poate fi un fișier?
Până la 50 MB, aproximativ 500.000 de rânduri. Împărțiți fișierele mai mari pe ani.

## Pot anula un import?
Fiecare import apare la **Date → Importuri** cu ce a schimbat; un client se poate restaura
din istoric.
""", ["import", "întrebări"]),
    }),
    _a("integrations", "doc", "integrations", views=30, related=["connect-data", "api-keys"],
       translations={
        "en": _tr("Integrations: CRM, Slack and webhooks", "What each integration sends and "
                  "receives.", """
## CRM
Accounts, contacts and renewal dates sync every hour. Changes made in the CRM win.

## Slack
Alerts and playbook messages go to the channel you choose.

## Webhooks
Every change to an account or a health score can be sent to your own endpoint, signed with
the Standard Webhooks scheme.
""", ["integrations", "crm", "slack", "webhooks"]),
        "zh-hans": _tr("集成：CRM、Slack 和 Webhook", "每种集成发送和接收的内容。", """
## CRM
客户、联系人和续约日期每小时同步一次。以 CRM 中的修改为准。

## Slack
提醒和行动手册消息会发送到您选择的频道。

## Webhook
客户或健康评分的每次变化都可以发送到您自己的地址，并按 Standard Webhooks 规范签名。
""", ["集成", "CRM", "Slack", "Webhook"]),
        "ru": _tr("Интеграции: CRM, Slack и вебхуки", "Что отправляет и получает каждая "
                  "интеграция.", """
## CRM
Клиенты, контакты и даты продления синхронизируются каждый час. Изменения в CRM
приоритетнее.

## Slack
Оповещения и сообщения сценариев приходят в выбранный вами канал.

## Вебхуки
Любое изменение клиента или оценки здоровья можно отправлять на ваш адрес с подписью по
схеме Standard Webhooks.
""", ["интеграции", "crm", "slack", "вебхуки"]),
        "ro": _tr("Integrări: CRM, Slack și webhook-uri", "Ce trimite și ce primește fiecare "
                  "integrare.", """
## CRM
Clienții, contactele și datele de reînnoire se sincronizează în fiecare oră. Modificările
din CRM au prioritate.

## Slack
Alertele și mesajele playbook-urilor ajung în canalul ales de dumneavoastră.

## Webhook-uri
Orice schimbare a unui client sau a unui scor de sănătate poate fi trimisă la adresa
dumneavoastră, semnată după schema Standard Webhooks.
""", ["integrări", "crm", "slack", "webhook"]),
    }),
    _a("api-keys", "doc", "integrations", views=12, related=["integrations"], translations={
        "en": _tr("API keys and the REST API", "Create a key and call the API.", """
## Create a key
An admin opens **Settings → API keys** and presses **New key**. The key is shown once:
store it in your secrets manager.

## Call the API
Send it as `Authorization: Bearer <key>`. The interactive reference is at `/api/docs/`.

## Limits
Each key may make 1,200 requests a minute; past that the API answers 429 with
`Retry-After`.
""", ["api", "keys", "developers"]),
    }),
    _a("health-scores", "doc", "health", views=70, related=["health-faq", "retention"],
       translations={
        "en": _tr("How health scores work", "From product usage, NPS and support to one "
                  "score.", """
## The score
Each account gets a score from 0 to 100 every night, built from weighted measures:

- product usage over the last 30 days,
- NPS answers of its contacts,
- open support tickets and overdue tasks.

## Bands
Green is 70 and above, yellow 40 to 69, red below 40.

## Does it predict churn?
The **Backtest** tab shows how often accounts that were red went on to churn. Adjust the
weights until it does.
""", ["health", "score", "churn"]),
        "zh-hans": _tr("健康评分如何计算", "把产品使用、NPS 和支持情况汇总为一个分数。", """
## 评分
每个客户每晚都会得到一个 0 到 100 的分数，由以下加权指标组成：

- 最近 30 天的产品使用情况，
- 联系人的 NPS 回答，
- 未解决的支持工单和逾期任务。

## 区间
70 分及以上为绿色，40 到 69 为黄色，低于 40 为红色。

## 它能预测流失吗？
**回测**标签页显示曾处于红色的客户后来流失的比例。调整权重，直到评分真正能预测流失，帮助客户成功团队提高留存。
""", ["健康", "评分", "流失"]),
        "ru": _tr("Как устроена оценка здоровья", "Использование продукта, NPS и поддержка "
                  "в одной оценке.", """
## Оценка
Каждый клиент каждую ночь получает оценку от 0 до 100 из взвешенных показателей:

- использование продукта за последние 30 дней,
- ответы NPS его контактов,
- открытые обращения в поддержку и просроченные задачи.

## Зоны
Зелёная — от 70, жёлтая — от 40 до 69, красная — ниже 40.

## Предсказывает ли она отток?
Вкладка **Бэктест** показывает, как часто «красные» клиенты потом уходили. Меняйте веса,
пока оценка не начнёт предсказывать отток.
""", ["здоровье", "оценка", "отток"]),
        "ro": _tr("Cum funcționează scorurile de sănătate", "Utilizarea produsului, NPS și "
                  "suportul într-un singur scor.", """
## Scorul
Fiecare client primește în fiecare noapte un scor de la 0 la 100, din măsuri ponderate:

- utilizarea produsului în ultimele 30 de zile,
- răspunsurile NPS ale contactelor sale,
- tichetele de suport deschise și sarcinile întârziate.

## Benzi
Verde de la 70 în sus, galben între 40 și 69, roșu sub 40.

## Prezice pierderea clienților?
Fila **Backtest** arată cât de des clienții roșii au plecat ulterior. Ajustați ponderile
până când scorul o prezice.
""", ["sănătate", "scor", "churn"]),
    }),
    _a("health-faq", "faq", "health", views=40, related=["health-scores"], translations={
        "en": _tr("Why did an account's health change?", "Find the measure that moved.", """
## Where to look
Open the account and the **Health** tab: the history marks each day the score moved and
which measure moved it.

## Common causes
- Usage fell after a champion left.
- A detractor answered the NPS survey.
- Tasks are overdue.

## The score looks wrong
Check that the account's events arrive: **Data → Events** shows the last one received.
""", ["health", "faq"]),
        "zh-hans": _tr("为什么客户的健康评分变了？", "找到发生变化的指标。", """
## 在哪里查看
打开客户页面的**健康**标签：历史记录会标出评分变化的每一天，以及是哪个指标引起的。

## 常见原因
- 关键联系人离职后使用量下降。
- 一位贬损者回答了 NPS 调查。
- 有任务逾期。

## 评分看起来不对
检查该客户的事件是否正常到达：**数据 → 事件**会显示最近收到的事件。
""", ["健康", "常见问题"]),
        "ru": _tr("Почему изменилась оценка здоровья клиента?", "Найдите показатель, "
                  "который сдвинулся.", """
## Где смотреть
Откройте клиента и вкладку **Здоровье**: в истории отмечен каждый день, когда оценка
менялась, и какой показатель её сдвинул.

## Частые причины
- Использование упало после ухода ключевого сотрудника.
- Критик ответил на опрос NPS.
- Есть просроченные задачи.

## Оценка выглядит неверной
Проверьте, что события клиента доходят: **Данные → События** показывает последнее
полученное.
""", ["здоровье", "вопросы"]),
        "ro": _tr("De ce s-a schimbat sănătatea unui client?", "Găsiți măsura care s-a "
                  "mișcat.", """
## Unde să vă uitați
Deschideți clientul și fila **Sănătate**: istoricul marchează fiecare zi în care scorul s-a
schimbat și măsura care l-a mișcat.

## Cauze frecvente
- Utilizarea a scăzut după plecarea unei persoane-cheie.
- Un detractor a răspuns la sondajul NPS.
- Există sarcini întârziate.

## Scorul pare greșit
Verificați că evenimentele clientului sosesc: **Date → Evenimente** arată ultimul primit.
""", ["sănătate", "întrebări"]),
    }),
    _a("nps-survey", "tutorial", "retention", views=32, related=["retention"], translations={
        "en": _tr("Run an NPS survey", "Ask your customers how likely they are to recommend "
                  "you.", """
## Set it up
1. Open **Surveys** and choose **NPS**.
2. Pick who is asked: every contact, or only decision makers.
3. Choose the language: each contact is asked in their own.

## Throttling
A contact is asked at most once every 90 days, so nobody is asked too often.

## Act on the answers
Detractors (0–6) open a task for the account's CSM within a day.
""", ["nps", "surveys"]),
        "zh-hans": _tr("发起 NPS 调查", "询问客户向他人推荐您的可能性。", """
## 设置
1. 打开**调查**并选择 **NPS**。
2. 选择调查对象：所有联系人，或只调查决策者。
3. 选择语言：每位联系人都会收到自己语言的问卷。

## 频率限制
每位联系人每 90 天最多被询问一次，不会打扰客户。

## 根据回答采取行动
贬损者（0–6 分）会在一天内为客户成功经理生成一项任务。
""", ["NPS", "调查"]),
        "ru": _tr("Проведите опрос NPS", "Спросите клиентов, насколько вероятно, что они "
                  "вас порекомендуют.", """
## Настройка
1. Откройте **Опросы** и выберите **NPS**.
2. Выберите, кого спрашивать: все контакты или только лиц, принимающих решения.
3. Выберите язык: каждому контакту вопрос задаётся на его языке.

## Ограничение частоты
Один контакт получает опрос не чаще раза в 90 дней.

## Действуйте по ответам
Для критиков (0–6) в течение дня создаётся задача для CSM клиента.
""", ["nps", "опросы"]),
        "ro": _tr("Trimiteți un sondaj NPS", "Întrebați-vă clienții cât de probabil este "
                  "să vă recomande.", """
## Configurare
1. Deschideți **Sondaje** și alegeți **NPS**.
2. Alegeți cine este întrebat: toate contactele sau doar factorii de decizie.
3. Alegeți limba: fiecare contact este întrebat în limba sa.

## Limitare
Un contact este întrebat cel mult o dată la 90 de zile.

## Acționați pe baza răspunsurilor
Pentru detractori (0–6) se deschide într-o zi o sarcină pentru CSM-ul clientului.
""", ["nps", "sondaje"]),
    }),
    _a("retention", "doc", "retention", views=55, related=["health-scores", "nps-survey"],
       translations={
        "en": _tr("Measure retention and churn", "Gross and net revenue retention, logo "
                  "churn and cohorts.", """
## The figures
- **Gross revenue retention (GRR)**: revenue kept from last year's customers, without
  expansion.
- **Net revenue retention (NRR)**: the same, with expansion counted.
- **Logo churn**: the share of customers who left.

## Cohorts
The **Retention** page groups customers by the month they started, so you can see whether
newer customers stay longer.

## Where customer success helps most
Most churn is decided in the first 90 days: onboarding well is the best retention tool.
""", ["retention", "churn", "nrr", "customer success"]),
        "zh-hans": _tr("衡量留存与流失", "收入留存率、净收入留存率、客户流失和同期群。", """
## 指标
- **总收入留存率（GRR）**：去年的客户保留下来的收入，不含增购。
- **净收入留存率（NRR）**：同上，但计入增购。
- **客户流失率**：离开的客户所占比例。

## 同期群
**留存**页面按客户开始使用的月份分组，帮助您判断新客户是否留存得更久。

## 客户成功最能发挥作用的地方
大部分流失在前 90 天就已决定：做好客户成功的入门引导，是提高留存最好的方法。
""", ["留存", "流失", "客户成功"]),
        "ru": _tr("Измеряйте удержание и отток", "Удержание выручки, отток клиентов и "
                  "когорты.", """
## Показатели
- **Валовое удержание выручки (GRR)**: выручка от прошлогодних клиентов без расширений.
- **Чистое удержание выручки (NRR)**: то же самое с учётом расширений.
- **Отток клиентов**: доля ушедших клиентов.

## Когорты
Страница **Удержание** группирует клиентов по месяцу начала работы: видно, остаются ли
новые клиенты дольше.

## Где успех клиентов помогает больше всего
Большая часть оттока решается в первые 90 дней: хороший онбординг — лучший инструмент
удержания.
""", ["удержание", "отток", "nrr"]),
        "ro": _tr("Măsurați retenția și pierderea clienților", "Retenția brută și netă a "
                  "veniturilor, clienții pierduți și cohortele.", """
## Cifrele
- **Retenția brută a veniturilor (GRR)**: veniturile păstrate de la clienții de anul
  trecut, fără extinderi.
- **Retenția netă a veniturilor (NRR)**: la fel, cu extinderile incluse.
- **Rata de pierdere a clienților**: ponderea clienților care au plecat.

## Cohorte
Pagina **Retenție** grupează clienții după luna în care au început, ca să vedeți dacă
clienții noi rămân mai mult.

## Unde ajută cel mai mult succesul clienților
Cea mai mare parte a pierderilor se decide în primele 90 de zile: un onboarding bun este
cel mai bun instrument de retenție.
""", ["retenție", "churn", "nrr"]),
    }),
    _a("billing-faq", "faq", "billing", views=38, translations={
        "en": _tr("Billing and invoices", "Plans, seats, invoices and payment methods.", """
## How are seats counted?
Every member except viewers is a seat. Viewers are free.

## Where are my invoices?
Owners find every invoice under **Settings → Billing**, as PDF.

## Can I pay by bank transfer?
Yes, on yearly plans. Ask us for an invoice in your currency.

## What happens if a payment fails?
We retry three times over a week and email the owners; nothing is deleted.
""", ["billing", "invoices", "faq"]),
        "zh-hans": _tr("账单与发票", "套餐、席位、发票和付款方式。", """
## 席位如何计算？
除查看者外，每位成员占一个席位。查看者免费。

## 在哪里找到发票？
所有者可以在**设置 → 账单**中找到所有 PDF 发票。

## 可以银行转账吗？
可以，适用于年付套餐。请联系我们开具您所用货币的发票。

## 付款失败会怎样？
我们会在一周内重试三次并发邮件通知所有者；不会删除任何数据。
""", ["账单", "发票", "常见问题"]),
        "ru": _tr("Оплата и счета", "Тарифы, места, счета и способы оплаты.", """
## Как считаются места?
Место занимает каждый участник, кроме наблюдателей. Наблюдатели бесплатны.

## Где мои счета?
Владельцы находят все счета в PDF в разделе **Настройки → Оплата**.

## Можно ли оплатить банковским переводом?
Да, на годовых тарифах. Запросите счёт в вашей валюте.

## Что будет, если платёж не прошёл?
Мы повторим попытку трижды в течение недели и напишем владельцам; ничего не удаляется.
""", ["оплата", "счета", "вопросы"]),
        "ro": _tr("Facturare și facturi", "Planuri, locuri, facturi și metode de plată.", """
## Cum se numără locurile?
Fiecare membru, în afară de observatori, ocupă un loc. Observatorii sunt gratuiți.

## Unde sunt facturile mele?
Proprietarii găsesc toate facturile, în PDF, la **Setări → Facturare**.

## Pot plăti prin transfer bancar?
Da, pe planurile anuale. Cereți-ne o factură în moneda dumneavoastră.

## Ce se întâmplă dacă o plată eșuează?
Reîncercăm de trei ori într-o săptămână și le scriem proprietarilor; nu se șterge nimic.
""", ["facturare", "facturi", "întrebări"]),
    }),
    _a("help-center-launch", "announcement", "whats-new", views=18, translations={
        "en": _tr("New: our help center speaks four languages", "English, Chinese, Russian "
                  "and Romanian, with search in each.", """
## What is new
Every article is now available in English, Simplified Chinese, Russian and Romanian, and
search understands each language.

## For your customers
Link any screen of your product to an article with its help key, and your customers
read it in their own language.
""", ["announcement", "languages"]),
        "zh-hans": _tr("新功能：帮助中心支持四种语言",
                       "英语、中文、俄语和罗马尼亚语，并支持各语言搜索。", """
## 新内容
现在每篇文章都提供英语、简体中文、俄语和罗马尼亚语版本，搜索也能理解每种语言。

## 对您的客户
用帮助键把产品中的任何界面链接到文章，客户就能用自己的语言阅读。
""", ["公告", "语言"]),
        "ru": _tr("Новое: справочный центр на четырёх языках", "Английский, китайский, "
                  "русский и румынский, с поиском на каждом.", """
## Что нового
Каждая статья теперь доступна на английском, упрощённом китайском, русском и румынском,
а поиск понимает каждый язык.

## Для ваших клиентов
Свяжите любой экран продукта со статьёй по её ключу справки, и клиенты прочтут её на
своём языке.
""", ["новости", "языки"]),
        "ro": _tr("Nou: centrul de ajutor vorbește patru limbi", "Engleză, chineză, rusă și "
                  "română, cu căutare în fiecare.", """
## Ce este nou
Fiecare articol este acum disponibil în engleză, chineză simplificată, rusă și română, iar
căutarea înțelege fiecare limbă.

## Pentru clienții dumneavoastră
Legați orice ecran al produsului de un articol prin cheia sa de ajutor, iar clienții îl
citesc în limba lor.
""", ["noutăți", "limbi"]),
    }),
    _a("renewal-playbooks", "doc", "retention", status="draft", views=0, translations={
        "en": _tr("Playbooks for renewals", "Start every renewal 120 days ahead.", """
## Draft
- 120 days: review health and usage.
- 90 days: executive business review.
- 60 days: proposal.
""", ["renewals", "playbooks"]),
    }),
    _a("qbr-templates", "announcement", "whats-new", status="scheduled", views=0,
       translations={
        "en": _tr("Coming soon: quarterly business review templates", "Prepare a QBR in "
                  "minutes.", """
## What is coming
A QBR template fills in usage, health and NPS for the quarter; you add the story.
""", ["announcement", "qbr"]),
    }),
]  # fmt: skip

# A second revision of a couple of articles (the first words, then these), and a renamed
# slug that leaves an old address behind.
SECOND_REVISIONS = {
    ("invite-team", "en"): "\nYou can also invite people from the **Team** page of any account.\n",
    ("health-scores", "en"): "\nScores are computed at 02:00 in your time zone.\n",
}
RENAMED = ("billing-faq", "en", "billing-and-invoices-faq")

# What readers search for, by language: (query, results it found, times searched).
SEARCHES = {
    "en": [("invite", 2, 14), ("import csv", 2, 11), ("health score", 3, 9),
           ("nps", 2, 7), ("retention", 2, 6), ("invoice", 1, 5), ("sso", 0, 6),
           ("salesforce sync", 0, 4), ("delete account", 0, 3), ("hubspot", 0, 2)],
    "zh-hans": [("留存", 1, 6), ("邀请", 1, 5), ("健康评分", 2, 4), ("单点登录", 0, 3),
                ("发票", 1, 2)],
    "ru": [("импорт", 2, 6), ("оценка здоровья", 2, 4), ("удержание", 1, 3),
           ("единый вход", 0, 3), ("счета", 1, 2)],
    "ro": [("retenție", 1, 5), ("import", 2, 4), ("facturi", 1, 3),
           ("autentificare unică", 0, 2), ("sondaj nps", 1, 2)],
}  # fmt: skip

# "Was this helpful?" answers: (article key, helpful, not helpful, reasons of the not helpful).
FEEDBACK = [
    ("invite-team", 18, 2, ["unclear", "other"]),
    ("connect-data", 12, 5, ["incomplete", "incomplete", "wrong", "unclear", "incomplete"]),
    ("health-scores", 15, 4, ["unclear", "unclear", "incomplete", ""]),
    ("import-spreadsheet", 9, 1, ["wrong"]),
    ("retention", 10, 1, ["incomplete"]),
    ("billing-faq", 4, 4, ["wrong", "wrong", "incomplete", "other"]),
    ("health-faq", 7, 0, []),
    ("nps-survey", 5, 1, ["unclear"]),
]
COMMENTS = {
    "incomplete": "What about HubSpot?",
    "wrong": "The menu is called Billing & plans now.",
}
