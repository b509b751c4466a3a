"""How runs behave: reruns change nothing, late data is picked up, churn records follow the
terms, runs never overlap, a failed run leaves whole days, and a real worker does the night."""

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from accounts.models import Contact
from accounts.services.accounts import contact_upsert
from metrics.engine.run import MetricsBusy
from metrics.models import ChurnReason, ChurnRecord, DirtyDay, MetricFigure, MetricsState
from metrics.services.recompute import metrics_nightly
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import metrics_run_in_progress
from tests.metrics.history import History

JAN = date(2026, 1, 1)


def _day(n: int) -> date:
    return JAN + timedelta(days=n - 1)


@pytest.fixture
def history(tenant):
    history = History(tenant)
    history.term("acme", date(2025, 6, 1), None, 100)
    history.term("umbra", date(2025, 6, 1), date(2026, 1, 20), 50)
    history.contact("ann", "acme")
    history.contact("cat", "umbra")
    history.events(
        [
            (history.at(_day(n), "10:00"), "Login", "acme" if n % 2 else "umbra", "")
            for n in range(1, 15)
        ]
        + [(history.at(_day(n), "11:00"), "Login", "acme", "ann") for n in (2, 3, 9)]
    )
    return history


def _figures(tenant):
    return sorted(
        MetricFigure.objects.for_tenant(tenant).values_list(
            "grain", "period", "dimension", "key", "metric", "value", "numerator", "denominator"
        )
    )


def test_a_rerun_changes_nothing_and_a_past_day_recomputes_the_same(history, tenant):
    history.compute(_day(1), date(2026, 2, 28))
    first = _figures(tenant)
    history.compute(_day(1), date(2026, 2, 28))
    assert _figures(tenant) == first
    history.compute(_day(9), _day(9))  # one past day (and the trailing windows after it)
    assert _figures(tenant) == first
    assert len(first) > 40 * 13


def test_a_late_event_for_a_past_day_is_counted_by_the_next_night(history, tenant):
    assert history.nightly(_day(20)) is not None
    assert history.value("dau", _day(5)) == 0
    # Day 5's event arrives on day 21, after day 5 was computed.
    history.events(
        [(history.at(_day(5), "09:00"), "Login", "acme", "ann")],
        received_at=history.at(_day(21), "08:00").astimezone(UTC),
    )
    history.nightly(_day(21))
    assert history.value("dau", _day(5)) == 1
    assert history.value("mau", _day(21)) == 1  # the trailing windows after it too
    with tenant_scope(tenant):
        assert MetricsState.objects.get().computed_through == _day(21)


def test_events_attributed_late_mark_their_days_dirty(history, tenant):
    history.nightly(_day(20))
    # An event names a contact nobody has told us about yet: no user can count it.
    history.events(
        [(history.at(_day(6)), "Login", "acme", "zed")],
        received_at=history.at(_day(6), "23:00").astimezone(UTC),  # not late: only unknown
    )
    history.nightly(_day(20))
    assert history.value("dau", _day(6)) == 0
    with tenant_scope(tenant):
        contact_upsert(tenant=tenant, external_id="zed", account=history.accounts["acme"])
        assert list(DirtyDay.objects.values_list("day", flat=True)) == [_day(6)]
    history.nightly(_day(20))  # the same night: only the dirty day and what depends on it
    assert history.value("dau", _day(6)) == 1
    with tenant_scope(tenant):
        assert not DirtyDay.objects.exists()


def test_a_second_nightly_run_on_the_same_night_changes_nothing(history, tenant):
    assert history.nightly(_day(20)) is not None
    first = _figures(tenant)
    # Terms written in the last minutes are looked at again (their transaction may have
    # committed after the first run read them); the figures stay the same.
    history.nightly(_day(20))
    assert _figures(tenant) == first


def test_churn_records_carry_tenure_last_mrr_and_engagement_trend(history, tenant):
    history.compute(_day(1), date(2026, 2, 28))
    with tenant_scope(tenant):
        record = ChurnRecord.objects.get()
    assert record.account_id == history.accounts["umbra"].pk
    assert record.churned_on == date(2026, 1, 20)
    assert record.tenure_months == 7  # 2025-06-01 to 2026-01-20
    assert record.last_mrr == 50
    # umbra had events on the even days 2-14: windows before Jan 20 (oldest first):
    # Oct 22-Nov 20, Nov 21-Dec 20, Dec 21-Jan 19.
    assert record.engagement_trend == [0, 0, 7]
    assert record.reason is None


