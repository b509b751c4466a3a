"""Scorecard pages: the list, a scorecard beside its backtest and suggested weights, the
form (the services' errors next to their fields), versions, deletion, roles and outsiders."""

import pytest
from django.urls import reverse

from health.labels import short_name
from health.models import Backtest, Scorecard, ScorecardVersion
from health.services.defaults import scorecards_ensure_defaults
from health.services.scorecards import scorecard_create
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import account, russian_with

pytestmark = pytest.mark.django_db

FREQUENCY = {"source": "usage_frequency", "mapping": "linear", "low": "0", "high": "20"}
SINCE = {"source": "days_since_activity", "mapping": "thresholds", "missing": "poor"}


def _row(index, measure) -> dict:
    return {f"measures-{index}-{name}": value for name, value in measure.items()}


def _form(measures=None, **changes) -> dict:
    if measures is None:
        measures = [
            {**FREQUENCY, "weight": "3"},
            {**SINCE, "thresholds": "0:100, 8:70, 15:40, 31:0", "weight": "1"},
        ]
    data = {
        "name": "Enterprise", "priority": "10", "segment": "Enterprise", "lifecycle_stage": "",
        "good_min": "75", "average_min": "45", "note": "",
        "measures-TOTAL_FORMS": str(len(measures) + 1), "measures-INITIAL_FORMS": "0",
        "measures-MIN_NUM_FORMS": "0", "measures-MAX_NUM_FORMS": "20",
    }  # fmt: skip
    for index, measure in enumerate(measures):
        data |= _row(index, measure)
    data |= {
        f"measures-{len(measures)}-mapping": "linear",
        f"measures-{len(measures)}-missing": "omit",
    }
    return {**data, **changes}


@pytest.fixture
def card(tenant):
    account(tenant, "a1", segment="Enterprise")
    scorecards_ensure_defaults(tenant=tenant)
    return scorecard_create(
        tenant=tenant, name="Enterprise", priority=10, segment="Enterprise",
        measures=[
            {**FREQUENCY, "weight": 3}, {**SINCE, "thresholds": [[0, 100], [8, 70]], "weight": 1}
        ],
    )  # fmt: skip


def _backtest(tenant, card, suggested=None, held_out=(0.71, 0.84)):
    with tenant_scope(tenant):
        version = ScorecardVersion.objects.get(scorecard=card, number=card.version)
        return Backtest.objects.create(
            scorecard=card, scorecard_version=version, computed_at="2026-12-02T02:30:00Z",
            auc=0.8123, accounts=40, churned=6,
            bands={
                "good": {"accounts": 20, "churned": 1, "churn_rate": 0.05},
                "average": {"accounts": 12, "churned": 2, "churn_rate": 0.1667},
                "poor": {"accounts": 8, "churned": 3, "churn_rate": 0.375},
            },
            months=[{"month_start": "2026-01-01", "window_end": "2026-04-01", "complete": True,
                     "accounts": 40, "unscored": 2, "churned": 6, "auc": 0.8123}],
            suggestion={
                "current_weights": {"usage_frequency": 3.0, "days_since_activity": 1.0},
                "suggested_weights": suggested,
                "held_out_auc_current": held_out[0], "held_out_auc_suggested": held_out[1],
                "train_months": ["2026-01-01"], "test_months": ["2026-02-01"], "reason": "",
            },
        )  # fmt: skip


@pytest.mark.outsider(
    "scorecards", "scorecard", "scorecard-create", "scorecard-edit", "scorecard-delete",
    "scorecard-apply-suggestion",
)  # fmt: skip
def test_outsiders_get_404(outsider_client, tenant, card):
    for name in ("scorecard", "scorecard-edit", "scorecard-delete"):
        assert outsider_client.get(reverse(name, args=[card.pk])).status_code == 404
    for name in ("scorecard-edit", "scorecard-delete", "scorecard-apply-suggestion"):
        response = outsider_client.post(reverse(name, args=[card.pk]), _form(name="Stolen"))
        assert response.status_code == 404
    listed = outsider_client.get(reverse("scorecards"))
    assert listed.status_code == 200 and b"Enterprise" not in listed.content
    created = outsider_client.get(reverse("scorecard-create"))
    assert created.status_code == 200 and b"Enterprise" not in created.content  # no segment
    with tenant_scope(tenant):
        assert Scorecard.objects.get(pk=card.pk).name == "Enterprise"


