"""Writes that change what figures are made of go through services that mark the figures in
the same transaction: tenant settings (a new time zone rebuilds every local day), spend,
the feature catalog."""

from datetime import date, timedelta

import pytest

from accounts.models import Account
from metrics.models import AccountDay, DirtyDay, MetricsState
from metrics.services.dirty_days import BEGINNING
from tenants.services.tenants import tenant_settings_update
from tenants.tenancy.context import tenant_scope
from tests.metrics.history import History

pytestmark = pytest.mark.django_db

JAN = date(2026, 1, 1)


def _day(n: int) -> date:
    return JAN + timedelta(days=n - 1)


def _marks(tenant):
    with tenant_scope(tenant):
        return sorted(DirtyDay.objects.values_list("kind", "day"))


def _event_days(tenant, account_name):
    with tenant_scope(tenant):
        account = Account.objects.get(external_id=account_name)
        return sorted(
            AccountDay.objects.filter(account_id=account.pk, events__gt=0).values_list(
                "day", flat=True
            )
        )


def test_a_new_time_zone_rebuilds_every_local_day(tenant, django_capture_on_commit_callbacks):
    history = History(tenant)  # the tenant starts in UTC
    history.term("acme", date(2025, 12, 1), None, 100)
    history.events([(history.at(_day(n), "23:30"), "Login", "acme", "") for n in (3, 9)])
    history.nightly(_day(20))
    assert _event_days(tenant, "acme") == [_day(3), _day(9)]

    with django_capture_on_commit_callbacks() as queued:
        changed = tenant_settings_update(tenant=tenant, time_zone="Pacific/Auckland")
    assert changed == ["time_zone"]
    state = MetricsState.objects.for_tenant(tenant).get()
    assert state.rebuild_requested_at is not None  # the whole history is due again
    assert ("figures", BEGINNING) in _marks(tenant)
    assert len(queued) == 1  # a run is queued once the change commits

    history.nightly(_day(20))  # what that run does
    # 23:30 UTC is 12:30 the next day in Auckland (UTC+13 in January).
    assert _event_days(tenant, "acme") == [_day(4), _day(10)]
    assert MetricsState.objects.for_tenant(tenant).get().rebuild_requested_at is None
    assert history.nightly(_day(20)) is None  # done: nothing left to do


def test_a_run_under_way_cannot_lose_a_rebuild_requested_meanwhile(tenant):
    from metrics.services.recompute import Plan, _run, state_for

    history = History(tenant)
    history.term("acme", date(2025, 12, 1), None, 100)
    history.nightly(_day(20))
    running = state_for(tenant)  # a run has read the state...
    tenant_settings_update(tenant=tenant, time_zone="Asia/Tokyo")  # ...the zone changes...
    with tenant_scope(tenant):  # ...and the run saves its bookkeeping afterwards
        _run(
            tenant,
            running,
            Plan({_day(20)}, {_day(20)}, set(), _day(20)),
            now=history.at(_day(21)),
            started=history.at(_day(21)),
        )
    assert MetricsState.objects.for_tenant(tenant).get().rebuild_requested_at is not None


def test_a_metric_setting_marks_every_figure_and_an_unchanged_value_nothing(tenant):
    assert tenant_settings_update(tenant=tenant, renewal_grace_days=30) == []
    assert _marks(tenant) == []
    assert tenant_settings_update(tenant=tenant, renewal_grace_days=45) == ["renewal_grace_days"]
    assert _marks(tenant) == [("figures", BEGINNING)]
    tenant.refresh_from_db()
    assert tenant.renewal_grace_days == 45


def test_an_invalid_setting_is_refused_and_nothing_is_written(tenant):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        tenant_settings_update(tenant=tenant, time_zone="Mars/Olympus")
    assert "time_zone" in error.value.message_dict
    tenant.refresh_from_db()
    assert tenant.time_zone == "UTC" and _marks(tenant) == []


def test_spend_written_by_api_marks_figures_from_its_month(api, tenant):
    assert api.put("/api/v1/spend/2025-03/", {"amount": "900.00"}).status_code == 201
    assert _marks(tenant) == [("figures", date(2025, 3, 1))]
    with tenant_scope(tenant):
        DirtyDay.objects.all().delete()
    assert api.put("/api/v1/spend/2025-03/", {"amount": "900.00"}).status_code == 200
    assert _marks(tenant) == []  # the same amount again changes nothing
    assert api.delete("/api/v1/spend/2025-03/").status_code == 204
    assert _marks(tenant) == [("figures", date(2025, 3, 1))]


def test_a_core_flag_marks_figures_and_a_plain_feature_does_not(api, tenant):
    assert api.put("/api/v1/features/Login/", {"feature": "Sign-in"}).status_code == 201
    assert _marks(tenant) == []
    response = api.patch("/api/v1/features/Login/", {"is_core": True})
    assert response.status_code == 200 and response.json()["is_core"] is True
    assert _marks(tenant) == [("figures", BEGINNING)]


@pytest.mark.django_db(transaction=True)
def test_a_new_time_zone_is_saved_with_the_broker_down_and_rebuilt_once_it_is_back(
    tenant, broker_down
):
    from tenants.models import OutboxTask
    from tenants.tenancy.outbox import outbox_relay
    from tests.conftest import broker_back

    assert tenant_settings_update(tenant=tenant, time_zone="Asia/Tokyo") == ["time_zone"]
    (entry,) = OutboxTask.objects.for_tenant(tenant)
    assert entry.task_name == "metrics.tasks.nightly" and entry.sent_at is None
    assert not MetricsState.objects.for_tenant(tenant).exists()  # no run yet
    with broker_back():
        assert outbox_relay().sent == 1
    state = MetricsState.objects.for_tenant(tenant).get()  # the run the change queued
    assert state.computed_through is not None and state.rebuild_requested_at is None