def test_a_renewal_inside_the_grace_window_removes_an_untouched_churn_record(history, tenant):
    history.term("cedar", date(2025, 1, 1), date(2026, 1, 20), 10)
    history.nightly(date(2026, 1, 25))
    with tenant_scope(tenant):
        assert ChurnRecord.objects.count() == 2
        kept = ChurnRecord.objects.get(account=history.accounts["umbra"])
        kept.reason = ChurnReason.objects.create(tenant=tenant, key="budget", label="Budget")
        kept.save()
    # Both renew 15 days after their end: the next night's grace-window refresh sees it.
    history.term("umbra", date(2026, 2, 4), None, 50)
    history.term("cedar", date(2026, 2, 4), None, 10)
    history.nightly(date(2026, 2, 5))
    with tenant_scope(tenant):
        # cedar's record had nothing a person wrote: gone. umbra's has a reason: kept.
        assert list(ChurnRecord.objects.values_list("account_id", flat=True)) == [
            history.accounts["umbra"].pk
        ]
    assert history.value("active_accounts", date(2026, 1, 25)) == 3


def test_two_runs_for_one_tenant_never_overlap(history, tenant):
    with metrics_run_in_progress(tenant), pytest.raises(MetricsBusy), tenant_scope(tenant):
        metrics_nightly(tenant=tenant, now=datetime(2026, 1, 21, 6, tzinfo=UTC))
    assert history.nightly(_day(20)) is not None  # free again once the other run is gone


def test_a_failing_run_records_its_error_and_leaves_the_figures_as_they_were(history, tenant):
    history.compute(_day(1), _day(40))
    before = _figures(tenant)
    with connection.cursor() as cursor:  # a real failure inside PostgreSQL, mid-write
        cursor.execute(
            """
            CREATE FUNCTION refuse_day() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'disk full'; END $$;
            CREATE TRIGGER refuse_day BEFORE INSERT ON metrics_metricfigure
            FOR EACH ROW WHEN (NEW.period = DATE '2026-02-05') EXECUTE FUNCTION refuse_day();
            """
        )
    history.term("late", _day(3), None, 7)  # changes every figure after day 3
    with pytest.raises(Exception, match="disk full"):
        history.compute(_day(1), _day(40))
    with tenant_scope(tenant):
        state = MetricsState.objects.get()
    assert "disk full" in state.last_error
    assert state.computed_through == _day(40)  # from the first run; not moved by this one
    # Not one figure of the failed run was written: no day is half old, half new.
    assert _figures(tenant) == before
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse_day ON metrics_metricfigure")
    history.compute(_day(1), _day(40))
    assert history.value("mrr", _day(10)) == 157  # acme 100, umbra 50, late 7


@pytest.mark.django_db(transaction=True)
def test_the_nightly_fan_out_runs_on_a_real_worker(tenant, worker):
    from metrics.tasks import nightly_all

    history = History(tenant)
    history.term("acme", date(2025, 6, 1), None, 100)
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    nightly_all.apply()  # the fan-out itself runs here; the per-tenant task goes to the worker
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        state = MetricsState.objects.unscoped().filter(tenant=tenant).first()
        if state is not None and state.computed_through == yesterday:
            break
        assert worker.poll() is None, "the worker died"
        time.sleep(0.3)
    assert state is not None and state.computed_through == yesterday
    assert history.value("active_accounts", yesterday) == 1
    assert history.value("mrr", yesterday) == 100
    # Delivered again, nothing is left to do.
    assert nightly_all.apply().get() == 0


def test_a_backfill_of_other_days_keeps_the_dirty_marks_it_did_not_rebuild(history, tenant):
    history.nightly(_day(20))
    history.events(
        [(history.at(_day(6)), "Login", "acme", "zed")],
        received_at=history.at(_day(6), "23:00").astimezone(UTC),
    )
    with tenant_scope(tenant):
        contact_upsert(tenant=tenant, external_id="zed", account=history.accounts["acme"])
    history.compute(_day(15), _day(20))  # does not cover day 6
    with tenant_scope(tenant):
        assert list(DirtyDay.objects.values_list("kind", "day")) == [("events", _day(6))]
    history.nightly(_day(20))
    assert history.value("dau", _day(6)) == 1