def test_list_in_priority_order_with_auc(owner_client, tenant, card):
    _backtest(tenant, card)
    response = owner_client.get(reverse("scorecards"))
    assert response.status_code == 200
    names = [c.name for c in response.context["scorecards"]]
    assert names == ["Enterprise", "Default health score"]
    html = response.content.decode()
    assert "0.81" in html and "v1" in html and "≥ 70" in html
    assert reverse("scorecard-create") in html


def test_list_queries_constant(owner_client, tenant, card):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(reverse("scorecards")).status_code == 200
        return len(queries)

    before = count()
    for index in range(3):
        account(tenant, f"s{index}", segment=f"S{index}")
        made = scorecard_create(
            tenant=tenant, name=f"S{index}", priority=20 + index, segment=f"S{index}",
            measures=[{**FREQUENCY, "weight": 1}],
        )  # fmt: skip
        _backtest(tenant, made)
    assert count() == before


def test_detail_beside_backtest_and_suggestion(owner_client, tenant, card, owner):
    _backtest(tenant, card, suggested={"usage_frequency": 2.0, "days_since_activity": 2.0})
    html = owner_client.get(reverse("scorecard", args=[card.pk])).content.decode()
    assert "Usage frequency" in html and "0 scores 0, 20 scores 100" in html
    assert "≥ 8: 70" in html and "Count as poor (0)" in html
    assert "0.81" in html and "37.5%" in html and 'class="bar bar-poor"' in html
    assert "0.71" in html and "0.84" in html and "Apply suggestion" in html
    assert "v1" in html and reverse("scorecard-edit", args=[card.pk]) in html
    # Which AUC is which: the backtest's over the month starts counted, the held-out ones.
    assert "AUC over the 1 month start whose 90 days have passed" in html
    assert "held-out AUC (the latest month start)" in html
    assert "Of the last 1 month starts, the 1 whose 90 days have passed count" in html
    # The suggestion beats the current weights: applying it is the page's main button.
    assert 'class="primary">Apply suggestion' in html and "does not beat" not in html


def test_a_suggestion_no_better_is_not_the_main_button(owner_client, tenant, card):
    suggested = {"usage_frequency": 2.0, "days_since_activity": 2.0}
    _backtest(tenant, card, suggested=suggested, held_out=(0.81, 0.80))
    html = owner_client.get(reverse("scorecard", args=[card.pk])).content.decode()
    assert '<button type="submit">Apply suggestion</button>' in html
    assert "The suggestion does not beat the current weights on the held-out months." in html


def test_suggested_weights_in_the_measures_order(owner_client, tenant, card):
    _backtest(tenant, card, suggested={"days_since_activity": 2.0, "usage_frequency": 2.0})
    rows = owner_client.get(reverse("scorecard", args=[card.pk])).context["suggestion_rows"]
    with tenant_scope(tenant):
        order = [m.source for m in card.measures.all()]
    assert [row["name"] for row in rows] == [short_name(source) for source in order]


def test_csm_and_viewer_read_only(member_client, viewer_client, tenant, card):
    _backtest(tenant, card, suggested={"usage_frequency": 2.0, "days_since_activity": 2.0})
    for client in (member_client, viewer_client):
        page = client.get(reverse("scorecard", args=[card.pk]))
        assert page.status_code == 200
        assert b"Apply suggestion" not in page.content
        assert reverse("scorecard-edit", args=[card.pk]).encode() not in page.content
        assert client.get(reverse("scorecard-edit", args=[card.pk])).status_code == 403
        assert client.get(reverse("scorecard-create")).status_code == 403
        assert client.post(reverse("scorecard-create"), _form()).status_code == 403
        assert client.post(reverse("scorecard-edit", args=[card.pk]), _form()).status_code == 403
        apply = reverse("scorecard-apply-suggestion", args=[card.pk])
        assert client.post(apply).status_code == 403
        assert client.post(reverse("scorecard-delete", args=[card.pk])).status_code == 403
    with tenant_scope(tenant):
        assert Scorecard.objects.get(pk=card.pk).version == 1


