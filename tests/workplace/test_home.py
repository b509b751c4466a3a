"""The home page (/): whose view each role sees and may switch to, another tenant kept out,
health band changes since the day before, renewals with their band, a new tenant's first
steps, KPI changes that compare like with like, and a constant number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from accounts.models import Account, Subscription
from accounts.services.accounts import account_upsert
from csplatform.workplace.home_kpis import fair_change, kpi_tiles, previous_period
from csplatform.workplace.home_selectors import band_changes
from health.models import HealthScore, ScorecardVersion, Task, TaskStatus
from health.services.defaults import scorecards_ensure_defaults
from health.services.tasks import task_open
from metrics.definitions import ALL
from metrics.models import MetricFigure
from tenants.models import Membership, Role
from tenants.services.api_keys import api_key_create
from tenants.services.invitations import invitation_create
from tenants.tenancy.context import tenant_scope
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

TUESDAY = date(2026, 12, 1)


def membership(tenant, user) -> Membership:
    with tenant_scope(tenant):
        return user.memberships.get()


def named(tenant, xid, name, owner=None) -> Account:
    account = account_upsert(tenant=tenant, external_id=xid, name=name)[0]
    if owner is not None:
        with tenant_scope(tenant):
            Account.objects.filter(pk=account.pk).update(owner=owner)
            account.refresh_from_db()
    return account


def task(tenant, account, title, assignee, due_on):
    return task_open(tenant=tenant, account=account, title=title, assignee=assignee, due_on=due_on)[
        0
    ]


def version(tenant) -> ScorecardVersion:
    card = scorecards_ensure_defaults(tenant=tenant)
    with tenant_scope(tenant):
        return ScorecardVersion.objects.get(scorecard=card, number=card.version)


def scores(tenant, day, bands: dict[Account, str | None]):
    chosen = version(tenant)
    with tenant_scope(tenant):
        HealthScore.objects.bulk_create(
            HealthScore(
                account=account,
                day=day,
                scorecard_version=chosen,
                score=None if band is None else {"good": 80, "average": 55, "poor": 20}[band],
                band=band,
            )
            for account, band in bands.items()
        )


# Whose view --------------------------------------------------------------------------------


@pytest.mark.outsider("home")
def test_owner_sees_the_whole_team_and_nothing_of_another_tenant(
    tenant, other_tenant, owner, member, owner_client, outsider
):
    today = tenant.today()
    csm = membership(tenant, member)
    mine = named(tenant, "a1", "Initech", owner=csm)
    task(tenant, mine, "Call Initech", csm, today)
    theirs = named(other_tenant, "b1", "Umbrella Corp")
    task(other_tenant, theirs, "Call Umbrella", membership(other_tenant, outsider), today)

    response = owner_client.get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "The whole team of Acme" in content
    assert "Call Initech" in content and "csm@acme.test" in content
    assert "Umbrella" not in content and "globex" not in content.lower()


def test_another_tenants_member_or_garbage_is_refused_in_words(
    tenant, other_tenant, owner, viewer, owner_client, outsider
):
    named(tenant, "a1", "Initech")
    stranger = membership(other_tenant, outsider)
    reader = membership(tenant, viewer)  # owns no accounts: no view of their own
    for wanted in (str(stranger.pk), str(reader.pk), "abc", "999999999", "-1", "1 OR 1=1", "٣"):
        response = owner_client.get("/", {"csm": wanted})
        content = response.content.decode()
        assert response.status_code == 200
        assert "who can own accounts has that id; showing the whole team." in content
        assert "owner@globex.test" not in content


def test_owner_switches_to_a_csms_view(tenant, owner, member, owner_client):
    today = tenant.today()
    csm = membership(tenant, member)
    boss = membership(tenant, owner)
    theirs = named(tenant, "a1", "Initech", owner=csm)
    other = named(tenant, "a2", "Hooli", owner=boss)
    task(tenant, theirs, "Call Initech", csm, today - timedelta(days=2))
    task(tenant, other, "Call Hooli", boss, today)

    content = owner_client.get("/", {"csm": csm.pk}).content.decode()
    assert "Accounts of csm@acme.test" in content
    assert "Call Initech" in content and "Call Hooli" not in content
    assert f'<option value="{csm.pk}" selected>' in content
    # The whole team again.
    content = owner_client.get("/", {"csm": "all"}).content.decode()
    assert "Call Initech" in content and "Call Hooli" in content


def test_a_csm_sees_their_own_view_only(tenant, owner, member, member_client):
    today = tenant.today()
    csm = membership(tenant, member)
    boss = membership(tenant, owner)
    named(tenant, "a1", "Initech", owner=csm)
    task(tenant, named(tenant, "a2", "Hooli", owner=boss), "Call Hooli", boss, today)

    response = member_client.get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Your accounts" in content and "Call Hooli" not in content
    assert 'name="csm"' not in content  # no switcher
    assert member_client.get("/", {"csm": csm.pk}).status_code == 200
    assert member_client.get("/", {"csm": boss.pk}).status_code == 403
    assert member_client.get("/", {"csm": "all"}).status_code == 403
    assert member_client.get("/", {"csm": "junk"}).status_code == 403


def test_a_viewer_sees_the_whole_team_without_a_switcher(tenant, owner, viewer, viewer_client):
    today = tenant.today()
    boss = membership(tenant, owner)
    task(tenant, named(tenant, "a1", "Hooli", owner=boss), "Call Hooli", boss, today)
    content = viewer_client.get("/").content.decode()
    assert "Call Hooli" in content and 'name="csm"' not in content


# Sections -----------------------------------------------------------------------------------


def test_band_changes_since_the_day_before_drops_first(tenant, owner):
    day = date(2026, 11, 30)
    acc = {n: named(tenant, n, f"Account {n}") for n in "abcdef"}
    scores(
        tenant,
        day - timedelta(days=1),
        {acc["a"]: "good", acc["b"]: "poor", acc["c"]: "average", acc["d"]: None, acc["e"]: "good"},
    )
    scores(
        tenant,
        day,
        {
            acc["a"]: "poor",  # dropped two bands
            acc["b"]: "average",  # improved
            acc["c"]: "average",  # unchanged
            acc["d"]: "good",  # no band the day before: not a change
            acc["e"]: "average",  # dropped one band
            acc["f"]: "poor",  # new today
        },
    )
    with tenant_scope(tenant):
        found = band_changes(csm=None, day=day)
        assert found.total == 3
        assert [(c.account.name, c.previous, c.band) for c in found.rows] == [
            ("Account a", "good", "poor"),
            ("Account e", "good", "average"),
            ("Account b", "poor", "average"),
        ]
        assert [c.dropped for c in found.rows] == [True, True, False]
        assert band_changes(csm=None, day=day, limit=1).more == 2


def test_band_changes_of_a_csms_accounts_only(tenant, owner, member, owner_client):
    day = tenant.today() - timedelta(days=1)
    csm = membership(tenant, member)
    theirs = named(tenant, "a1", "Initech", owner=csm)
    other = named(tenant, "a2", "Hooli")
    scores(tenant, day - timedelta(days=1), {theirs: "good", other: "good"})
    scores(tenant, day, {theirs: "poor", other: "poor"})
    content = owner_client.get("/", {"csm": csm.pk}).content.decode()
    assert "Initech" in content and "Hooli" not in content
    content = owner_client.get("/").content.decode()
    assert "Initech" in content and "Hooli" in content


def test_renewals_of_the_next_90_days_with_their_band_not_renewed_ones(tenant, owner_client):
    today = tenant.today()
    due = named(tenant, "a1", "Initech")
    renewed = named(tenant, "a2", "Hooli")
    far = named(tenant, "a3", "Pied Piper")
    with tenant_scope(tenant):
        for xid, account, start, end in [
            ("s1", due, today - timedelta(days=300), today + timedelta(days=10)),
            ("s2", renewed, today - timedelta(days=300), today + timedelta(days=20)),
            ("s3", renewed, today + timedelta(days=20), None),
            ("s4", far, today - timedelta(days=100), today + timedelta(days=200)),
        ]:
            Subscription.objects.create(
                account=account,
                external_id=xid,
                mrr=Decimal("120"),
                currency="USD",
                start_date=start,
                end_date=end,
            )
    scores(tenant, today - timedelta(days=1), {due: "poor"})
    content = owner_client.get("/").content.decode()
    renewals = content[content.index('id="renewals-title"') : content.index('id="stalls-title"')]
    assert "Initech" in renewals and "in 10 days" in renewals
    assert 'band band-poor">Poor' in renewals
    assert "Hooli" not in renewals and "Pied Piper" not in renewals


@pytest.mark.parametrize(
    "band, html",
    [
        ("poor", '<span class="band band-poor">Плохо</span>'),
        ("good", '<span class="band band-good">Хорошо</span>'),
        (None, '<span class="na">н/д</span>'),
        ("<b>", '<span class="na">н/д</span>'),  # not a band: no class made of it
    ],
)
def test_band_badge_says_the_band_in_words(band, html):
    with translation.override("ru"):
        assert (
            Template("{% load bands %}{% band_badge band %}").render(Context({"band": band}))
            == html
        )


# A new tenant ---------------------------------------------------------------------------------


def test_a_new_tenant_sees_its_first_steps_ticked_as_they_are_done(tenant, owner, owner_client):
    content = owner_client.get("/").content.decode()
    assert "0 of 4 done" in content
    for link in ("/settings/api-keys/", "/data/", "/api/docs/", "/settings/team/"):
        assert f'href="{link}"' in content
    assert 'class="done"' not in content

    api_key_create(tenant=tenant, name="Billing")
    invitation_create(tenant=tenant, email="new@acme.test", role=Role.CSM, invited_by=owner)
    content = owner_client.get("/").content.decode()
    assert "2 of 4 done" in content
    assert content.count('<li class="done">') == 2

    named(tenant, "a1", "Initech")
    content = owner_client.get("/").content.decode()
    assert "Get started" not in content and "Tasks due" in content


def test_a_new_tenants_steps_offer_only_what_the_reader_may_do(
    tenant, owner, viewer_client, member_client
):
    # A viewer cannot import (403 on POST) nor invite; a CSM imports but does not invite.
    viewer = viewer_client.get("/").content.decode()
    for link in ("/settings/api-keys/", "/data/", "/settings/team/"):
        assert f'href="{link}"' not in viewer.split("<main", 1)[1]
    assert "A CSM, admin or owner imports the accounts" in viewer
    assert "An owner or admin invites the team." in viewer
    csm = member_client.get("/").content.decode().split("<main", 1)[1]
    assert 'href="/data/"' in csm and 'href="/settings/team/"' not in csm


# Fair KPI comparisons -------------------------------------------------------------------------


def test_a_daily_figure_is_compared_with_the_same_weekday_a_week_before():
    # A Tuesday's DAU against the Sunday before would be +2840%; against the Tuesday before
    # it is a small change.
    values = {
        TUESDAY - timedelta(days=7): Decimal("250"),  # Tue 24 Nov
        date(2026, 11, 29): Decimal("10"),  # Sun 29 Nov
        date(2026, 11, 30): Decimal("240"),  # Mon 30 Nov
        TUESDAY: Decimal("294"),
    }
    latest, change, missing = fair_change(values, metric=ALL["dau"], higher_is_better=True)
    assert latest == TUESDAY and missing is None
    assert change.previous_period == date(2026, 11, 24)
    assert change.previous_period.weekday() == TUESDAY.weekday()
    assert change.delta == Decimal("44") and change.tone == "up"


def test_no_figure_a_week_before_is_said_rather_than_compared_with_another_day():
    values = {date(2026, 11, 29): Decimal("10"), TUESDAY: Decimal("294")}
    latest, change, missing = fair_change(values, metric=ALL["dau"], higher_is_better=True)
    assert change is None and missing == date(2026, 11, 24)


def test_monthly_figures_against_the_month_before_in_points():
    values = {
        date(2026, 10, 1): Decimal("0.020"),
        date(2026, 11, 1): Decimal("0.035"),
        date(2026, 12, 1): None,  # not defined (yet): the latest defined month counts
    }
    latest, change, _ = fair_change(values, metric=ALL["logo_churn_rate"], higher_is_better=False)
    assert latest == date(2026, 11, 1) and change.previous_period == date(2026, 10, 1)
    assert change.delta == Decimal("1.5") and change.tone == "down"  # churn up is worse
    assert previous_period(date(2026, 1, 1), "month") == date(2025, 12, 1)


def test_tiles_say_what_they_compare_for_the_whole_team_and_a_csm(tenant, owner, owner_client):
    boss = membership(tenant, owner)
    named(tenant, "a1", "Initech", owner=boss)
    now = timezone.now()
    rows = []
    for dimension, key, tuesday, sunday in [("all", "", 30, 5), ("owner", str(boss.pk), 12, 1)]:
        for day, value in [
            (TUESDAY - timedelta(days=7), 28),
            (date(2026, 11, 29), sunday),
            (TUESDAY, tuesday),
        ]:
            rows.append(("day", day, dimension, key, "nps", Decimal(value)))
        rows.append(("month", date(2026, 10, 1), dimension, key, "nrr", Decimal("1.00")))
        rows.append(("month", date(2026, 11, 1), dimension, key, "nrr", Decimal("1.021")))
    with tenant_scope(tenant):
        MetricFigure.objects.bulk_create(
            MetricFigure(
                grain=grain,
                period=period,
                dimension=dimension,
                key=key,
                metric=metric,
                value=value,
                computed_at=now,
            )
            for grain, period, dimension, key, metric, value in rows
        )
        team = {t.metric: t for t in kpi_tiles(csm=None, today=TUESDAY + timedelta(days=1))}
        mine = {t.metric: t for t in kpi_tiles(csm=boss, today=TUESDAY + timedelta(days=1))}
    assert team["nps"].value == 30 and team["nps"].change.delta == 2
    assert mine["nps"].value == 12 and mine["nps"].change.delta == -16
    assert team["nrr"].change.delta == Decimal("2.1")
    assert team["mrr"].value is None and team["mrr"].change is None
    assert len(team["nps"].trend) == 3
    assert team["nps"].sparkline is not None and team["mrr"].sparkline is None

    content = owner_client.get("/").content.decode()
    if tenant.today() - TUESDAY < timedelta(days=30):
        assert "+2 pts" in content
        assert "vs Tue, Nov 24, 2026, the same weekday a week before" in content
    assert "+2.1 pts" in content and "vs October 2026" in content
    assert 'class="sparkline' in content and "Net revenue retention, last 12 months" in content


# Queries --------------------------------------------------------------------------------------


def _book(tenant, owner_membership, csm, n: int):
    """`n` accounts, half of them the CSM's, each with a term ending within 90 days, a band
    change since the day before and a task due, written set-based."""
    today = tenant.today()
    chosen = version(tenant)
    with tenant_scope(tenant):
        accounts = Account.objects.bulk_create(
            Account(
                external_id=f"bulk-{i}",
                name=f"Bulk {i:04d}",
                owner=csm if i % 2 else owner_membership,
            )
            for i in range(n)
        )
        Subscription.objects.bulk_create(
            Subscription(
                account=account,
                external_id=f"bulk-s{i}",
                mrr=Decimal("100"),
                currency="USD",
                start_date=today - timedelta(days=300),
                end_date=today + timedelta(days=1 + i % 80),
            )
            for i, account in enumerate(accounts)
        )
        yesterday = today - timedelta(days=1)
        HealthScore.objects.bulk_create(
            HealthScore(
                account=account,
                day=day,
                scorecard_version=chosen,
                score=score,
                band=band,
            )
            for account in accounts
            for day, score, band in [
                (yesterday - timedelta(days=1), 80, "good"),
                (yesterday, 20, "poor"),
            ]
        )
        Task.objects.bulk_create(
            Task(
                account=account,
                assignee=account.owner,
                title=f"Call {account.name}",
                due_on=today - timedelta(days=i % 3),
                status=TaskStatus.OPEN,
            )
            for i, account in enumerate(accounts)
        )


@pytest.mark.parametrize("role", ["owner", "csm"])
def test_query_count_is_constant_whatever_the_number_of_accounts(
    tenant, owner, member, client, django_assert_num_queries, role
):
    from tests.conftest import MODEL_BACKEND

    boss, csm = membership(tenant, owner), membership(tenant, member)
    MembershipFactory.create_batch(3, tenant=tenant)
    client.force_login(owner if role == "owner" else member, backend=MODEL_BACKEND)
    _book(tenant, boss, csm, 10)
    urls = ["/", f"/?csm={csm.pk}"] if role == "owner" else ["/"]
    client.get("/")
    expected = {}
    for url in urls:
        with django_assert_num_queries(EXPECTED[role, url.startswith("/?")]) as captured:
            response = client.get(url)
        assert response.status_code == 200
        expected[url] = len(captured)
    _book_more = 1000 - 10
    with tenant_scope(tenant):
        Account.objects.filter(external_id__startswith="bulk-").delete()
    _book(tenant, boss, csm, 10 + _book_more)
    for url in urls:
        with django_assert_num_queries(expected[url]):
            response = client.get(url)
        content = response.content.decode()
        shown = 1000 if url == "/" and role == "owner" else 500
        # Eight rows a section, the rest counted: tasks, band changes, renewals.
        assert f"{shown - 8} more in the inbox" in content
        assert content.count(f"and {shown - 8} more") == 2


# Session, user, membership and tenant, then the page's reads (accounts exist, members, tasks
# and their count, latest score day, band changes and their count, renewals and their count,
# three for stalled onboardings, one for the KPIs); a CSM has no member list to switch to.
EXPECTED = {("owner", False): 14, ("owner", True): 14, ("csm", False): 13}