def test_a_renewal_is_picked_up_even_after_a_backfill_ran_in_between(history, tenant):
    history.nightly(date(2026, 1, 25))
    assert history.value("active_accounts", date(2026, 1, 22)) == 1  # umbra ended Jan 20
    history.term("umbra", date(2026, 2, 4), None, 50)  # renewed inside the grace window
    history.compute(date(2026, 1, 24), date(2026, 1, 25))  # a manual backfill of two days
    history.nightly(date(2026, 1, 26))
    assert history.value("active_accounts", date(2026, 1, 22)) == 2
    with tenant_scope(tenant):
        assert not ChurnRecord.objects.exists()


def test_segments_named_like_missing_values_keep_their_cut(tenant):
    history = History(tenant)
    history.account("north", segment="NA")
    history.account("none", segment="None")
    history.term("north", date(2025, 6, 1), None, 100)
    history.term("none", date(2025, 6, 1), None, 30)
    history.compute(_day(1), _day(2))
    assert history.value("mrr", _day(1), dimension="segment", key="NA") == 100
    assert history.value("mrr", _day(1), dimension="segment", key="None") == 30


def test_a_deleted_term_is_taken_out_of_the_figures_by_the_next_night(history, tenant, api):
    from accounts.models import Subscription

    history.nightly(_day(20))
    assert history.value("mrr", _day(10)) == 150
    with tenant_scope(tenant):
        term = Subscription.objects.get(account=history.accounts["umbra"])
    assert api.delete(f"/api/v1/subscriptions/{term.external_id}/").status_code == 204
    with tenant_scope(tenant):
        assert list(DirtyDay.objects.values_list("kind", flat=True)) == ["figures"]
    history.nightly(_day(20))
    assert history.value("mrr", _day(10)) == 100
    with tenant_scope(tenant):
        assert not DirtyDay.objects.exists()


def test_a_backdated_nps_answer_changes_past_figures_the_next_night(history, tenant):
    from accounts.services.nps import nps_response_record

    history.nightly(_day(20))
    assert history.value("nps", _day(10)) is None
    with tenant_scope(tenant):
        ann = Contact.objects.get(external_id="ann")
        nps_response_record(tenant=tenant, contact=ann, score=10, answered_at=history.at(_day(8)))
    history.nightly(_day(20))
    assert history.parts("nps", _day(10)) == (100, 1, 1)


def test_moving_an_account_to_another_segment_moves_its_history(history, tenant):
    from accounts.services.accounts import account_upsert

    history.nightly(_day(20))
    with tenant_scope(tenant):
        account_upsert(tenant=tenant, external_id="acme", name="acme", segment="Enterprise")
    history.nightly(_day(20))
    assert history.value("mrr", _day(3), dimension="segment", key="Enterprise") == 100


def test_making_a_feature_core_recomputes_adoption(history, tenant, api):
    history.nightly(_day(20))
    assert history.value("adoption_rate", _day(14)) == 0
    response = api.put("/api/v1/features/Login/", {"feature": "Sign-in", "is_core": True})
    assert response.status_code == 201
    history.nightly(_day(20))
    # acme logged in on the odd days 1-13 (7 days), umbra on the even days 2-14 (7 days).
    assert history.parts("adoption_rate", _day(14)) == (1, 2, 2)


def test_changing_a_metric_setting_in_the_admin_marks_the_history(tenant, owner, rf):
    from django.contrib.admin.sites import site

    from tenants.admin import TenantModelAdmin
    from tenants.models import Tenant

    model_admin = TenantModelAdmin(Tenant, site)
    request = rf.post("/admin/")
    request.user = owner
    with tenant_scope(tenant):  # what the tenant middleware sets for a signed-in owner
        request.membership = owner.memberships.get()
    request.tenant = tenant
    form_class = model_admin.get_form(request, tenant, change=True)
    assert "renewal_grace_days" in form_class.base_fields
    data = {field: getattr(tenant, field) for field in form_class.base_fields}
    data["renewal_grace_days"] = 45
    form = form_class(data, instance=tenant)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    with tenant_scope(tenant):
        assert list(DirtyDay.objects.values_list("kind", flat=True)) == ["figures"]