def test_create_and_edit_record_versions(owner_client, tenant, owner):
    account(tenant, "a1", segment="Enterprise")
    form = owner_client.get(reverse("scorecard-create"))
    assert form.status_code == 200 and len(form.context["formset"].forms) == 7  # defaults + 1
    response = owner_client.post(reverse("scorecard-create"), _form(note="First cut"))
    assert response.status_code == 302, response.context and response.context["form"].errors
    with tenant_scope(tenant):
        card = Scorecard.objects.get(name="Enterprise")
        assert [m.source for m in card.measures.all()] == ["usage_frequency", "days_since_activity"]
        assert card.measures.all()[1].thresholds == [[0, 100], [8, 70], [15, 40], [31, 0]]
    edit = owner_client.get(reverse("scorecard-edit", args=[card.pk]))
    assert edit.context["formset"].forms[1].initial["thresholds"] == "0:100, 8:70, 15:40, 31:0"
    changed = _form(good_min="80", note="Stricter")
    changed["measures-1-DELETE"] = "on"
    assert owner_client.post(reverse("scorecard-edit", args=[card.pk]), changed).status_code == 302
    with tenant_scope(tenant):
        card.refresh_from_db()
        versions = list(ScorecardVersion.objects.filter(scorecard=card).order_by("number"))
        assert card.version == 2 and card.good_min == 80 and card.measures.count() == 1
    assert [(v.number, v.note, v.created_by.user) for v in versions] == [
        (1, "First cut", owner), (2, "Stricter", owner)
    ]  # fmt: skip
    history = owner_client.get(reverse("scorecard", args=[card.pk])).content.decode()
    assert "Stricter" in history and "owner@acme.test" in history and "(UTC)" in history


BAD = [
    ({"measures": [{**FREQUENCY, "weight": "-1"}]}, (0, "weight"), "above 0"),
    ({"measures": [{**FREQUENCY, "weight": "0"}, {**SINCE, "thresholds": "0:100", "weight": "0"}]},
     (1, "weight"), "above 0"),
    ({"measures": [{**SINCE, "thresholds": "0:100, 15:40, 8:70", "weight": "1"}]},
     (0, "thresholds"), "must go up"),
    ({"measures": [{**SINCE, "thresholds": "0-100", "weight": "1"}]},
     (0, "thresholds"), "minimum:score"),
    ({"measures": [{**FREQUENCY, "high": "", "weight": "1"}]}, (0, "high"), "scores 100"),
    ({"measures": [{**FREQUENCY, "low": "5", "high": "5", "weight": "1"}]}, (0, "high"), "empty"),
    ({"measures": [{**FREQUENCY, "source": "", "weight": "1"}]}, (0, "source"), "Not a measure"),
    ({"good_min": "45", "average_min": "45"}, "good_min", "Must be above"),
    ({"good_min": "101"}, "good_min", "1 to 100"),
    ({"segment": "Nonexistent"}, "segment", "No account has the segment"),
    ({"segment": "", "lifecycle_stage": ""}, "segment", "Choose a segment"),
    ({"priority": "1000"}, "priority", "Another scorecard"),
    ({"name": ""}, "name", "Give the scorecard a name"),
    ({"measures": []}, None, "at least one measure"),
]  # fmt: skip


@pytest.mark.parametrize("changes,field,message", BAD)
def test_bad_input_is_shown_next_to_the_field(owner_client, tenant, changes, field, message):
    account(tenant, "a1", segment="Enterprise")
    scorecards_ensure_defaults(tenant=tenant)  # priority 1000
    response = owner_client.post(reverse("scorecard-create"), _form(**changes))
    assert response.status_code == 400
    if isinstance(field, tuple):
        errors = response.context["formset"].forms[field[0]].errors[field[1]]
    elif field:
        errors = response.context["form"].errors[field]
    else:
        errors = response.context["general_errors"]
    assert any(message in str(e) for e in errors), errors
    assert message.encode() in response.content
    with tenant_scope(tenant):
        assert Scorecard.objects.count() == 1


def test_add_row_without_javascript(owner_client, tenant, card):
    data = _form()
    response = owner_client.post(
        reverse("scorecard-edit", args=[card.pk]), {**data, "add_row": "1"}
    )
    assert response.status_code == 200 and len(response.context["formset"].forms) == 4
    with tenant_scope(tenant):
        assert Scorecard.objects.get(pk=card.pk).version == 1  # nothing saved


@pytest.mark.parametrize("total", ["²", "٣", "-1", "x"])
def test_add_row_with_a_row_count_that_is_not_a_number_is_a_form_error(
    owner_client, tenant, card, total
):
    data = {**_form(), "measures-TOTAL_FORMS": total, "add_row": "1"}
    response = owner_client.post(reverse("scorecard-edit", args=[card.pk]), data)
    assert response.status_code == 400
    assert b"was not saved" in response.content
    with tenant_scope(tenant):
        assert Scorecard.objects.get(pk=card.pk).version == 1


def test_apply_suggestion_records_a_version(owner_client, tenant, card, owner):
    _backtest(tenant, card, suggested={"usage_frequency": 62.5, "days_since_activity": 37.5})
    response = owner_client.post(reverse("scorecard-apply-suggestion", args=[card.pk]))
    assert response.status_code == 302
    with tenant_scope(tenant):
        card.refresh_from_db()
        version = ScorecardVersion.objects.get(scorecard=card, number=card.version)
        assert card.version == 2 and version.created_by.user == owner
        assert {m.source: float(m.weight) for m in card.measures.all()} == {
            "usage_frequency": 62.5, "days_since_activity": 37.5
        }  # fmt: skip
    page = owner_client.get(reverse("scorecard", args=[card.pk])).content.decode()
    assert "Suggested weights applied" in page and "Apply suggestion" not in page
    again = owner_client.post(reverse("scorecard-apply-suggestion", args=[card.pk]), follow=True)
    assert "changed since the suggestion" in again.content.decode()


def test_delete_but_not_the_default(owner_client, tenant, card):
    default = scorecards_ensure_defaults(tenant=tenant)
    refused = owner_client.post(reverse("scorecard-delete", args=[default.pk]))
    assert refused.status_code == 400 and b"cannot be deleted" in refused.content
    assert owner_client.get(reverse("scorecard-delete", args=[card.pk])).status_code == 200
    assert owner_client.post(reverse("scorecard-delete", args=[card.pk])).status_code == 302
    with tenant_scope(tenant):
        assert list(Scorecard.objects.values_list("pk", flat=True)) == [default.pk]
        assert ScorecardVersion.objects.filter(snapshot__name="Enterprise").exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"priority": str(10**12)},
        {"measures-0-weight": "123456789"},
        {"measures-0-high": "1e20"},
        {"measures-1-thresholds": "0:100, 1e30:5"},
        {"measures-1-thresholds": "0:abc"},
        {"measures-TOTAL_FORMS": "500"},
        {"measures-TOTAL_FORMS": "", "measures-INITIAL_FORMS": ""},
    ],
)
def test_out_of_range_or_broken_input_is_a_form_error(owner_client, tenant, changes):
    account(tenant, "a1", segment="Enterprise")
    response = owner_client.post(reverse("scorecard-create"), _form(**changes))
    assert response.status_code == 400
    assert b"was not saved" in response.content
    with tenant_scope(tenant):
        assert not Scorecard.objects.filter(name="Enterprise").exists()


def test_auc_not_known_yet_is_translated(owner_client, tenant, card):
    backtest = _backtest(tenant, card)
    with tenant_scope(tenant):
        Backtest.objects.filter(pk=backtest.pk).update(auc=None)
    with russian_with("n/a", "н/д"):
        pages = [
            owner_client.get(reverse("scorecards"), HTTP_ACCEPT_LANGUAGE="ru").content.decode(),
            owner_client.get(
                reverse("scorecard", args=[card.pk]), HTTP_ACCEPT_LANGUAGE="ru"
            ).content.decode(),
        ]
    for page in pages:
        assert '<span class="na">н/д</span>' in page and ">n/a<" not in page
